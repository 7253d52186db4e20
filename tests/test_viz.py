"""Korean in figures: every Hangul character the Korean pages draw has a real glyph."""

from __future__ import annotations

import re
from pathlib import Path

import matplotlib as mpl
import pytest
from matplotlib.ft2font import FT2Font

from layerguide.viz import korean_font_path, use_korean_font

mpl.use("Agg")
import matplotlib.pyplot as plt

ROOT = Path(__file__).resolve().parents[1]
HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def korean_characters() -> set[str]:
    chars: set[str] = set()
    for script in (ROOT / "gallery" / "ko").glob("*.py"):
        chars |= set(HANGUL.findall(script.read_text(encoding="utf-8")))
    return chars


def test_font_file_has_every_hangul_glyph_the_pages_use() -> None:
    font = FT2Font(str(korean_font_path()))
    chars = korean_characters()
    assert len(chars) > 100  # the Korean gallery really is Korean
    missing = sorted(ch for ch in chars if font.get_char_index(ord(ch)) == 0)
    assert missing == []


def test_drawing_korean_gives_no_missing_glyph_warning(recwarn: pytest.WarningsRecorder) -> None:
    use_korean_font()
    fig, ax = plt.subplots()
    text = "".join(sorted(korean_characters())) + " −1 (C, H, W) ×"
    ax.set_title(text[:60])
    ax.set_xlabel(text[60:120])
    ax.plot([-1, 1])
    fig.canvas.draw()  # glyph lookup happens at draw time
    plt.close(fig)
    glyph_warnings = [w for w in recwarn if "Glyph" in str(w.message)]
    assert glyph_warnings == []


def test_without_the_korean_font_matplotlib_would_warn() -> None:
    """The check above can fail: DejaVu Sans alone has no Hangul."""
    with mpl.rc_context({"font.family": ["DejaVu Sans"]}):
        fig, ax = plt.subplots()
        ax.set_title("텐서")
        with pytest.warns(UserWarning, match="Glyph"):
            fig.canvas.draw()
        plt.close(fig)
