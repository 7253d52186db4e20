"""Korean search (docs/_ext/korean_search.py): the Python and JavaScript stemmers agree.

The index is written with the Python stemmer and queried in the browser with the
JavaScript one, so both run on the same word list (korean_search_words.tsv); the
JavaScript runs under node. A tiny Korean site is then built and searched through
Sphinx's own searchtools.js, as the search page does.
"""

from __future__ import annotations

import doctest
import importlib.util
import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
EXT = ROOT / "docs" / "_ext"
WORDS_FILE = HERE / "korean_search_words.tsv"
NODE_HARNESS = HERE / "korean_search_node.js"
NODE = shutil.which("node")

needs_node = pytest.mark.skipif(
    NODE is None, reason="node is not installed: the JavaScript stemmer cannot be run"
)


def load_extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location("korean_search", EXT / "korean_search.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


ks = load_extension()


def read_words() -> list[tuple[str, str, str]]:
    rows = []
    for line in WORDS_FILE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            word, expected, note = line.split("\t")
            rows.append((word, expected, note))
    return rows


WORDS = read_words()


def node(mode: str, files: list[Path], inputs: list[Any]) -> list[Any]:
    """Run the harness: load ``files`` like <script> tags, apply ``mode`` to ``inputs``."""
    assert NODE is not None
    result = subprocess.run(
        [NODE, str(NODE_HARNESS), mode, *map(str, files)],
        input=json.dumps(inputs, ensure_ascii=False),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    outputs = json.loads(result.stdout)
    assert len(outputs) == len(inputs)
    return outputs


@pytest.fixture(scope="module")
def stemmer_js(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stemmer") / "stemmer.js"
    path.write_text(ks.js_stemmer_source(), encoding="utf-8")
    return path


# -- the Python stemmer on the word list -------------------------------------------


def test_word_list_covers_changes_and_non_changes() -> None:
    changed = [w for w, s, _ in WORDS if w.lower() != s]
    unchanged = [w for w, s, _ in WORDS if w.lower() == s]
    assert len(WORDS) >= 60
    assert len({w for w, _, _ in WORDS}) == len(WORDS), "a word is listed twice"
    assert len(changed) >= 40
    assert len(unchanged) >= 30


@pytest.mark.parametrize(("word", "expected", "note"), WORDS, ids=[w for w, _, _ in WORDS])
def test_python_stem(word: str, expected: str, note: str) -> None:
    assert ks.stem(word) == expected, note


def test_stems_are_fixed_points() -> None:
    """Typing the stem finds the page: stem(stem(w)) == stem(w)."""
    stems = {s for _, s, _ in WORDS} | ks.PROTECTED
    moved = {s: ks.stem(s) for s in stems if ks.stem(s) != s}
    assert not moved


def test_stopwords_survive_stemming() -> None:
    """The browser drops stopwords before stemming, the index after: they must be stems."""
    assert {w for w in ks.KOREAN_STOPWORDS if ks.stem(w) != w} == set()
    assert ks.KOREAN_STOPWORDS.issubset(ks.SearchKorean({}).stopwords)


def test_search_language_uses_the_stemmer() -> None:
    lang = ks.SearchKorean({})
    assert lang.lang == "ko"
    assert [lang.stem(w) for w in ("텐서를", "Shapes")] == ["텐서", "shape"]
    assert lang.word_filter("텐서")
    assert not lang.word_filter("또는")
    assert not lang.word_filter("the")


def test_table_is_checked() -> None:
    rules = [(e.suffix, e.after) for e in ks.ENDINGS]
    assert len(rules) == len({suffix for suffix, _ in rules}), "duplicate suffix"
    assert {after for _, after in rules} <= set(ks.CONDITIONS)


def test_module_doctests() -> None:
    """docs/_ext is outside the doctest paths of pytest: run its examples here."""
    assert doctest.testmod(ks).failed == 0


def test_nfd_input_is_normalised() -> None:
    assert ks.stem(unicodedata.normalize("NFD", "텐서를")) == "텐서"


# -- the JavaScript stemmer: same table, same answers ------------------------------


def parity_words() -> list[str]:
    """The word list, plus every stem and protected word with every suffix of the table."""
    words = [w for w, _, _ in WORDS]
    bases = sorted({s for _, s, _ in WORDS} | ks.PROTECTED | {"수", "키", "회", "그대"})
    suffixes = [e.suffix for e in (*ks.ENDINGS, *ks.PLURAL)]
    words += [b + s for b in bases for s in suffixes]
    words += [b + "들" + s for b in ("텐서", "값", "층") for s in suffixes]
    words += [unicodedata.normalize("NFD", w) for w in ("텐서를", "높이는", "층이")]
    words += ["TENSORS를", "ﾃｽﾄ", "ㅋㅋ", "_", "x", "1로", "a🙂를", "İ"]
    return list(dict.fromkeys(words))


@needs_node
def test_js_stemmer_matches_python_on_word_list(stemmer_js: Path) -> None:
    words = [w for w, _, _ in WORDS]
    assert node("stem", [stemmer_js], words) == [ks.stem(w) for w in words]


@needs_node
def test_js_stemmer_matches_python_on_every_suffix(stemmer_js: Path) -> None:
    words = parity_words()
    assert len(words) > 5000
    js = node("stem", [stemmer_js], words)
    python = [ks.stem(w) for w in words]
    differ = [(w, p, j) for w, p, j in zip(words, python, js, strict=True) if p != j]
    assert not differ[:20], f"{len(differ)} words differ (word, python, js)"


SENTENCES = [
    "텐서를 만듭니다. 텐서는 숫자를 담습니다!",
    "Conv2d를 쓰면 shape(형태)가 바뀝니다: N×C×H×W → N×16×216×384.",
    "곱셈-누산(MAC)과 연산량 · 합성곱의 파라미터 6,220,801개",
    "max_pool2d와 nn.Linear의 가중치, 편향…「출력」『입력』",
    "  앞뒤 공백\t탭\n줄바꿈  ",
]


@needs_node
def test_splitting_matches_searchtools() -> None:
    """Python's indexer and searchtools.js's splitQuery cut Korean text identically."""
    import sphinx

    searchtools = Path(sphinx.package_dir) / "themes" / "basic" / "static" / "searchtools.js"
    lang = ks.SearchKorean({})
    assert node("split", [searchtools], SENTENCES) == [lang.split(s) for s in SENTENCES]


# -- a tiny Korean site, searched the way search.html does -------------------------

CONF = f"""
import sys
sys.path.insert(0, {str(EXT)!r})
project = "검색 시험"
language = "ko"
extensions = ["korean_search"]
html_theme = "basic"
"""

PAGES = {
    "index": "시작\n====\n\n.. toctree::\n\n   tensor\n   conv\n   mixed\n",
    # Each page says its Korean nouns only with a particle attached.
    "tensor": "데이터 다루기\n=============\n\n텐서를 만듭니다. 텐서는 숫자를 담습니다. "
    "텐서의 모양을 봅니다.\n",
    "conv": "필터 연산\n=========\n\n합성곱은 필터를 밉니다. 합성곱의 출력이 층을 "
    "지나면 높이가 줄어듭니다.\n",
    "mixed": "섞어 쓰기\n=========\n\nConv2d를 쓰면 tensors의 shape이 바뀝니다. "
    "텐서들의 차원은 넷입니다.\n",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("korean_site")
    src, out = tmp / "src", tmp / "html"
    src.mkdir()
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    for name, text in PAGES.items():
        (src / f"{name}.rst").write_text(text, encoding="utf-8")
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-q", "-E"]
    cmd += ["-d", str(tmp / "doctrees"), str(src), str(out)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    return out


def search_index(site: Path) -> dict[str, Any]:
    text = (site / "searchindex.js").read_text(encoding="utf-8")
    prefix, suffix = "Search.setIndex(", ")"
    assert text.startswith(prefix)
    assert text.endswith(suffix)
    return json.loads(text[len(prefix) : -len(suffix)])


def test_index_holds_stems_not_inflected_forms(site: Path) -> None:
    index = search_index(site)
    docs = index["docnames"]
    terms = {
        k: [docs[i] for i in (v if isinstance(v, list) else [v])] for k, v in index["terms"].items()
    }
    assert sorted(terms["텐서"]) == ["mixed", "tensor"]
    assert terms["합성곱"] == ["conv"]
    assert terms["층"] == ["conv"]
    assert terms["높이"] == ["conv"]
    assert terms["tensor"] == ["mixed"]
    assert terms["conv2d"] == ["mixed"]
    assert not {"텐서를", "텐서는", "텐서의", "합성곱은", "층을", "높이가"} & set(terms)


def test_language_data_carries_the_generated_stemmer(site: Path) -> None:
    language_data = (site / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "generated by docs/_ext/korean_search.py" in language_data
    assert "EnglishStemmer" in language_data
    assert '"또는"' in language_data  # Korean stopwords reach the browser


QUERIES = {
    "텐서": ["mixed", "tensor"],  # the tensor page never says 텐서 bare
    "텐서는": ["mixed", "tensor"],
    "합성곱": ["conv"],
    "합성곱을": ["conv"],
    "층": ["conv"],
    "높이": ["conv"],
    "tensor": ["mixed"],
    "Shapes": ["mixed"],
}
# Several terms: searchtools.js (Sphinx 9) lists a page when it matches as many terms as
# the query has terms of 3+ characters, so 2-syllable words like 텐서 do not narrow the
# results. Only check that the page with every term is found.
MULTI_TERM_QUERIES = {"Conv2d 텐서": "mixed", "텐서 모양": "tensor", "합성곱 높이": "conv"}


@needs_node
def test_query_finds_pages_through_searchtools(site: Path) -> None:
    static = site / "_static"
    files = [static / "language_data.js", static / "searchtools.js", site / "searchindex.js"]
    found = node("search", files, list(QUERIES))
    got = {query: sorted(result["docs"]) for query, result in zip(QUERIES, found, strict=True)}
    assert got == QUERIES


@needs_node
def test_multi_term_query_finds_the_page_with_every_term(site: Path) -> None:
    static = site / "_static"
    files = [static / "language_data.js", static / "searchtools.js", site / "searchindex.js"]
    found = node("search", files, list(MULTI_TERM_QUERIES))
    for (query, page), result in zip(MULTI_TERM_QUERIES.items(), found, strict=True):
        assert page in result["docs"], (query, result)
        assert len(result["terms"]) == 2, (query, result)
