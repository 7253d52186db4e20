"""Every number that plot_04 quotes is computed on the page and checked here."""

from __future__ import annotations

import runpy
from fractions import Fraction
from pathlib import Path

import matplotlib
import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGE = "plot_04_parameters_and_receptive_field.py"

# Quoted in the prose of both languages (digits as written on the page).
QUOTED = [
    "6,220,800", "6,220,801", "1,200", "216 × 384", "1,216", "1,327,104", "1,328,321", "4.7",
    "3, 5, 6, 10, 12, 20", "1, 1, 2, 2, 4, 4", "195", "212", "483", "162,000",
    "(162000, 1, 1280, 1024)", "849 GB", "1,049,546", "13.3", "(162000, 16, 256, 204)",
]  # fmt: skip


@pytest.fixture(scope="module")
def page():
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ns = runpy.run_path(str(ROOT / "gallery" / "en" / PAGE))
    plt.close("all")
    return ns


def test_counts(page) -> None:
    dense, conv = page["dense_trace"], page["conv_trace"]
    assert dense.rows[1].input_shape == (1, 6_220_800)
    assert dense.total_params == 6_220_801
    assert 100 * 6_220_800 + 100 > 600_000_000  # "more than 600 million" for 100 outputs
    assert conv.rows[0].param_formula == "3×16×5×5 + 16 = 1,216"
    assert conv.rows[0].params - 16 == 1_200
    assert conv.rows[0].output_shape == (1, 16, 216, 384)
    assert conv.rows[1].output_shape == (1, 1_327_104)
    assert conv.total_params == 1_328_321
    assert f"{page['ratio']:.1f}" == "4.7"


def test_receptive_fields(page) -> None:
    grown = page["grown"]
    assert [r.receptive_field[0] for r in grown] == [3, 5, 6, 10, 12, 20]
    assert [r.effective_stride[0] for r in grown] == [1, 1, 2, 2, 4, 4]
    assert all(isinstance(r.effective_stride[0], int | Fraction) for r in grown)


def test_movie(page) -> None:
    movie = page["movie_trace"]
    assert 90 * 60 * 30 == 162_000
    assert movie.input_shapes == ((162_000, 1, 1280, 1024),)
    assert round(162_000 * 1280 * 1024 * 4 / 1e9) == 849
    assert movie.rows[0].output_shape == (162_000, 16, 256, 204)
    assert 162_000 * 16 * 256 * 204 > 135e9
    assert movie.total_params == 1_049_546
    assert round(movie.total_macs / 1e12, 1) == 13.3


def test_published_figures_are_the_tests() -> None:
    text = (ROOT / "tests" / "tracer" / "test_receptive_field.py").read_text(encoding="utf-8")
    for figure in ("195", "212", "483"):
        assert figure in text


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_quoted_numbers_are_on_the_page(lang) -> None:
    text = (ROOT / "gallery" / lang / PAGE).read_text(encoding="utf-8")
    missing = [q for q in QUOTED if q not in text]
    assert not missing
