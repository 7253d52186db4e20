"""Korean and English are twins: same pages, and the same code in every gallery script."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest
from sphinx_gallery.py_source_parser import split_code_and_text_blocks

from layerguide.i18n import display_width

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "ko")
GENERATED = {"auto_examples"}


def _files(base: Path) -> set[str]:
    return {
        p.relative_to(base).as_posix()
        for p in base.rglob("*")
        if p.is_file()
        and not GENERATED.intersection(p.relative_to(base).parts)
        and "__pycache__" not in p.parts
    }


@pytest.mark.parametrize("tree", ["docs", "gallery"])
def test_every_page_exists_in_both_languages(tree: str) -> None:
    en, ko = (_files(ROOT / tree / lang) for lang in LANGS)
    assert en, f"{tree}/en is empty"
    assert en - ko == set(), f"only in {tree}/en"
    assert ko - en == set(), f"only in {tree}/ko"


def _fstring_code(literal: str) -> str:
    """The expressions inside an f-string (code), without its literal text (prose)."""
    node = ast.parse(literal, mode="eval").body
    parts = node.values if isinstance(node, ast.JoinedStr) else []
    return ";".join(
        ast.dump(ast.FormattedValue(v.value, v.conversion, None))
        for v in parts
        if isinstance(v, ast.FormattedValue)
    )


def code_skeleton(source: str) -> list[tuple[int, str]]:
    """Tokens of Python code with comments, string literals and layout removed.

    On Python 3.11 an f-string is one STRING token: its expressions are kept as code.
    """
    skipped = {
        tokenize.COMMENT,
        tokenize.NL,
        tokenize.NEWLINE,
        tokenize.INDENT,
        tokenize.DEDENT,
        tokenize.ENCODING,
        tokenize.ENDMARKER,
    }
    kept = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in skipped:
            continue
        if tok.type == tokenize.STRING:
            prefix = tok.string[: len(tok.string) - len(tok.string.lstrip("rbfuRBFU"))]
            if "f" in prefix.lower():
                kept.append((tok.type, _fstring_code(tok.string)))
            continue
        kept.append((tok.type, tok.string))
    return kept


def gallery_code(path: Path) -> list[tuple[int, str]]:
    _, blocks = split_code_and_text_blocks(path)
    code = "\n".join(block.content for block in blocks if block.type == "code")
    return code_skeleton(code)


SCRIPTS = sorted(p.name for p in (ROOT / "gallery" / "en").glob("*.py"))


@pytest.mark.parametrize("name", SCRIPTS)
def test_gallery_twins_have_identical_code(name: str) -> None:
    en, ko = (ROOT / "gallery" / lang / name for lang in LANGS)
    assert ko.is_file(), f"gallery/ko/{name} is missing"
    en_code, ko_code = gallery_code(en), gallery_code(ko)
    for i, (a, b) in enumerate(zip(en_code, ko_code, strict=False)):
        assert a == b, f"{name}: code differs at token {i}: en {a[1]!r} vs ko {b[1]!r}"
    assert len(en_code) == len(ko_code), f"{name}: one twin has extra code"


def test_skeleton_ignores_prose_but_not_code() -> None:
    """The comparison itself must be able to fail."""
    a = 'x = f(1, "hello")  # note\nprint(f"{x} items")\n'
    b = 'x = f(1, "안녕")  # 메모\nprint(f"{x} 개")\n'
    c = 'x = f(2, "hello")\nprint(f"{x} items")\n'
    d = 'x = f(1, "hello")\nprint(f"{y} items")\n'
    assert code_skeleton(a) == code_skeleton(b)
    assert code_skeleton(a) != code_skeleton(c)
    assert code_skeleton(a) != code_skeleton(d)


def _rst_sources() -> list[Path]:
    found = []
    for lang in LANGS:
        found += sorted((ROOT / "gallery" / lang).glob("*.py"))
        found += sorted((ROOT / "gallery" / lang).glob("*.rst"))
        found += sorted((ROOT / "docs" / lang).rglob("*.rst"))
    return [p for p in found if "auto_examples" not in p.parts]


@pytest.mark.parametrize("path", _rst_sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_rst_underlines_cover_wide_titles(path: Path) -> None:
    """Hangul is two columns wide for docutils; a short underline is a build warning."""
    lines = path.read_text(encoding="utf-8").splitlines()
    for i in range(1, len(lines)):
        m = re.fullmatch(r"(# )?([=\-~^])\2{2,}", lines[i])
        title = lines[i - 1].removeprefix(m.group(1) or "") if m else ""
        if m and title.strip() and not re.fullmatch(r"([=\-~^])\1+", title.strip()):
            underline = len(lines[i]) - len(m.group(1) or "")
            assert underline >= display_width(title), f"{path.name}:{i + 1}: underline too short"
