"""Transposed convolution, stride 2: each input value stamps a scaled kernel."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from layerguide.errors import ArgumentError
from layerguide.i18n import check_lang, section
from layerguide.layers import ConvTranspose2d
from layerguide.viz.animate._player import (
    FILLED,
    WINDOW,
    Player,
    frame_axes,
    grid,
    new_figure,
    outline,
    reset,
)

TRANSPOSE_INPUT = np.array([[1, 2, 1], [2, 3, 1], [1, 1, 2]], dtype=np.float64)


def transposed_records(x: NDArray[np.float64], kernel_sizes: Sequence[int]) -> list[dict[str, Any]]:
    """Frame t shows the first t stamps, for every kernel size.

    The partial output is ``ConvTranspose2d`` run on ``x`` with only its first t values
    kept (the rest 0); the overlap count is the same layer run on 1s at those t places.
    The stamp's place is where the layer puts a lone 1 at input value t.
    """
    layers = {}
    for k in kernel_sizes:
        layer = ConvTranspose2d(1, 1, k, stride=2, bias=False, dtype=np.float64, rng=0)
        layer.weight.data[...] = 1.0
        layers[k] = layer
    flat = list(np.ndindex(x.shape))
    records = []
    for t in range(len(flat) + 1):
        first = np.zeros_like(x)
        for cell in flat[:t]:
            first[cell] = 1.0
        rec: dict[str, Any] = {"t": t, "total": len(flat), "input": x,
                               "cell": flat[t - 1] if t else None,
                               "value": float(x[flat[t - 1]]) if t else None}  # fmt: skip
        for k, layer in layers.items():
            rec[f"output{k}"] = layer((x * first)[None, None])[0, 0]
            rec[f"count{k}"] = layer(first[None, None])[0, 0]
            if t:
                lone = np.zeros_like(x)
                lone[flat[t - 1]] = 1.0
                rows, cols = np.nonzero(layer(lone[None, None])[0, 0])
                rec[f"stamp{k}"] = (rows.min(), cols.min(), np.ptp(rows) + 1, np.ptp(cols) + 1)
            else:
                rec[f"stamp{k}"] = None
        records.append(rec)
    return records


def animate_transposed_convolution(
    x: ArrayLike | None = None, kernel_sizes: Sequence[int] = (3, 4), *, lang: str = "en"
) -> Player:
    """Animate a stride-2 transposed convolution stamp by stamp, for two kernel sizes.

    Every kernel weight is 1, so the third panel (the layer run on 1s) counts how many
    stamps cover each output pixel: uneven (a checkerboard) for kernel 3, even inside
    for kernel 4.

    Parameters
    ----------
    x : array_like, optional
        Shape (3, 3). Input values; default small integers.
    kernel_sizes : sequence of int, optional
        One row of panels per kernel size; default (3, 4).
    lang : {"en", "ko"}
    """
    check_lang("animate_transposed_convolution", lang)
    x = TRANSPOSE_INPUT if x is None else np.asarray(x, dtype=np.float64)
    if x.shape != (3, 3):
        raise ArgumentError(
            f"animate_transposed_convolution: x must be a 3×3 array, got shape {x.shape}"
        )
    if not kernel_sizes or any(int(k) < 1 for k in kernel_sizes):
        raise ArgumentError(
            "animate_transposed_convolution: kernel_sizes must be positive integers, "
            f"got {tuple(kernel_sizes)}"
        )
    sizes = [int(k) for k in kernel_sizes]
    text = section(lang, "animate.conv_transpose")
    records = transposed_records(x, sizes)
    fig, axes = new_figure((8.4, 3.0 * len(sizes) + 0.5), 3, nrows=len(sizes))
    fig.subplots_adjust(left=0.02, right=0.98, top=0.88, bottom=0.01, hspace=0.2, wspace=0.08)
    biggest = max(records[-1][f"output{k}"].shape[0] for k in sizes)

    def draw(rec: dict[str, Any]) -> None:
        reset(fig)
        for row, k in enumerate(sizes):
            ax_in, ax_out, ax_count = axes[row]
            faces = np.full(x.shape, "#ffffff", dtype=object)
            if rec["cell"] is not None:
                faces[rec["cell"]] = WINDOW
            grid(ax_in, x, name=f"input{k}", faces=faces, fontsize=12)
            if rec["cell"] is not None:
                outline(ax_in, rec["cell"][0], rec["cell"][1], 1, 1)
            frame_axes(ax_in, biggest, biggest, text["input"])
            ax_in.text(0, 4.2, text["row"].format(k=k), fontsize=10, va="top")
            out, count = rec[f"output{k}"], rec[f"count{k}"]
            covered = count > 0
            faces = np.where(covered, FILLED, "#ffffff").astype(object)
            shown = np.where(covered, out, np.nan)
            grid(ax_out, shown, name=f"output{k}", faces=faces, fontsize=8)
            frame_axes(ax_out, biggest, biggest,
                       text["output"].format(h=out.shape[0], w=out.shape[1]))  # fmt: skip
            shades = np.array(["#ffffff", "#fff0d9", "#fdc98f", "#f79c5a", "#e8703a"], dtype=object)
            grid(ax_count, np.where(covered, count, np.nan), name=f"count{k}", fontsize=8,
                 faces=shades[np.clip(count.astype(int), 0, 4)])  # fmt: skip
            frame_axes(ax_count, biggest, biggest, text["count"])
            if rec[f"stamp{k}"] is not None:
                outline(ax_out, *rec[f"stamp{k}"])
                outline(ax_count, *rec[f"stamp{k}"])
        caption = text["step"].format(n=rec["t"], **rec) if rec["t"] else text["start"]
        fig.text(0.5, 0.955, caption, ha="center", fontsize=12, gid="caption")

    return Player(fig, draw, records, lang=lang, alt=text["alt"])
