"""The home page's chapter cards (14.11): a written one-line summary per chapter and language."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from layerguide.i18n import LANGS, section

ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


learning_path = _load("learning_path", ROOT / "docs" / "_ext" / "learning_path.py")
SUMMARIES = {
    chapter: {
        lang: summary for lang in LANGS if (summary := section(lang, "learning_path").get(chapter))
    }
    for chapter in section("en", "learning_path")
}
stray_english = _load(
    "korean_prose", ROOT / "tests" / "docs" / "test_korean_prose.py"
).stray_english
CHAPTERS = sorted(p.stem for p in (ROOT / "gallery" / "en").glob("plot_*.py"))


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_has_a_card_in_both_languages(chapter: str) -> None:
    assert set(SUMMARIES[chapter]) == {"en", "ko"}
    en, ko = SUMMARIES[chapter]["en"], SUMMARIES[chapter]["ko"]
    assert not HANGUL.search(en)
    assert HANGUL.search(ko)
    assert stray_english(ko) == []
    assert len(en) < 200
    assert len(ko) < 130


def test_the_decoder_card_mentions_the_decoder() -> None:
    """The review's example: ch. 6's Korean card said only that the encoder shrank the image."""
    assert "디코더" in SUMMARIES["plot_06_decoders"]["ko"]


@pytest.mark.parametrize(
    ("docstring", "sentence"),
    [
        ("Watch the :term:`shape` of data change. More.", "Watch the shape of data change."),
        ("A :term:`feature map <feature_map>` grows. More.", "A feature map grows."),
        (":term:`텐서 <tensor>`\\ 를 봅니다. 그다음.", "텐서를 봅니다."),
    ],
)
def test_fallback_card_text_keeps_the_words_around_a_term(
    tmp_path: Path, docstring: str, sentence: str
) -> None:
    """The fallback card strips :term: roles; it must keep the space after one, not eat it."""
    script = tmp_path / "plot_00_x.py"
    script.write_text(f'r"""\nTitle\n=====\n\n{docstring}\n"""\nx = 1\n', encoding="utf-8")
    assert learning_path.chapter_summary(script) == ("Title", sentence)
