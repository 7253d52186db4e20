"""E1: every page uses chapter 1's movie shape, (162000, 1, 1024, 1280) — H before W.

The lesson wrote (162000, 1, 1280, 1024); only chapter 1 quotes that tuple (to correct it).
Every page, in both languages (gallery scripts, their printed lines, docs pages), is scanned,
and so are the package's sources (their docstrings become the API pages), the benchmarks
and the README.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LESSON_TUPLE = re.compile(r"162[,_]?000\s*,\s*1\s*,\s*1280\s*,\s*1024")
OUR_TUPLE = re.compile(r"162[,_]?000\s*,\s*1\s*,\s*1024\s*,\s*1280")
QUOTED_IN = {"plot_01_data_shapes.py"}  # ch. 1 quotes the lesson's tuple to correct it


def pages() -> list[Path]:
    found = [*(ROOT / "gallery").glob("*/plot_*.py"), ROOT / "README.md"]
    found += [*(ROOT / "src").rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    for lang in ("en", "ko"):
        found += [
            p
            for p in (ROOT / "docs" / lang).rglob("*")
            if p.suffix in {".md", ".rst"} and "auto_examples" not in p.parts
        ]
    return sorted(found)


@pytest.mark.parametrize("page", [p.relative_to(ROOT).as_posix() for p in pages()])
def test_only_chapter_1_quotes_the_lessons_tuple(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    if Path(page).name in QUOTED_IN:
        assert LESSON_TUPLE.search(text)  # the quotation is there ...
        assert OUR_TUPLE.search(text)  # ... next to the corrected shape
    else:
        assert LESSON_TUPLE.findall(text) == []


def test_the_scan_sees_both_spellings() -> None:
    assert LESSON_TUPLE.search("(162_000, 1, 1280, 1024)")
    assert LESSON_TUPLE.search("(162000, 1, 1280, 1024)")
    assert not LESSON_TUPLE.search("(162000, 1, 1024, 1280)")


def test_the_scan_reaches_the_sources() -> None:
    scanned = {p.relative_to(ROOT).as_posix() for p in pages()}
    assert "src/layerguide/tracer/core.py" in scanned  # trace()'s docstring example
    assert "README.md" in scanned
