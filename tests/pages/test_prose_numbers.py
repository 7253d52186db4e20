"""The counts each chapter's prose quotes, checked across languages and against the page.

For every chapter (whatever ``gallery_scripts()`` finds, so new chapters are covered
without editing this file):

* the Korean and the English prose quote the same large numbers (every number of 1,000 or
  more, with "억"/"조" and "million"/"billion" read as what they mean): the same multiset,
  so one twin cannot drift from the other;
* every parameter or weight count one language quotes ("13 parameters", "파라미터 13개")
  is a number the other language quotes too, and a number the page computed (or an
  earlier page did, for a chapter that recalls one): the integers reachable from the
  page's globals, including each model's parameter total and each parameter's size;
* where the prose — or the chapter's exercise page — names a model by its size ("the
  small model", "큰 모델"), the parameter count quoted after that name in the same
  sentence is that model's count, taken from the page's own ``{display name: model}``
  dict. A count alone cannot tell 1,153 from the wrong model: issue 22 item 4 was
  "이 장의 작은 모델 … 파라미터가 1,153개" (the large model's count beside the small
  model's name), and "the chapter's tiny model" in English.

A count is digits followed by the unit ("13 parameters", "6,220,800 weights", "3 weight
matrices"; "파라미터 13개", "가중치 행렬 3개", "가중치 … = 1,200개"). An arithmetic
expression counts as its result: "2×3 + 3×1 + 4×1 = 13" is 13, "3 × 5 × 5" is 75.
Counts written in words ("three", "두 개") are not read, in either language.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tests.pages.conftest import gallery_scripts

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = gallery_scripts()
LANGS = ("en", "ko")

_NUMBER = r"\d(?:[\d,]*\d)?"
_COUNT = rf"(?P<expr>(?:{_NUMBER}\s*[×+]\s*)*{_NUMBER})(?:\s*=\s*(?P<eq>{_NUMBER}))?"
#: English: "13 parameters", "6,220,800 weights", "3 weight matrices".
_EN = re.compile(rf"{_COUNT}\s+(?P<unit>parameters?|weights?(?: matri(?:x|ces))?)\b")
#: Korean: the noun first, then (within the clause) the count and 개.
_KO = re.compile(
    rf"(?P<unit>파라미터|가중치)(?P<gap>(?:(?!파라미터|가중치|편향)[^.]){{0,40}}?){_COUNT}\s*개"
)
#: A model named by its size: the sign says which end of the page's models it means.
_SIZE_WORDS = {
    "en": re.compile(
        r"\b(?P<word>small(?:er|est)?|tiny|little|large(?:r|st)?|big(?:ger)?)\s+model"
    ),
    "ko": re.compile(r"(?P<word>작은|큰)\s*모델"),
}
_SMALL = {"small", "smaller", "smallest", "tiny", "little", "작은"}
#: Any number, or arithmetic of numbers ("16 × 3 × 5 × 5 + 16"), in either language.
_ANY = re.compile(_COUNT.replace("(?P<expr>", "(?P<expr>(?<![\\d.,])"))
#: A number with its scale word, for the large-number check.
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SCALES |= {"만": 10**4, "억": 10**8, "조": 10**12}
_LARGE = re.compile(
    r"(?<![\d.,])(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?(?![\d,]*\d)\s?"
    r"(?:(?P<en>thousand|million|billion|trillion)\b|(?P<ko>억|조)(?![\uac00-\ud7a3])"
    # 만 is also "only" ("0과 1만"): read as ten thousand only before a counter (130만 개)
    r"|(?P<man>만)(?=\s?(?:개|번|장|바이트)))?"
)


@dataclasses.dataclass(frozen=True)
class Quote:
    """One count in the prose: its kind, value and where it stands."""

    kind: str  # "parameters" or "weights"
    value: int
    start: int  # offset in the sentence
    sentence: str


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def _value(match: re.Match[str]) -> int:
    if match.group("eq"):
        return _number(match.group("eq"))
    total = 0
    for term in match.group("expr").split("+"):
        total += math.prod(_number(f) for f in term.split("×"))
    return total


def large_numbers(text: str) -> Counter[int]:
    """Every number of 1,000 or more, scale words applied ("1,350억" = "135 billion")."""
    found: Counter[int] = Counter()
    for m in _LARGE.finditer(text):
        scale = m.group("en") or m.group("ko") or m.group("man")
        if m.group("frac") and not scale:
            continue  # 0.25, 4.7: not a count
        digits = m.group("whole").replace(",", "") + (
            f".{m.group('frac')}" if m.group("frac") else ""
        )
        value = round(float(digits) * _SCALES.get(scale or "", 1))
        if value >= 1000:
            found[value] += 1
    return found


def numbers(text: str) -> set[int]:
    """Every integer the text writes, and the result of every arithmetic it writes."""
    found = {_number(m.group(0)) for m in re.finditer(_NUMBER, text)}
    for m in _ANY.finditer(text):
        found.add(_value(m))
    return found | set(large_numbers(text))


def sentences(text: str) -> list[str]:
    """Sentences of prose: split after a full stop and at ``# %%`` cell breaks."""
    parts = re.split(r"(?<=[.!?])\s+|%%", text)
    return [p.strip() for p in parts if p.strip()]


