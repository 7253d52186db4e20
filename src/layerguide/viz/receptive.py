"""Chapter 4's figures and tables: the parameter bill, receptive fields, pooling and shifts.

Every function takes ``lang="en"|"ko"``; the rows come from ``layerguide.trace`` and the
measurements from the page, so nothing here computes a result.
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
from layerguide.tracer.windows import Window, window_of
from layerguide.viz.table import Table

__all__ = [
    "field_table",
    "show_field_windows",
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


def show_receptive_fields(
    rows: Sequence[Any], windows: Sequence[Window], size: int, *, lang: str = "en"
) -> Figure:
    """Each row's centre-output window, where it really lies on a size × size input, and growth.

    ``windows`` holds one :class:`~layerguide.tracer.windows.Window` per row (from
    :func:`~layerguide.tracer.windows.centre_window`).
    """
    check_lang("show_receptive_fields", lang)
    if len(windows) != len(rows):
        raise ArgumentError(
            f"show_receptive_fields: {len(rows)} rows need as many windows, got {len(windows)}"
        )
    fig, (left, right) = plt.subplots(1, 2, figsize=(9.5, 4.2), layout="constrained")
    left.imshow(np.zeros((size, size)), cmap="Greys", vmin=0, vmax=1)
    left.set_xticks(range(0, size, 8))
    left.set_yticks(range(0, size, 8))
    left.grid(color="0.85", lw=0.5)
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(rows)))
    for row, window, color in zip(rows, windows, colors, strict=True):
        label = _where(lang, "layer_window", window, name=row.name)
        _outline(left, window, color=color, lw=2, label=label)
    left.set_ylim(size + 9.5, -0.5)  # room below the image for the legend
    left.legend(loc="lower center", fontsize=7, ncol=2, framealpha=0.9)
    left.set_title(_t(lang, "centre"))
    steps = range(1, len(rows) + 1)
    right.plot(steps, [r.receptive_field[0] for r in rows], "o-", label=_t(lang, "field"))
    right.plot(steps, [r.effective_stride[0] for r in rows], "s--", label=_t(lang, "stride"))
    right.set_xticks(list(steps), [f"{r.name}\n{r.kind}" for r in rows], fontsize=8)
    right.set_ylabel(_t(lang, "pixels"))
    right.set_title(_t(lang, "faster"))
    right.legend()
    return fig


def _outline(ax: Any, window: Window, **style: Any) -> None:
    """A rectangle around the pixels of ``window`` (pixel centres are integers)."""
    ax.add_patch(
        Rectangle(
            (window.cols[0] - 0.5, window.rows[0] - 0.5),
            window.width,
            window.height,
            fill=False,
            **style,
        )
    )


def _where(lang: str, key: str, window: Window, **values: Any) -> str:
    r0, r1 = window.rows
    c0, c1 = window.cols
    return _t(lang, key, r0=r0, r1=r1, c0=c0, c1=c1, **values)


def show_field_windows(
    digit: NDArray[Any],
    windows: Mapping[tuple[int, int], Window],
    ink: Window,
    effective: NDArray[Any],
    best: tuple[int, int],
    *,
    layer: str,
    n_images: int,
    lang: str = "en",
) -> Figure:
    """Where the fields of one layer's outputs really lie over a digit, and the effective field.

    Left: the digit, its ink box (dashed) and the windows of the diagonal outputs (i, i),
    at their real places; the title counts the windows (of all ``windows``) that contain
    the ink box. Right: ``effective`` (mean ``|∂ output / ∂ input|`` of output ``best``
    over ``n_images`` digits) scaled to its peak, with that output's window (solid), the
    pixels of at least half the peak (dotted) and the ink box (dashed).
    """
    check_lang("show_field_windows", lang)
    effective = np.asarray(effective, dtype=float)
    if effective.shape != np.shape(digit) or best not in windows or effective.max() <= 0:
        raise ArgumentError(
            f"show_field_windows: effective {effective.shape} must match the digit "
            f"{np.shape(digit)}, be positive somewhere, and {best} must be one of the windows"
        )
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5.6), layout="constrained")
    left.imshow(digit, cmap="gray_r", vmin=0, vmax=1)
    diagonal = sorted(p for p in windows if p[0] == p[1])
    colors = plt.cm.viridis(np.linspace(0, 0.9, len(diagonal)))
    for pos, color in zip(diagonal, colors, strict=True):
        window = windows[pos]
        label = _where(lang, "output_window", window, pos=f"({pos[0]}, {pos[1]})")
        _outline(left, window, lw=2, color=color, label=label)
    _outline(left, ink, lw=1.5, ls="--", color="tab:red", label=_where(lang, "digit_box", ink))
    inside = sum(w.contains(ink.rows, ink.cols) for w in windows.values())
    left.set_title(_t(lang, "windows_title", name=layer, n=inside, total=len(windows)), fontsize=10)
    scaled = effective / effective.max()
    right.imshow(scaled, cmap="magma", vmin=0, vmax=1)
    where = f"({best[0]}, {best[1]})"
    _outline(
        right, windows[best], lw=2, color="tab:cyan", label=_where(lang, "theory", windows[best])
    )
    half = window_of(scaled >= 0.5)
    _outline(right, half, lw=1.5, ls=":", color="tab:green", label=_where(lang, "half", half))
    _outline(right, ink, lw=1.5, ls="--", color="tab:red", label=_where(lang, "digit_box", ink))
    right.set_title(_t(lang, "effective_title", pos=where, n=n_images), fontsize=10)
    for ax in (left, right):
        ax.set_xlim(-1.5, digit.shape[1] + 0.5)
        ax.set_ylim(digit.shape[0] + 6.5, -1.5)  # room below the image for the legend
        ax.legend(loc="lower center", fontsize=7, framealpha=0.9, ncol=1)
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
