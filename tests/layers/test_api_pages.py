"""The API pages (both languages) document every public name of ``layerguide.layers``."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import layerguide.layers

DOCS = Path(__file__).resolve().parents[2] / "docs"


def documented(lang: str) -> set[str]:
    """Names given to an autodoc directive (``.. autoclass:: layerguide.layers.X``)."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in (DOCS / lang / "api").glob("*.rst"))
    return set(re.findall(r"^\.\. auto\w+:: layerguide\.layers\.(\w+)\s*$", text, re.MULTILINE))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_public_layer_name_is_on_the_api_page(lang: str) -> None:
    missing = sorted(set(layerguide.layers.__all__) - documented(lang))
    assert not missing, f"docs/{lang}/api/ lacks an autodoc entry for {missing}"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_documented_layer_name_exists(lang: str) -> None:
    stale = sorted(documented(lang) - set(dir(layerguide.layers)))
    assert not stale, f"docs/{lang}/api/ documents names layerguide.layers lacks: {stale}"