def quotes(text: str, lang: str) -> list[Quote]:
    """Every parameter or weight count the text quotes, in order."""
    found: list[Quote] = []
    for sentence in sentences(text):
        pattern = _EN if lang == "en" else _KO
        for m in pattern.finditer(sentence):
            kind = "parameters" if m.group("unit").startswith(("param", "파라미터")) else "weights"
            found.append(Quote(kind, _value(m), m.start("expr"), sentence))
    return found


def integers(obj: Any, depth: int = 0) -> Iterator[int]:
    """Every integer a page computed, reachable from one of its globals."""
    if depth > 4 or isinstance(obj, (str, bytes, type)) or (callable(obj) and _params(obj) is None):
        return
    if isinstance(obj, (bool, np.bool_)):
        return
    if isinstance(obj, (int, np.integer)):
        yield int(obj)
    elif isinstance(obj, (float, np.floating)):
        if math.isfinite(obj) and float(obj).is_integer():
            yield int(obj)
    elif isinstance(obj, np.ndarray):
        if obj.size <= 10_000 and np.issubdtype(obj.dtype, np.integer):
            yield from (int(v) for v in obj.ravel())
    elif (counts := _params(obj)) is not None:
        yield from counts
    elif isinstance(obj, dict):
        for key, value in list(obj.items())[:10_000]:
            yield from integers(key, depth + 1)
            yield from integers(value, depth + 1)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for item in list(obj)[:10_000]:
            yield from integers(item, depth + 1)
        if hasattr(obj, "_fields"):  # a NamedTuple: its properties too (a cost's total)
            yield from integers(_attributes(obj), depth + 1)
    elif dataclasses.is_dataclass(obj) or hasattr(obj, "rows"):  # trace results, tables, fits
        yield from integers(_attributes(obj), depth + 1)


