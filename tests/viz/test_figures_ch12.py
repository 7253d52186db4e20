"""Chapters 1 and 2's figure helpers, drawn once in each language."""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
import pytest

mpl.use("Agg")
import matplotlib.pyplot as plt

from layerguide import viz
from layerguide.layers import Linear, Sequential
from layerguide.lesson import linear as lesson

LANGS = ["en", "ko"]


def texts(fig) -> list[str]:
    """Every title, label, legend entry and annotation the figure draws."""
    found = [fig._suptitle.get_text()] if fig._suptitle else []
    for ax in fig.axes:
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in ax.texts]
        found += [t.get_text() for t in ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend:
            found += [t.get_text() for t in legend.get_texts()]
    plt.close(fig)
    return [t for t in found if t]


@pytest.mark.parametrize(("lang", "word"), [("en", "shape = "), ("ko", "형태 = ")])
def test_shape_line_is_in_the_page_language(lang: str, word: str) -> None:
    image = np.zeros((4, 5, 3))
    for fig in (
        viz.show_image(image, "t", lang=lang),
        viz.show_channels(np.zeros((3, 4, 5)), ["R", "G", "B"], lang=lang),
        viz.show_side_by_side([image, image[:, :, 0]], ["a", "b"], lang=lang),
    ):
        titles = [t for t in texts(fig) if "=" in t]
        assert titles
        assert all(word in t for t in titles)
        assert all("shape" not in t for t in titles) or lang == "en"


@pytest.mark.parametrize("lang", LANGS)
def test_chapter_2_figures_draw_in_both_languages(lang: str) -> None:
    quads = lesson.QUADRILATERALS
    figs = {
        "quads": viz.show_quadrilaterals(quads, {"A": 0.5, "B": -1.0}, lang=lang),
        "connections": viz.show_connections([(2, 3), (3, 1), (4, 1)], lang=lang),
        "bias": viz.show_bias_fit(
            np.arange(3.0), np.arange(3.0), np.ones(3), np.zeros(3), lang=lang
        ),
        "steps": viz.show_training_steps(
            np.arange(3.0), np.arange(3.0), {0: (1.0, 0.0)}, lang=lang
        ),
    }
    grid = np.linspace(-1, 1, 5)[:, None]
    data = lesson.noisy_sine(4, 4)
    run = lesson.fit(Sequential(Linear(1, 1)).to(np.float64), data, grid, steps=3)
    figs["overfit"] = viz.show_overfitting(grid, data[0], data[1], {"m": (2, run)}, lang=lang)
    x, y = lesson.xor_square()
    product = lesson.collapsed_weight(lesson.richer_network())
    best = lesson.least_squares_linear(x, y)
    figs["collapse"] = viz.show_collapse(product, x, y, {"linear": best, "relu": best}, lang=lang)
    drawn = {name: texts(fig) for name, fig in figs.items()}
    assert len(figs["collapse"].axes) == 4  # the product, two planes, one colour bar
    assert any(("rank 1" if lang == "en" else "랭크 1") in t for t in drawn["collapse"])
    assert any("MSE 0.250" in t for t in drawn["collapse"])  # least squares on XOR: 0.5 everywhere
    table = viz.overfitting_table({"m": 2}, {"m": run}, data, lang=lang)
    assert table.caption == (
        "4 training points, 4 held-out points, 3 steps"
        if lang == "en"
        else "학습 데이터 4개, 검증 데이터 4개, 3단계"
    )
    assert table.rows == [["m", 2, min(run.held), run.best_step, run.train[-1], run.held[-1]]]
    with pytest.raises(ValueError, match="same models"):
        viz.overfitting_table({"m": 2}, {"n": run}, data, lang=lang)
    assert len(figs["quads"].axes) == 2
    assert any(("parameters" if lang == "en" else "파라미터") in t for t in drawn["connections"])
    assert any("6" in t for t in drawn["connections"])  # 2 → 3: 6 parameters, one line each
    hangul = [any("\uac00" <= ch <= "\ud7a3" for t in ts for ch in t) for ts in drawn.values()]
    assert hangul == [lang == "ko"] * len(drawn)


@pytest.mark.parametrize("lang", LANGS)
def test_keras_table_in_the_page_language(lang: str) -> None:
    table = viz.keras_table(lesson.keras_pytorch_pairs(), lang=lang)
    assert table.column(table.header[0])[0] == "Dense(3, use_bias=True)"
    assert ("형태" in table.header[2]) == (lang == "ko")
    assert "<table" in table._repr_html_()


@pytest.mark.parametrize(
    "call",
    [
        lambda: viz.show_image(np.zeros((2, 2)), "t", lang="fr"),
        lambda: viz.show_connections([(2, 3)], lang="fr"),
        lambda: viz.keras_table([], lang="fr"),
    ],
)
def test_unknown_language_is_a_clear_error(call) -> None:
    with pytest.raises(ValueError, match="lang must be one of"):
        call()


def test_quadrilateral_shape_is_checked() -> None:
    with pytest.raises(ValueError, match=r"must have shape \(4, 2\)"):
        viz.show_quadrilaterals({"bad": np.zeros((3, 2))}, {"bad": 0.0})
