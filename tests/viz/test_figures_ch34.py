"""Chapters 3 and 4's figure and table helpers, once for each language.

Each helper draws every label in the language asked for: Korean figures carry Hangul and
no English words outside API names, English figures carry no Hangul.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.text import Text

from layerguide import LayerguideError
from layerguide.lesson.convnet import KERNELS, nearest_kernels, window_counts
from layerguide.lesson.learned import filter_baseline, recover_kernel
from layerguide.tracer.windows import Window
from layerguide.viz import (
    Table,
    conv_formula_table,
    field_table,
    kernel_names,
    show_feature_maps,
    show_field_windows,
    show_filter_baseline,
    show_kernel_gallery,
    show_kernel_recovery,
    show_learned_filters,
    show_parameter_bill,
    show_pixel_by_hand,
    show_pooling,
    show_receptive_fields,
    show_shift,
    show_window_counts,
)

LANGS = ("en", "ko")
HANGUL = re.compile(r"[\uac00-\ud7a3]")
# Latin words allowed on a Korean figure: API and class names, layer paths, symbols, brands.
ALLOWED = {
    "Conv2d",
    "MaxPool2d",
    "MSE",
    "PyTorch",
    "SGD",
    "d2l",
    "p_h",
    "padding",
    "output_shape",
    "encoder",
    "stages",
    "conv",
    "pool",
    "s",
    "n",
    "k",
    "d",
    "x",
    "y",
    "H",
    "W",
}


@pytest.fixture(autouse=True)
def _agg():
    import matplotlib.pyplot as plt

    with mpl.rc_context({"figure.max_open_warning": 50}):  # both languages' figures at once
        mpl.use("Agg")
        yield
        plt.close("all")


def rectangles(ax: Axes) -> list[Rectangle]:
    """The patches of ``ax``, every one of them a rectangle."""
    found = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(found) == len(ax.patches)
    return found


def labels(fig: Figure) -> str:
    return "\n".join(t.get_text() for t in fig.findobj(Text) if t.get_text())


def check_language(text: str, lang: str) -> None:
    if lang == "en":
        assert not HANGUL.search(text), text
    else:
        assert HANGUL.search(text), text
        words = set(re.findall(r"[A-Za-z_][A-Za-z_0-9]*", text)) - ALLOWED
        assert not words, f"English on a Korean figure: {sorted(words)}"


def row(name: str, kind: str, field: int, stride: int) -> SimpleNamespace:
    return SimpleNamespace(
        name=name, kind=kind, receptive_field=(field, field), effective_stride=(stride, stride)
    )


def figures(lang: str) -> dict[str, Figure | Table]:
    rng = np.random.default_rng(0)
    image = rng.random((1, 1, 12, 12)).astype(np.float32)
    maps = [rng.standard_normal((1, 1, 10, 10)), rng.standard_normal((1, 1, 6, 6))]
    x = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]], float)[None, None]
    pooled = np.array([[[[4, 5], [6, 3]]]], float)
    indices = np.array([[[[4, 7], [13, 10]]]])
    learned = rng.standard_normal((4, 3, 3))
    rows = [row("0", "Conv2d", 3, 1), row("1", "MaxPool2d", 4, 2)]
    windows = [Window((0, 14), (0, 14)), Window((1, 22), (1, 22)), Window((9, 27), (9, 27))]
    return {
        "feature_maps": show_feature_maps(image, maps, [(1, 1), (2, 0)], lang=lang),
        "formula": conv_formula_table(3, [[4, 1, 1, 2, 2, 2, 2, 2]], lang=lang),
        "pixel": show_pixel_by_hand(image[0, 0, :3, :3], KERNELS["sobel_x"], 0.5, lang=lang),
        "gallery": show_kernel_gallery(KERNELS, rng.random((1, 8, 10, 10)), lang=lang),
        "counts": show_window_counts(
            [window_counts(5, 3), window_counts(5, 3, padding=1)], [0, 1], 3, lang=lang
        ),
        "learned": show_learned_filters(learned, KERNELS, nearest_kernels(learned), lang=lang),
        "baseline": show_filter_baseline(
            filter_baseline(learned, 2 * learned, draws=20), 7, lang=lang
        ),
        "recovery": show_kernel_recovery(
            recover_kernel(image[:, :, :8, :8], KERNELS["sobel_x"], steps=4),
            "sobel_x",
            (0, 2),
            lang=lang,
        ),
        "pooling": show_pooling(x, pooled, indices, x * 0, lang=lang),
        "bill": show_parameter_bill([6_220_801, 1_216, 1_328_321], lang=lang),
        "fields": show_receptive_fields(rows, windows[:2], 32, lang=lang),
        "field_table": field_table(rows, lang=lang),
        "digit": show_field_windows(
            rng.random((28, 28)),
            {(i, j): windows[i + j] for i in range(2) for j in range(2)},
            Window((7, 26), (6, 21)),
            rng.random((28, 28)),
            (1, 1),
            layer="encoder.stages.2.pool",
            n_images=1000,
            lang=lang,
        ),
        "shift": show_shift(
            [m[0, 0] for m in (maps[0], maps[0], maps[1], maps[1])], [0.8, 0.5], lang=lang
        ),
    }


@pytest.mark.parametrize("lang", LANGS)
def test_every_label_is_in_the_readers_language(lang: str) -> None:
    for name, made in figures(lang).items():
        if isinstance(made, Table):
            text = "\n".join([*made.header, made.caption])
        else:
            assert isinstance(made, Figure), name
            text = labels(made)
        check_language(text, lang)


def test_the_two_languages_say_the_same_numbers() -> None:
    en, ko = figures("en"), figures("ko")
    for name, fig in en.items():
        other = ko[name]
        if isinstance(fig, Table):
            assert isinstance(other, Table)
            assert fig.rows == other.rows
        else:
            assert isinstance(other, Figure)
            digits = [re.findall(r"\d+(?:\.\d+)?", labels(f)) for f in (fig, other)]
            assert sorted(digits[0]) == sorted(digits[1]), name


def test_pixel_by_hand_shows_the_sum_and_the_layers_value() -> None:
    patch = np.arange(9, dtype=float).reshape(3, 3) / 10
    text = labels(show_pixel_by_hand(patch, KERNELS["sobel_x"], 0.6, lang="en"))
    assert f"{(patch * KERNELS['sobel_x']).sum():.4f}" in text
    assert "0.6000" in text


def test_pooling_outlines_the_winners() -> None:
    x = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]], float)[None, None]
    fig = show_pooling(x, np.zeros((1, 1, 2, 2)), np.array([[[[4, 7], [13, 10]]]]), x, lang="ko")
    corners = sorted(
        (round(p.get_x() + 0.45), round(p.get_y() + 0.45)) for p in rectangles(fig.axes[0])
    )
    assert corners == [(0, 1), (1, 3), (2, 2), (3, 1)]  # (col, row) of 4, 6, 3, 5
    assert "인덱스 13" in labels(fig)


def test_kernel_names_cover_every_kernel() -> None:
    for lang in LANGS:
        assert set(kernel_names(lang)) == set(KERNELS)


@pytest.mark.parametrize(
    "call",
    [
        lambda: show_feature_maps(np.zeros((1, 1, 4, 4)), [np.zeros((1, 1, 2, 2))], [], lang="en"),
        lambda: show_pixel_by_hand(np.zeros((3, 3)), np.zeros((2, 2)), 0.0),
        lambda: show_kernel_gallery(KERNELS, np.zeros((1, 3, 4, 4))),
        lambda: show_window_counts([np.zeros((3, 3))], [0, 1], 3),
        lambda: show_learned_filters(np.zeros((2, 3, 3)), KERNELS, [("sobel_x", 1.0)]),
        lambda: show_parameter_bill([1, 2]),
        lambda: show_shift([np.zeros((2, 2))] * 3, [0.1, 0.2]),
    ],
)
def test_bad_arguments_name_the_function(call) -> None:
    with pytest.raises(LayerguideError, match=r"show_\w+: "):
        call()


@pytest.mark.parametrize("call", [show_parameter_bill, field_table, kernel_names])
def test_unknown_language_is_refused(call) -> None:
    args = {show_parameter_bill: ([1, 2, 3],), field_table: ([],), kernel_names: ()}[call]
    with pytest.raises(ValueError, match="lang must be one of"):
        call(*args, lang="fr")


def test_window_counts_and_nearest_kernels_check_their_input() -> None:
    with pytest.raises(ValueError, match="window_counts: kernel_size=5"):
        window_counts(3, 5)
    with pytest.raises(ValueError, match=r"nearest_kernels: .*\(2, 4\)"):
        nearest_kernels(np.zeros((2, 4)))
    assert nearest_kernels(2 * KERNELS["laplacian"][None]) == [("laplacian", 1.0)]


def test_field_windows_are_drawn_where_they_lie() -> None:
    """Not centred on the digit: each outline sits on its window's own rows and columns."""
    windows = {(0, 0): Window((0, 14), (0, 14)), (1, 1): Window((1, 22), (1, 22))}
    windows |= {(0, 1): Window((0, 14), (1, 22)), (1, 0): Window((1, 22), (0, 14))}
    ink = Window((7, 26), (6, 21))
    effective = np.zeros((28, 28))
    effective[6:12, 9:15] = 1.0
    fig = show_field_windows(
        np.zeros((28, 28)), windows, ink, effective, (1, 1), layer="L", n_images=10, lang="en"
    )
    left = fig.axes[0]
    drawn = sorted(
        (p.get_y() + 0.5, p.get_x() + 0.5, p.get_height(), p.get_width()) for p in rectangles(left)
    )
    expected = [
        (w.rows[0], w.cols[0], w.height, w.width) for w in (windows[0, 0], windows[1, 1], ink)
    ]
    assert drawn == sorted(expected)  # the diagonal outputs and the ink box
    assert "0 of its 4 outputs" in left.get_title()
    assert "rows 6–11, cols 9–14" in labels(fig)  # at least half the peak
    inside = show_field_windows(
        np.zeros((28, 28)),
        {(0, 0): Window((0, 27), (0, 27))},
        ink,
        effective,
        (0, 0),
        layer="L",
        n_images=10,
        lang="ko",
    )
    assert "1개" in inside.axes[0].get_title()


def test_field_figures_check_their_arguments() -> None:
    w = Window((0, 2), (0, 2))
    with pytest.raises(LayerguideError, match="show_receptive_fields: "):
        show_receptive_fields([row("0", "Conv2d", 3, 1)], [w, w], 8)
    with pytest.raises(LayerguideError, match="show_field_windows: "):
        show_field_windows(
            np.zeros((4, 4)), {(0, 0): w}, w, np.zeros((4, 4)), (0, 0), layer="L", n_images=1
        )


def test_formula_table_rows_carry_the_dilation() -> None:
    table = conv_formula_table(3, [[4, 1, 1, 2, 2, 2, 2, 2]], lang="en")
    assert table.header[3] == "dilation d"
    assert "d(k − 1)" in table.header[6]
    with pytest.raises(LayerguideError, match="conv_formula_table: "):
        conv_formula_table(3, [[1, 0, 0, 58, 58, 58]])  # the old rows, without n and d
