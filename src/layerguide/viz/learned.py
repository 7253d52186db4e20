"""Chapter 3's figures for "filters are learned": a baseline and a hidden kernel recovered.

Both functions take what :mod:`layerguide.lesson.learned` computed and draw it in ``lang``;
nothing here computes a result. Labels come from the catalogue's ``[viz.learned]`` table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray

from layerguide.errors import ArgumentError
from layerguide.i18n import check_lang, text
from layerguide.lesson.convnet import KERNELS, kernel_cosines
from layerguide.lesson.learned import FilterBaseline, KernelRecovery
from layerguide.viz.conv import _numbers, kernel_names

__all__ = ["show_filter_baseline", "show_kernel_recovery"]

#: The steps whose kernels :func:`show_kernel_recovery` draws by default (the last is added).
RECOVERY_STEPS = (0, 10, 25, 50, 100)


def _t(lang: str, key: str, **values: Any) -> str:
    return text(lang, f"viz.learned.{key}", **values)


def _filter_grid(fig: Any, filters: NDArray[Any], title: str, lang: str) -> None:
    """One subfigure: the filters in a square-ish grid, each titled with its nearest kernel."""
    names, keys = kernel_names(lang), list(KERNELS)
    cos = kernel_cosines(filters)  # (n, len(KERNELS))
    cols = int(np.ceil(np.sqrt(len(filters))))
    rows = (len(filters) + cols - 1) // cols
    axes = fig.subplots(rows, cols, squeeze=False)
    fig.suptitle(title, fontsize=11)
    for ax in axes.ravel():
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_frame_on(False)
    for i, w in enumerate(filters):
        ax, best = axes[i // cols, i % cols], int(np.abs(cos[i]).argmax())
        lim = float(np.abs(w).max()) or 1.0
        ax.imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_title(_t(lang, "like", name=names[keys[best]], cos=cos[i, best]), fontsize=7)


def show_filter_baseline(baseline: FilterBaseline, steps: int, *, lang: str = "en") -> Figure:
    """Filters before and after ``steps`` training steps, and the score of untrained layers.

    Left, the layer's filters as training began; middle, the same filters after training;
    above each, the hand-set kernel it resembles most and their cosine similarity. Right,
    a histogram of the score over the untrained draws, its 5th–95th percentile band, and
    where the two filter banks fall.
    """
    check_lang("show_filter_baseline", lang)
    fig = plt.figure(figsize=(14, 4.8), layout="constrained")
    parts: Any = fig.subfigures(1, 3, width_ratios=[1, 1, 1.25])
    left, middle, right = parts
    _filter_grid(left, baseline.initial, _t(lang, "before", score=baseline.initial_score), lang)
    title = _t(lang, "after", steps=steps, score=baseline.trained_score)
    _filter_grid(middle, baseline.trained, title, lang)
    ax = right.subplots()
    heights, _, _ = ax.hist(baseline.draws, bins=30, color="0.75", edgecolor="white")
    ax.set_ylim(0, 1.6 * float(heights.max()))  # room for the legend above the bars
    ax.axvspan(
        baseline.low,
        baseline.high,
        color="tab:blue",
        alpha=0.12,
        label=_t(lang, "band", low=baseline.low, high=baseline.high),
    )
    lines = [
        (baseline.mean, "0.3", ":", _t(lang, "mean", value=baseline.mean)),
        (
            baseline.initial_score,
            "tab:blue",
            "--",
            _t(lang, "initial", value=baseline.initial_score),
        ),
        (baseline.trained_score, "tab:red", "-", _t(lang, "trained", value=baseline.trained_score)),
    ]
    for x, color, style, label in lines:
        ax.axvline(x, color=color, linestyle=style, linewidth=2, label=label)
    ax.set_title(_t(lang, "draws", n=len(baseline.draws), k=len(baseline.trained)), fontsize=11)
    ax.set_xlabel(_t(lang, "score", k=len(baseline.trained)))
    ax.set_ylabel(_t(lang, "count"))
    ax.legend(fontsize=8, loc="upper left")
    return fig


def show_kernel_recovery(
    run: KernelRecovery,
    name: str,
    shown: Sequence[int] = RECOVERY_STEPS,
    *,
    lang: str = "en",
) -> Figure:
    """The kernel at a few steps beside the hidden one, then the loss and distance per step.

    ``name`` is the hidden kernel's key in :data:`~layerguide.lesson.convnet.KERNELS`
    (for its label); ``shown`` the steps to draw, to which the last step is added.
    """
    check_lang("show_kernel_recovery", lang)
    if name not in KERNELS:
        raise ArgumentError(
            f"show_kernel_recovery: name must be one of {list(KERNELS)}, got {name!r}"
        )
    picks = sorted({*shown, run.steps})
    if picks[0] < 0 or picks[-1] > run.steps:
        raise ArgumentError(
            f"show_kernel_recovery: shown steps must lie in 0…{run.steps}, got {list(shown)}"
        )
    n = len(picks) + 1
    fig = plt.figure(figsize=(max(12.0, 1.9 * n), 6.6), layout="constrained")
    parts: Any = fig.subfigures(2, 1, height_ratios=[1, 1.25])
    top, bottom = parts
    top.suptitle(_t(lang, "recovery", lr=run.lr, momentum=run.momentum), fontsize=11)
    axes = top.subplots(1, n)
    lim = float(np.abs(run.hidden).max()) or 1.0
    grids = [(run.kernels[s], _t(lang, "step", step=s)) for s in picks]
    grids.append((run.hidden, _t(lang, "hidden", name=kernel_names(lang)[name])))
    for ax, (grid, title) in zip(axes, grids, strict=True):
        ax.imshow(grid, cmap="RdBu_r", vmin=-lim, vmax=lim)
        _numbers(ax, np.round(grid, 2) + 0.0, "{:.2f}", size=8)  # + 0.0: no "-0.00"
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    curves = bottom.subplots(1, 2)
    steps = np.arange(run.steps + 1)
    for ax, values, key, color in (
        (curves[0], run.losses, "loss", "tab:purple"),
        (curves[1], run.distances, "distance", "tab:green"),
    ):
        ax.semilogy(steps, values, color=color)
        ax.plot(picks, values[picks], "o", color=color)
        ax.set_xlabel(_t(lang, "x"))
        ax.set_ylabel(_t(lang, key))
        ax.grid(alpha=0.3)
    return fig
