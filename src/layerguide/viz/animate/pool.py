"""Max pooling: the window, its winner and the winner's index, frame by frame."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from layerguide.errors import ArgumentError, StateError
from layerguide.i18n import check_lang, section
from layerguide.layers import MaxPool2d
from layerguide.viz.animate._player import (
    FILLED,
    WINDOW,
    WINNER,
    Player,
    frame_axes,
    grid,
    new_figure,
    outline,
    reset,
)

# The 4×4 feature map of chapter 3's pooling example.
POOL_INPUT = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]], dtype=np.float64)


def _input(x: ArrayLike | None, func: str) -> NDArray[np.float64]:
    arr = POOL_INPUT if x is None else np.asarray(x, dtype=np.float64)
    if arr.shape != (4, 4):
        raise ArgumentError(f"{func}: x must be a 4×4 array, got shape {arr.shape}")
    return arr


def pooling_records(x: NDArray[np.float64]) -> list[dict[str, Any]]:
    """One record per pooling window (then a closing one), all from ``MaxPool2d``."""
    pool = MaxPool2d(2, stride=2, return_indices=True)
    pooled, indices = pool(x[None, None])
    pooled, indices = pooled[0, 0], indices[0, 0]
    width = x.shape[1]
    records = []
    out = np.full(pooled.shape, np.nan)
    idx = np.full(pooled.shape, np.nan)
    for n, ((i, j), value) in enumerate(np.ndenumerate(pooled), start=1):
        index = int(indices[i, j])
        winner = divmod(index, width)
        if x[winner] != value:
            raise StateError(f"MaxPool2d's index {index} does not hold its value {value}")
        out[i, j], idx[i, j] = value, index
        records.append(
            {"n": n, "window": (i * pool.stride[0], j * pool.stride[1]), "winner": winner,
             "value": float(value), "index": index, "pooled": out.copy(), "indices": idx.copy()}
        )  # fmt: skip
    records.append({**records[-1], "n": 0, "window": None, "winner": None})
    return records


def animate_max_pooling(x: ArrayLike | None = None, *, lang: str = "en") -> Player:
    """Animate 2×2 max pooling with stride 2: each window, its winner and its index.

    Parameters
    ----------
    x : array_like, optional
        Shape (4, 4). Default: chapter 3's feature map.
    lang : {"en", "ko"}
    """
    check_lang("animate_max_pooling", lang)
    x = _input(x, "animate_max_pooling")
    text = section(lang, "animate.pool")
    records = pooling_records(x)
    fig, axes = new_figure((7.6, 3.3), 3)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.8, bottom=0.03, wspace=0.2)
    ax_in, ax_out, ax_idx = axes[0]

    def draw(rec: dict[str, Any]) -> None:
        reset(fig)
        faces = np.full(x.shape, "#ffffff", dtype=object)
        if rec["window"] is not None:
            r0, c0 = rec["window"]
            faces[r0 : r0 + 2, c0 : c0 + 2] = WINDOW
            faces[rec["winner"]] = WINNER
        grid(ax_in, x, name="input", faces=faces, fontsize=14)
        for (r, c), _ in np.ndenumerate(x):
            ax_in.text(c + 0.92, r + 0.9, f"{r * x.shape[1] + c}", ha="right", va="bottom",
                       fontsize=7, color="#666")  # fmt: skip
        if rec["window"] is not None:
            outline(ax_in, rec["window"][0], rec["window"][1], 2, 2)
        frame_axes(ax_in, 4, 4, text["input"])
        done = ~np.isnan(rec["pooled"])
        grid(ax_out, rec["pooled"], name="pooled", fontsize=14,
             faces=np.where(done, FILLED, "#ffffff").astype(object))  # fmt: skip
        grid(ax_idx, rec["indices"], name="index", fmt=lambda v: f"{v:.0f}", fontsize=14,
             faces=np.where(done, FILLED, "#ffffff").astype(object))  # fmt: skip
        if rec["window"] is not None:
            cell = (rec["window"][0] // 2, rec["window"][1] // 2)
            outline(ax_out, *cell, 1, 1)
            outline(ax_idx, *cell, 1, 1)
        for ax, title in ((ax_out, text["pooled"]), (ax_idx, text["indices"])):
            frame_axes(ax, 2, 2, title)
            ax.set_xlim(-1.1, 3.1)
            ax.set_ylim(3.1, -1.1)
        line = text["step"].format(**rec) if rec["window"] is not None else text["done"]
        fig.text(0.5, 0.92, line, ha="center", fontsize=12, gid="caption")

    return Player(fig, draw, records, lang=lang, alt=text["alt"])
