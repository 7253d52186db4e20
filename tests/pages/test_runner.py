"""The page runner itself: it runs a script in the language asked for and reads its prose."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from tests.pages.conftest import GALLERY, LANGS, gallery_scripts

from layerguide.i18n import section


def test_every_chapter_is_a_twin_with_a_card_and_exercises() -> None:
    """A chapter exists in both languages, has a learning-path card in each catalogue and an
    exercise page in each language, numbered 1, 2, 3, … without gaps."""
    scripts = gallery_scripts()
    assert len(scripts) >= 6
    numbers = [int(name.split("_")[1]) for name in scripts]
    assert numbers == list(range(1, len(scripts) + 1))
    docs = GALLERY.parent / "docs"
    for lang in LANGS:
        assert sorted(p.name for p in (GALLERY / lang).glob("plot_*.py")) == scripts
        cards = section(lang, "learning_path")
        assert sorted(cards) == [name.removesuffix(".py") for name in scripts]
        pages = sorted(p.name for p in (docs / lang / "exercises").glob("[0-9][0-9]_*.md"))
        assert pages == [name.removeprefix("plot_").replace(".py", ".md") for name in scripts]
        index = (docs / lang / "exercises" / "index.md").read_text(encoding="utf-8")
        for page in pages:
            assert f"\n{page.removesuffix('.md')}\n" in index, (lang, page)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_prose_is_the_pages_text(prose, lang: str) -> None:
    text = prose("plot_01_data_shapes.py", lang)
    assert "#" not in text[:200]
    assert ("텐서" in text) == (lang == "ko")


def test_unknown_language_is_refused(page) -> None:
    with pytest.raises(ValueError, match="lang must be one of"):
        page("plot_01_data_shapes.py", "fr")


def code_lines(script: Path) -> int:
    """Lines of code in a gallery script: not blank, not a comment, not the docstring."""
    source = script.read_text(encoding="utf-8")
    tree = ast.parse(source)
    first = tree.body[0]
    skip = (
        first.end_lineno
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        else 0
    )
    lines = source.splitlines()[skip or 0 :]
    return sum(1 for line in lines if line.strip() and not line.lstrip().startswith("#"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", gallery_scripts())
def test_pages_stay_thin(name: str, lang: str) -> None:
    """A chapter is prose, layer calls and one call per figure: at most 100 lines of code."""
    assert code_lines(GALLERY / lang / name) <= 100, name


def test_code_lines_counts_code_only(tmp_path: Path) -> None:
    script = tmp_path / "plot_x.py"
    script.write_text(
        'r"""\nTitle\n=====\n\nText.\n"""\n\n# %%\n# Prose\nx = 1\n\nprint(x)  # two\n'
    )
    assert code_lines(script) == 2
