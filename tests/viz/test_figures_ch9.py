"""The figures and table of chapter 9, drawn once in each language, on synthetic data.

Like chapters 5 and 6: no Hangul on the English figures, and no English words on the
Korean ones apart from API names and abbreviations.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure
from tests.viz.test_figures_ch56 import check_language, figure_texts

from layerguide import LayerguideError, viz
from layerguide.lesson.uses import Scores
from layerguide.viz import Table

mpl.use("Agg")
import matplotlib.pyplot as plt

LANGS = ("en", "ko")
RNG = np.random.default_rng(9)
DIGITS = RNG.random((8, 1, 28, 28)).astype(np.float32)
NAMES = ["digit", "worst", "photo", "stripes"]
SCORES = Scores(
    bce=np.array([0.07, 0.19, 1.02, 1.13]),
    floor=np.array([0.05, 0.08, 0.5, 0.0]),
    mse=np.array([0.006, 0.03, 0.09, 0.36]),
    output=DIGITS[:4],
)
DIGIT_SCORES = Scores(
    bce=np.array([0.07, 0.09]),
    floor=np.array([0.05, 0.06]),
    mse=np.array([0.006, 0.007]),
    output=DIGITS[:2],
)
POINTS = RNG.standard_normal((50, 2))
LABELS = np.arange(50) % 10

FIGURES: dict[str, Callable[[str], Figure]] = {
    "denoising": lambda lang: viz.show_denoising(
        {"noisy": DIGITS, "plain": DIGITS, "denoising": DIGITS, "clean": DIGITS},
        bce={"plain": 0.217, "denoising": 0.109},
        lang=lang,
    ),
    "code_map": lambda lang: viz.show_code_map(POINTS, LABELS, [0.179, 0.111], lang=lang),
    "code_path": lambda lang: viz.show_code_path(
        {"code": DIGITS, "pixels": DIGITS}, np.linspace(0, 1, 8), lang=lang
    ),
    "strangers": lambda lang: viz.show_strangers(NAMES, DIGITS[:4], SCORES, lang=lang),
}

TABLES: dict[str, Callable[[str], Table]] = {
    "scores": lambda lang: viz.score_table(NAMES, SCORES, digits=DIGIT_SCORES, lang=lang),
}


@pytest.fixture(autouse=True)
def korean_font() -> Any:
    with mpl.rc_context():
        viz.use_korean_font()
        yield
        plt.close("all")


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figure_speaks_the_readers_language(name: str, lang: str) -> None:
    fig = FIGURES[name](lang)
    assert isinstance(fig, Figure)
    check_language(figure_texts(fig), lang)


@pytest.mark.parametrize("lang", LANGS)
def test_score_table_speaks_the_readers_language_and_keeps_the_numbers(lang: str) -> None:
    table = TABLES["scores"](lang)
    check_language([table.caption, *table.header, *(str(c) for r in table.rows for c in r)], lang)
    assert len(table.rows) == 1 + len(NAMES)  # the digits' mean first
    bce, floor, excess = (table.column(h) for h in table.header[1:4])
    assert bce[0] == round(float(DIGIT_SCORES.bce.mean()), 4)
    assert bce[1:] == [round(float(v), 4) for v in SCORES.bce]
    assert excess == [round(b - f, 4) for b, f in zip(bce, floor, strict=True)]


def test_code_map_has_one_colour_per_digit_and_the_variance_shares() -> None:
    fig = FIGURES["code_map"]("en")
    ax = fig.axes[0]
    assert len(ax.collections) == 10
    assert "17.9%" in ax.get_xlabel()
    assert "11.1%" in ax.get_ylabel()
    assert sum(np.asarray(c.get_offsets()).shape[0] for c in ax.collections) == len(POINTS)


def test_strangers_titles_carry_each_bce() -> None:
    fig = FIGURES["strangers"]("ko")
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert len(titles) == len(NAMES)
    for title, bce in zip(titles, SCORES.bce, strict=True):
        assert f"BCE {bce:.3f}" in title
    assert "그레이스 호퍼 사진" in titles[2]


@pytest.mark.parametrize(
    "call",
    [
        lambda: viz.show_denoising({"nope": DIGITS}, lang="en"),
        lambda: viz.show_code_map(POINTS, LABELS[:3], [0.5, 0.2], lang="en"),
        lambda: viz.show_strangers(["digit", "moon"], DIGITS[:2], DIGIT_SCORES, lang="en"),
        lambda: viz.show_strangers(NAMES, DIGITS[:4], DIGIT_SCORES, lang="en"),
    ],
)
def test_bad_names_and_shapes_are_clear_errors(call: Callable[[], object]) -> None:
    with pytest.raises(LayerguideError) as info:
        call()
    assert isinstance(info.value, ValueError)
