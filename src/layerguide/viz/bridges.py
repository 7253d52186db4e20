"""Chapter 7's figures: channels by hand, translation equivariance, the parameter bill by idea.

Every function takes ``lang="en"|"ko"`` and draws its labels from the catalogue's
``[viz.bridges]`` table; the numbers come from :mod:`layerguide.lesson.bridges` via the page,
so nothing here computes a result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray

from layerguide.errors import ArgumentError
from layerguide.i18n import check_lang, text

__all__ = [
    "BILL_ORDER",
    "count_label",
    "show_bill_by_idea",
    "show_channels_by_hand",
    "show_equivariance",
]

#: The bars of :func:`show_bill_by_idea`, top to bottom: one layer, then whole models.
BILL_ORDER = ("dense", "local", "conv", "linear", "stride1_linear", "conv_linear", "gap_linear")
_LAYER_BARS = 3  # the first three produce the same feature maps

_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _t(lang: str, key: str, **values: Any) -> str:
    return text(lang, f"viz.bridges.{key}", **values)


def count_label(n: int) -> str:
    """A parameter count as a bar label: digits with commas, or a × 10ⁿ from 10⁹ on.

    >>> count_label(1216), count_label(8_255_649_890_304)
    ('1,216', '8.26 × 10¹²')
    """
    if n < 1_000_000_000:
        return f"{n:,}"
    exponent = len(str(n)) - 1
    return f"{n / 10**exponent:.2f} × 10{str(exponent).translate(_SUPERSCRIPT)}"


def _numbers(ax: Any, grid: NDArray[Any], fmt: str, size: float = 7) -> None:
    lim = float(np.abs(grid).max()) or 1.0
    for (row, col), value in np.ndenumerate(grid):
        dark = abs(value) > 0.6 * lim
        ax.text(col, row, fmt.format(value), ha="center", va="center", fontsize=size,
                color="white" if dark else "black")  # fmt: skip


def show_channels_by_hand(
    patches: NDArray[Any],
    kernels: NDArray[Any],
    sums: Sequence[float] | NDArray[Any],
    bias: float,
    layer_value: float,
    *,
    lang: str = "en",
) -> Figure:
    """Each channel's patch above its kernel slice and their sum; the total beside the layer's value.

    ``patches`` and ``kernels`` are (C, k, k); ``sums`` holds one sum of products per channel.
    """
    check_lang("show_channels_by_hand", lang)
    patches, kernels = np.asarray(patches, dtype=float), np.asarray(kernels, dtype=float)
    if patches.shape != kernels.shape or patches.ndim != 3 or len(sums) != len(patches):
        raise ArgumentError(
            f"show_channels_by_hand: patches {patches.shape} and kernels {kernels.shape} must "
            f"be the same (C, k, k), with one sum per channel; got {len(sums)} sums"
        )
    names = _t(lang, "channel_names").split("|")
    c = len(patches)
    if c != len(names):
        names = [_t(lang, "channel", i=i) for i in range(c)]
    cmaps = ["Reds", "Greens", "Blues"] if c == 3 else ["Greys"] * c
    lim = float(np.abs(kernels).max()) or 1.0
    fig, axes = plt.subplots(2, c, figsize=(3.3 * c, 7.2), layout="constrained", squeeze=False)
    for i in range(c):
        top, bottom = axes[0, i], axes[1, i]
        top.imshow(patches[i], cmap=cmaps[i], vmin=0, vmax=1)
        _numbers(top, patches[i], "{:.2f}")
        top.set_title(_t(lang, "patch", name=names[i]))
        bottom.imshow(kernels[i], cmap="RdBu_r", vmin=-lim, vmax=lim)
        _numbers(bottom, kernels[i], "{:+.2f}")
        bottom.set_title(_t(lang, "slice", value=float(sums[i])))
        for ax in (top, bottom):
            ax.set_xticks([])
            ax.set_yticks([])
    terms = " ".join(f"{s:+.3f}" for s in sums)
    total = float(np.sum(sums)) + float(bias)
    fig.suptitle(
        _t(lang, "by_hand", terms=terms, bias=float(bias), total=total, layer=float(layer_value))
    )
    return fig


def show_equivariance(
    inputs: Sequence[NDArray[Any]],
    outputs: Sequence[NDArray[Any]],
    shift: tuple[int, int],
    difference: float,
    *,
    lang: str = "en",
) -> Figure:
    """The input and the moved input (C, H, W), each above its feature map (H, W).

    ``shift`` is (dy, dx) in input pixels; ``difference`` the largest difference measured
    between the moved input's output and the output moved.
    """
    check_lang("show_equivariance", lang)
    if len(inputs) != 2 or len(outputs) != 2:
        raise ArgumentError(
            f"show_equivariance: needs 2 inputs and 2 outputs, got {len(inputs)} and {len(outputs)}"
        )
    fig, axes = plt.subplots(2, 2, figsize=(7.5, 7.6), layout="constrained")
    lim = max(float(np.abs(o).max()) for o in outputs) or 1.0
    keys = ("input", "moved")
    for j, (x, out) in enumerate(zip(inputs, outputs, strict=True)):
        x = np.asarray(x)
        axes[0, j].imshow(
            np.clip(np.moveaxis(x, 0, -1), 0, 1) if len(x) == 3 else x[0], cmap="gray"
        )
        axes[0, j].set_title(_t(lang, keys[j], dy=shift[0], dx=shift[1], shape=tuple(x.shape)))
        axes[1, j].imshow(out, cmap="RdBu_r", vmin=-lim, vmax=lim)
        axes[1, j].set_title(_t(lang, "map", shape=tuple(np.shape(out))))
    for ax in axes.flat:
        ax.set_xticks([])
        ax.set_yticks([])
    fig.suptitle(_t(lang, "equivariance", dy=shift[0], dx=shift[1], difference=difference))
    return fig


def show_bill_by_idea(
    totals: Mapping[str, int], out_shape: Sequence[int], fan_in: int, *, lang: str = "en"
) -> Figure:
    """Parameters on a log scale: three layers with the same output, then four whole models.

    ``totals`` maps every name of :data:`BILL_ORDER` to a parameter count; ``out_shape`` is
    the (C, H, W) output the first three share and ``fan_in`` the C_in·k·k weights one
    output reads.
    """
    check_lang("show_bill_by_idea", lang)
    missing = [k for k in BILL_ORDER if k not in totals]
    if missing:
        raise ArgumentError(f"show_bill_by_idea: totals has no count for {missing}")
    counts = [int(totals[k]) for k in BILL_ORDER]
    shape = " × ".join(str(n) for n in out_shape)
    labels = [_t(lang, f"bar_{k}", fan_in=fan_in, c=out_shape[0]) for k in BILL_ORDER]
    colours = [
        "tab:red",
        "tab:orange",
        "tab:green",
        "tab:purple",
        "tab:red",
        "tab:blue",
        "tab:green",
    ]
    fig, axes = plt.subplots(
        2, 1, figsize=(9, 4.8), layout="constrained", sharex=True,
        height_ratios=[_LAYER_BARS, len(counts) - _LAYER_BARS],
    )  # fmt: skip
    groups = (slice(0, _LAYER_BARS), slice(_LAYER_BARS, None))
    titles = (_t(lang, "group_layer", shape=shape), _t(lang, "group_model"))
    for ax, part, title in zip(axes, groups, titles, strict=True):
        ax.barh(labels[part], counts[part], color=colours[part])
        for y, n in enumerate(counts[part]):
            ax.text(n, y, f" {count_label(n)}", va="center", fontsize=9)
        ax.invert_yaxis()
        ax.set_title(title, fontsize=10, loc="left")
    axes[1].set_xscale("log")
    axes[1].set_xlim(1, max(counts) * 1e3)
    axes[1].set_xlabel(_t(lang, "params"))
    fig.suptitle(_t(lang, "bill"))
    return fig
