"""Chapter 8's figures and tables: pooling's gradient, its alternatives, where memory goes.

Every function takes ``lang="en"|"ko"``; the arrays come from the layers and the rows from
``layerguide.trace``, so nothing here computes a result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from numpy.typing import NDArray

from layerguide.errors import ArgumentError
from layerguide.i18n import check_lang, text
from layerguide.viz.table import Table

__all__ = [
    "alternatives_table",
    "show_layer_bill",
    "show_pool_gradients",
    "show_pooling_savings",
]


def _t(lang: str, key: str, **values: Any) -> str:
    return text(lang, f"viz.pooling.{key}", **values)


def _grid(ax: Any, grid: NDArray[Any], title: str, top: float) -> None:
    ax.imshow(grid, cmap="Blues", vmin=0, vmax=1.6 * top)
    for (r, c), v in np.ndenumerate(grid):
        ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=12)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])


def show_pool_gradients(
    x: NDArray[Any],
    upstream: NDArray[Any],
    max_grad: NDArray[Any],
    avg_grad: NDArray[Any],
    *,
    lang: str = "en",
) -> Figure:
    """The input, the gradient at the pooled output, and where each pooling sends it back.

    All four are (1, 1, H, W) arrays: the input map, the output gradient (one value per
    2 × 2 window), the input gradient of max pooling (non-zero at the winners, outlined) and
    that of average pooling.
    """
    check_lang("show_pool_gradients", lang)
    if not (x.shape == max_grad.shape == avg_grad.shape) or upstream.ndim != 4:
        raise ArgumentError(
            "show_pool_gradients: x, max_grad and avg_grad must have one shape and upstream "
            f"4 axes, got {x.shape}, {max_grad.shape}, {avg_grad.shape} and {upstream.shape}"
        )
    fig, axes = plt.subplots(1, 4, figsize=(12, 3.4), layout="constrained")
    top = float(np.max(upstream))
    _grid(axes[0], x[0, 0], _t(lang, "input"), float(np.max(x)))
    _grid(axes[1], upstream[0, 0], _t(lang, "upstream"), top)
    _grid(axes[2], max_grad[0, 0], _t(lang, "max_grad"), top)
    _grid(axes[3], avg_grad[0, 0], _t(lang, "avg_grad"), top)
    for r, c in zip(*np.nonzero(max_grad[0, 0]), strict=True):
        for ax in axes[[0, 2]]:
            ax.add_patch(
                Rectangle((c - 0.45, r - 0.45), 0.9, 0.9, fill=False, lw=2.5, color="tab:orange")
            )
    for ax in axes[[0, 2, 3]]:  # the 2 × 2 windows
        for edge in range(2, x.shape[2], 2):
            ax.axhline(edge - 0.5, color="grey", lw=1)
        for edge in range(2, x.shape[3], 2):
            ax.axvline(edge - 0.5, color="grey", lw=1)
    return fig


def _pair(value: Any) -> str:
    return "—" if value is None else f"{value[0]} × {value[1]}"


def alternatives_table(traces: Mapping[str, Any], *, lang: str = "en") -> Table:
    """One row per way (keys of :func:`layerguide.lesson.pooling.alternatives`).

    Columns: the way, output shape, receptive field of the last row, parameters, MACs.
    """
    check_lang("alternatives_table", lang)
    rows = []
    for key, tr in traces.items():
        last = tr.rows[-1]
        rows.append(
            [
                _t(lang, f"way_{key}"),
                str(last.output_shape),
                _pair(last.receptive_field),
                tr.total_params,
                tr.total_macs,
            ]
        )
    header = [_t(lang, k) for k in ("way", "output", "field", "params", "macs")]
    return Table(header, rows)


def show_pooling_savings(traces: Mapping[str, Any], *, lang: str = "en") -> Figure:
    """Parameters and MACs of each head (keys of :func:`~layerguide.lesson.pooling.pooled_head`)."""
    check_lang("show_pooling_savings", lang)
    labels = [_t(lang, f"head_{k}") for k in traces]
    fig, axes = plt.subplots(1, 2, figsize=(10, 2.8), layout="constrained", sharey=True)
    colors = ["tab:red", "tab:green", "tab:blue"][: len(labels)]
    for ax, key in zip(axes, ("params", "macs"), strict=True):
        values = [getattr(t, f"total_{key}") for t in traces.values()]
        ax.barh(labels, values, color=colors)
        ax.set_xscale("log")
        ax.set_xlim(100, 20 * max(values))
        for y, v in enumerate(values):
            ax.text(v, y, f" {v:,}", va="center", fontsize=9)
        ax.set_xlabel(_t(lang, f"{key}_log"))
    axes[0].invert_yaxis()
    fig.suptitle(_t(lang, "savings"))
    return fig


def show_layer_bill(rows: Sequence[Any], *, lang: str = "en") -> Figure:
    """Two bar charts per layer: its parameters and the bytes of its output.

    ``rows`` are trace rows with ``params`` and ``output_bytes``; those with neither (an
    in-place ReLU, Flatten, Dropout) are left out.
    """
    check_lang("show_layer_bill", lang)
    rows = [r for r in rows if r.params or r.output_bytes]
    if not rows:
        raise ArgumentError("show_layer_bill: no row has parameters or output bytes")
    names = [f"{r.name} ({r.kind})" for r in rows]
    params = [r.params / 1e6 for r in rows]
    memory = [r.output_bytes / 1e6 for r in rows]
    fig, axes = plt.subplots(
        1, 2, figsize=(11, 0.28 * len(rows) + 1.6), layout="constrained", sharey=True
    )
    colors = [
        "tab:blue" if r.kind == "Linear" else "tab:orange" if r.kind == "Conv2d" else "tab:grey"
        for r in rows
    ]
    for ax, values, key in ((axes[0], params, "mparams"), (axes[1], memory, "mbytes")):
        ax.barh(names, values, color=colors)
        ax.set_xlabel(_t(lang, key))
    axes[0].invert_yaxis()
    axes[0].tick_params(axis="y", labelsize=8)
    fig.suptitle(_t(lang, "bill"))
    return fig