def _attributes(obj: Any) -> dict[str, Any]:
    """An object's fields and instance attributes, and the values of its class's properties."""
    found = dict(vars(obj)) if hasattr(obj, "__dict__") else {}
    if dataclasses.is_dataclass(obj):
        found |= {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    for name in dir(type(obj)):
        if not name.startswith("_") and isinstance(getattr(type(obj), name), property):
            with contextlib.suppress(ArithmeticError, AttributeError, TypeError, ValueError):
                found[name] = getattr(obj, name)  # a property that cannot answer adds no number
    return found


def _params(obj: Any) -> list[int] | None:
    """A model's parameter total and the size of each of its parameters (None: not a model)."""
    parameters = getattr(obj, "parameters", None)
    if not callable(parameters) or isinstance(obj, type):
        return None
    try:
        sizes = [int(p.numel()) for p in parameters()]
    except (TypeError, AttributeError):
        return None
    per_unit = [int(p.numel()) // int(p.shape[0]) for p in parameters() if len(p.shape) >= 2]
    return [sum(sizes), *sizes, *per_unit]  # per_unit: one filter's or one output's weights


def named_models(g: dict[str, Any], lang: str) -> dict[str, int]:
    """{"small": count, "large": count} of the page's models whose display name gives a size.

    The page shows its models under display names in a ``{name: model}`` dict ("small
    model": …, "큰 모델": …); a name with a size word ("small", "큰") says which end it is.
    """
    found: dict[str, int] = {}
    for value in g.values():
        if not isinstance(value, dict):
            continue
        for key, model in value.items():
            word = _SIZE_WORDS[lang].search(key) if isinstance(key, str) else None
            counts = _params(model)
            if word and counts is not None:
                found["small" if word.group("word") in _SMALL else "large"] = counts[0]
    return found


def exercise_text(name: str, lang: str) -> str:
    stem = name.removeprefix("plot_").removesuffix(".py")
    path = ROOT / "docs" / lang / "exercises" / f"{stem}.md"
    return " ".join(path.read_text(encoding="utf-8").split()) if path.is_file() else ""


def sized_quotes(text: str, lang: str) -> list[tuple[str, Quote]]:
    """(size word, parameter count) for each count that follows a size-named model."""
    pairs = []
    for q in quotes(text, lang):
        if q.kind != "parameters":
            continue
        before = list(_SIZE_WORDS[lang].finditer(q.sentence[: q.start]))
        if before:
            pairs.append((before[-1].group("word"), q))
    return pairs


# -- the reader itself ------------------------------------------------------------------


def test_the_reader_finds_counts_in_both_languages() -> None:
    en = "It has 3 weights holding 2×3 + 3×1 + 4×1 = 13 parameters (18 with biases)."
    ko = "가중치 행렬이 3개, 파라미터가 2×3 + 3×1 + 4×1 = 13개 있습니다(편향까지 18개)."
    expected = [("weights", 3), ("parameters", 13)]
    assert [(q.kind, q.value) for q in quotes(en, "en")] == expected
    assert [(q.kind, q.value) for q in quotes(ko, "ko")] == expected
    ko = "가중치의 형태는 (16, 3, 5, 5)이고 개수는 16 × 3 × 5 × 5 = 1,200개입니다. 필터 16개는"
    assert [(q.kind, q.value) for q in quotes(ko, "ko")] == [("weights", 1200)]
    assert [q.value for q in quotes("저마다 가중치 3 × 5 × 5개와 편향 하나", "ko")] == [75]
    assert quotes("three weights, the small model has 10", "en") == []
    assert large_numbers(
        "값이 1,350억 개, 곱셈-누산이 13.3조 번, 6억 개, 0과 1만, 3000단계, 약 130만 개"
    ) == Counter({135 * 10**9: 1, 133 * 10**11: 1, 6 * 10**8: 1, 3000: 1, 1_300_000: 1})
    assert large_numbers(
        "135 billion values, 13.3 trillion MACs, 600 million, 0.25, 3000 steps, 1.3 million"
    ) == (Counter({135 * 10**9: 1, 133 * 10**11: 1, 600 * 10**6: 1, 3000: 1, 1_300_000: 1}))
    assert {75, 1216, 3} <= numbers("3 × 5 × 5 numbers; 16 × 3 × 5 × 5 + 16 = 1,216")


def test_the_reader_would_have_caught_issue_22_item_4() -> None:
    wrong = "이 장의 작은 모델은 `Linear(1, h) → … → Linear(h, 1)`이고, h = 32일 때 파라미터가 1,153개입니다."
    [(word, q)] = sized_quotes(wrong, "ko")
    assert (word, q.value) == ("작은", 1153)
    assert check_sized({"small": 10, "large": 1153}, [(word, q)]) != []
    wrong_en = (
        "The chapter's tiny model is `Linear(1, h) → …` with h = 32, and it has 1,153 parameters."
    )
    assert check_sized({"small": 10, "large": 1153}, sized_quotes(wrong_en, "en"))
    right = "이 장의 큰 모델은 … 파라미터가 1,153개입니다(작은 모델은 파라미터가 10개입니다)."
    assert [(w, q.value) for w, q in sized_quotes(right, "ko")] == [("큰", 1153), ("작은", 10)]
    assert check_sized({"small": 10, "large": 1153}, sized_quotes(right, "ko")) == []


def check_sized(models: dict[str, int], pairs: list[tuple[str, Quote]]) -> list[str]:
    """The size-named counts that do not belong to the model the name points at."""
    wrong = []
    for word, q in pairs:
        expected = models["small" if word in _SMALL else "large"]
        if q.value != expected:
            wrong.append(
                f"{word!r} model quoted with {q.value:,} (it has {expected:,}): {q.sentence}"
            )
    return wrong


# -- every chapter ------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHAPTERS)
def test_both_languages_quote_the_same_large_numbers(prose, name: str) -> None:
    counts = {lang: large_numbers(prose(name, lang)) for lang in LANGS}
    assert counts["en"], f"{name}: the reader found no large number (is the prose empty?)"
    assert counts["en"] == counts["ko"], (
        f"{name}: only in English {sorted((counts['en'] - counts['ko']).elements())}, "
        f"only in Korean {sorted((counts['ko'] - counts['en']).elements())}"
    )


@pytest.mark.parametrize("name", CHAPTERS)
def test_a_count_one_language_quotes_the_other_quotes_too(prose, name: str) -> None:
    text = {lang: prose(name, lang) for lang in LANGS}
    for lang, other in (("en", "ko"), ("ko", "en")):
        written = numbers(text[other])
        missing = [f"{q.value:,} {q.kind}: {q.sentence}" for q in quotes(text[lang], lang)
                   if q.value not in written]  # fmt: skip
        assert missing == [], f"{name}: {lang} counts that the {other} prose never writes"


@pytest.fixture(scope="module")
def computed(page, prose):
    """Integers computed by the page or by an earlier page that quotes counts (lazily)."""
    done: dict[tuple[str, str], set[int]] = {}

    def get(name: str, lang: str) -> set[int]:
        values: set[int] = set()
        for earlier in CHAPTERS[: CHAPTERS.index(name) + 1]:
            if earlier != name and not quotes(prose(earlier, lang), lang):
                continue
            if (earlier, lang) not in done:
                g = page(earlier, lang)
                done[earlier, lang] = {
                    v for key, obj in g.items() if not key.startswith("__") for v in integers(obj)
                }
            values |= done[earlier, lang]
        return values

    return get


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", CHAPTERS)
def test_quoted_counts_are_computed_by_the_page(
    page, prose, computed, name: str, lang: str
) -> None:
    found = quotes(prose(name, lang), lang)
    if not found:
        pytest.skip(f"{name} ({lang}) quotes no parameter or weight count")
    values = computed(name, lang)
    missing = [f"{q.value:,} {q.kind}: {q.sentence}" for q in found if q.value not in values]
    assert missing == [], f"{name} ({lang}): counts no page computed"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", CHAPTERS)
def test_size_named_models_carry_their_own_count(page, prose, name: str, lang: str) -> None:
    text = prose(name, lang) + " " + exercise_text(name, lang)
    pairs = sized_quotes(text, lang)
    if not pairs:
        pytest.skip(f"{name} ({lang}): no count follows a model named by its size")
    models = named_models(page(name, lang), lang)
    words = {"small" if w in _SMALL else "large" for w, _ in pairs}
    assert words <= set(models), f"{name} ({lang}): the prose sizes models the page does not name"
    assert check_sized(models, pairs) == []
