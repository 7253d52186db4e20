"""Every number that chapter 4 (plot_04) quotes is computed on the page and checked here."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

PAGE = "plot_04_parameters_and_receptive_field.py"

# Quoted in the prose of both languages (digits as written on the page).
QUOTED = [
    "6,220,800", "6,220,801", "1,200", "216 × 384", "1,216", "1,327,104", "1,328,321", "4.7",
    "3, 5, 6, 10, 12, 20", "1, 1, 2, 2, 4, 4", "195", "212", "483", "162,000",
    "(162000, 1, 1280, 1024)", "849 GB", "1,049,546", "13.3", "(162000, 16, 256, 204)",
]  # fmt: skip


def test_counts(page) -> None:
    ns = page(PAGE, "en")
    dense, conv = ns["dense_trace"], ns["conv_trace"]
    inputs = dense.rows[1].input_shape[1]
    assert inputs == 6_220_800
    assert dense.total_params == 6_220_801
    assert 100 * (inputs + 1) > 600_000_000  # "more than 600 million" for 100 outputs
    assert conv.rows[0].param_formula == "3×16×5×5 + 16 = 1,216"
    assert conv.rows[0].params - conv.rows[0].output_shape[1] == 1_200  # weights, no biases
    assert conv.rows[0].output_shape == (1, 16, 216, 384)
    assert conv.rows[1].output_shape == (1, 1_327_104)
    assert conv.total_params == 1_328_321
    assert f"{ns['ratio']:.1f}" == "4.7"


def test_receptive_fields(page) -> None:
    grown = page(PAGE, "en")["grown"]
    assert [r.receptive_field[0] for r in grown] == [3, 5, 6, 10, 12, 20]
    assert [r.effective_stride[0] for r in grown] == [1, 1, 2, 2, 4, 4]
    assert all(isinstance(r.effective_stride[0], int | Fraction) for r in grown)


def test_movie(page) -> None:
    movie = page(PAGE, "en")["movie_trace"]
    shape = movie.input_shapes[0]
    assert shape == (162_000, 1, 1280, 1024)
    assert shape[0] == 90 * 60 * 30  # 90 minutes at 30 frames per second
    assert round(math.prod(shape) * movie.itemsize / 1e9) == 849  # GB as float32
    assert movie.rows[0].output_shape == (162_000, 16, 256, 204)
    assert math.prod(movie.rows[0].output_shape) > 135e9
    assert movie.total_params == 1_049_546
    assert round(movie.total_macs / 1e12, 1) == 13.3


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_both_languages_compute_the_same_numbers(page, lang: str) -> None:
    en, other = page(PAGE, "en"), page(PAGE, lang)
    for name in ("dense_trace", "conv_trace", "movie_trace"):
        assert other[name].rows == en[name].rows


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_quoted_numbers_are_in_the_prose(prose, lang: str) -> None:
    text = prose(PAGE, lang)
    missing = [q for q in QUOTED if q not in text]
    assert not missing
