"""Chapter 4's figures and tables: the parameter bill, receptive fields, pooling and shifts.

Every function takes ``lang="en"|"ko"``; the rows come from ``layerguide.trace`` and the
measurements from the page, so nothing here computes a result.
"""

from __future__ import annotations

from collections.abc import Sequence
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
    "field_table",
    "show_digit_fields",
    "show_parameter_bill",
    "show_receptive_fields",
    "show_shift",
]


def _t(lang: str, key: str, **values: Any) -> str:
    return text(lang, f"viz.receptive.{key}", **values)


def show_parameter_bill(counts: Sequence[int], *, lang: str = "en") -> Figure:
    """Three bars on a log scale: Linear on the frame, the convolution, convolution + Linear."""
    check_lang("show_parameter_bill", lang)
    labels = _t(lang, "bars").split("|")
    if len(counts) != len(labels):
        raise ArgumentError(
            f"show_parameter_bill: counts must have {len(labels)} values, got {len(counts)}"
        )
    fig, ax = plt.subplots(figsize=(7.5, 2.4), layout="constrained")
    ax.barh(labels, counts, color=["tab:red", "tab:green", "tab:blue"])
    ax.set_xscale("log")
    ax.invert_yaxis()
    for y, n in enumerate(counts):
        ax.text(n, y, f" {n:,}", va="center")
    ax.set_xlim(100, 1e8)
    ax.set_xlabel(_t(lang, "params"))
    ax.set_title(_t(lang, "bill"))
    return fig


def field_table(rows: Sequence[Any], *, lang: str = "en") -> Table:
    """Trace rows as a table of layer, kind, receptive field and effective stride."""
    check_lang("field_table", lang)
    return Table(
        [_t(lang, k) for k in ("layer", "kind", "field_hw", "stride_hw")],
        [[r.name, r.kind, _pair(r.receptive_field), _pair(r.effective_stride)] for r in rows],
    )


def _pair(value: Any) -> str:
    return "–" if value is None else f"{value[0]} × {value[1]}"


def show_receptive_fields(rows: Sequence[Any], size: int, *, lang: str = "en") -> Figure:
    """Nested squares (the centre output's field) on a size × size input, and their growth."""
    check_lang("show_receptive_fields", lang)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 4.2), layout="constrained")
    left.imshow(np.zeros((size, size)), cmap="Greys", vmin=0, vmax=1)
    left.set_xticks(range(-1, size, 8))
    left.set_yticks(range(-1, size, 8))
    left.grid(color="0.85", lw=0.5)
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(rows)))
    centre = (size - 1) / 2
    for row, color in zip(rows, colors, strict=True):
        side = row.receptive_field[0]
        corner = centre - side / 2 + 0.5
        left.add_patch(Rectangle((corner, corner), side, side, fill=False, lw=2, color=color))
        left.text(corner + 0.3, corner + 0.9, f"{row.name}: {side}", color=color, fontsize=8)
    left.set_title(_t(lang, "centre"))
    steps = range(1, len(rows) + 1)
    right.plot(steps, [r.receptive_field[0] for r in rows], "o-", label=_t(lang, "field"))
    right.plot(steps, [r.effective_stride[0] for r in rows], "s--", label=_t(lang, "stride"))
    right.set_xticks(list(steps), [f"{r.name}\n{r.kind}" for r in rows], fontsize=8)
    right.set_ylabel(_t(lang, "pixels"))
    right.set_title(_t(lang, "faster"))
    right.legend()
    return fig


def show_digit_fields(
    digit: NDArray[Any],
    rows: Sequence[Any],
    box: tuple[int, int, int, int],
    first: str,
    *,
    lang: str = "en",
) -> Figure:
    """Each layer's receptive field as a square centred on the digit; ``box`` = (top, left, h, w)."""
    check_lang("show_digit_fields", lang)
    top, left_, h, w = box
    fig, ax = plt.subplots(figsize=(6.4, 6.4), layout="constrained")
    ax.imshow(digit, cmap="gray_r", vmin=0, vmax=1)
    cy, cx = top + (h - 1) / 2, left_ + (w - 1) / 2
    ax.add_patch(
        Rectangle(
            (left_ - 0.5, top - 0.5),
            w,
            h,
            fill=False,
            ls="--",
            lw=1.5,
            color="tab:red",
            label=_t(lang, "digit", h=h, w=w),
        )
    )
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(rows)))
    for row, color in zip(rows, colors, strict=True):
        fh, fw = row.receptive_field
        ax.add_patch(
            Rectangle(
                (cx - fw / 2, cy - fh / 2),
                fw,
                fh,
                fill=False,
                lw=2,
                color=color,
                label=f"{row.name}: {fh} × {fw}",
            )
        )
    ax.set_xlim(-8, digit.shape[1] + 7)
    ax.set_ylim(digit.shape[0] + 7, -8)
    ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
    size = next(r.receptive_field[0] for r in rows if r.name == first)
    ax.set_title(_t(lang, "covers", name=first, size=size), fontsize=10)
    return fig


def show_shift(
    maps: Sequence[NDArray[Any]], changes: Sequence[float], *, lang: str = "en"
) -> Figure:
    """Feature map and pooled map, for the input and the input moved by one pixel.

    ``maps`` is (feature map, moved feature map, pooled, moved pooled), each (H, W);
    ``changes`` the measured relative change of the feature map and of the pooled map.
    """
    check_lang("show_shift", lang)
    if len(maps) != 4 or len(changes) != 2:
        raise ArgumentError(
            f"show_shift: need 4 maps and 2 changes, got {len(maps)} and {len(changes)}"
        )
    fig, axes = plt.subplots(2, 3, figsize=(9, 6.2), layout="constrained")
    for r, (a, b, change, key) in enumerate(
        [(maps[0], maps[1], changes[0], "map"), (maps[2], maps[3], changes[1], "pooled")]
    ):
        top = float(max(np.max(a), np.max(b))) or 1.0
        for c, (grid, title) in enumerate(
            [
                (a, _t(lang, "orig")),
                (b, _t(lang, "moved")),
                (np.abs(a - b), _t(lang, "diff", change=change)),
            ]
        ):
            axes[r, c].imshow(grid, cmap="magma", vmin=0, vmax=top)
            axes[r, c].set_title(title, fontsize=9)
            axes[r, c].set_xticks([])
            axes[r, c].set_yticks([])
        axes[r, 0].set_ylabel(f"{_t(lang, key)}\n{tuple(a.shape)}")
    return fig
