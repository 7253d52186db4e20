"""The page runner itself: it runs a script in the language asked for and reads its prose."""

from __future__ import annotations

import pytest
from tests.pages.conftest import gallery_scripts


def test_there_are_six_chapters() -> None:
    assert len(gallery_scripts()) >= 6


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_prose_is_the_pages_text(prose, lang: str) -> None:
    text = prose("plot_01_data_shapes.py", lang)
    assert "#" not in text[:200]
    assert ("텐서" in text) == (lang == "ko")


def test_unknown_language_is_refused(page) -> None:
    with pytest.raises(ValueError, match="lang must be one of"):
        page("plot_01_data_shapes.py", "fr")
