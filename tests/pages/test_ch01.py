"""Chapter 1 (data shapes): the numbers its prose quotes are what its code computed, both languages."""

from __future__ import annotations

import numpy as np
import pytest

NAME = "plot_01_data_shapes.py"
LANGS = ["en", "ko"]


@pytest.mark.parametrize("lang", LANGS)
def test_photo_and_batch(page, prose, lang: str) -> None:
    g, text = page(NAME, lang), prose(NAME, lang)
    assert g["image_hwc"].shape == (600, 512, 3)
    assert g["image_chw"].shape == (3, 600, 512)
    assert tuple(g["batch"].shape) == (4, 3, 600, 512)
    assert g["height"] * g["width"] == 307_200
    assert "600 × 512 = 307,200" in text
    assert "(N, C, H, W)" in text


@pytest.mark.parametrize("lang", LANGS)
def test_transpose_is_a_flip_not_a_rotation(page, prose, lang: str) -> None:
    """E5: the transposed picture equals a quarter turn plus a mirror, and the page says so."""
    g, text = page(NAME, lang), prose(NAME, lang)
    grey, transposed = g["grey"], g["transposed"]
    np.testing.assert_array_equal(transposed, np.flipud(np.rot90(grey)))
    assert not np.array_equal(transposed, np.rot90(grey))
    assert ("not a rotation" if lang == "en" else "회전이 아닙니다") in text
    assert "rotated" not in text
    assert "옆으로 돌아갈 뿐" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_movie_shape(page, prose, lang: str) -> None:
    """E1 and E6: the lesson's tuple is quoted under its own labels; ch. 1's shape is H before W."""
    g, text = page(NAME, lang), prose(NAME, lang)
    movie = g["movie"]
    assert movie.frames == 30 * 60 * 90 == 162_000
    assert g["lesson_shape"] == (162_000, 1, 1280, 1024)
    assert movie.shape("TCHW") == (162_000, 1, 1024, 1280)
    assert "(162000, 1, 1280, 1024)" in text
    assert "(162000, 1, 1024, 1280)" in text
    assert "(T, C, W, H)" not in text  # the lesson labelled its tuple (T, C, H, W)
    assert round(movie.nbytes("uint8") / 1e9) == 212
    assert round(movie.nbytes("float32") / 1e9, 1) == 849.3
    assert "212 GB" in text
