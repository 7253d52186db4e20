"""The three ways back up from 2×2 to 4×4: nearest neighbour, bed of nails, max unpooling.

The 2×2 map is max pooling's output on chapter 3's 4×4 example (:mod:`.pool`), and max
unpooling puts each value back where that pooling found it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.patches import ConnectionPatch
from numpy.typing import ArrayLike, NDArray

from layerguide.i18n import check_lang, section
from layerguide.layers import MaxPool2d, MaxUnpool2d, Upsample
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
from layerguide.viz.animate.pool import _input


def upsampling_records(x: NDArray[np.float64]) -> list[dict[str, Any]]:
    """Frames of 2×2 → 4×4 by nearest neighbour, bed of nails and max unpooling.

    The 2×2 input is ``MaxPool2d``'s output on ``x`` and max unpooling uses its indices.
    Where each value goes is read from the layers themselves: each layer is run on an
    input that is 1 at that value and 0 elsewhere.
    """
    pooled, indices = MaxPool2d(2, return_indices=True)(x[None, None])
    layers: dict[str, Callable[[NDArray[Any]], NDArray[Any]]] = {
        "nearest": lambda v: Upsample(2, mode="nearest")(v),
        "bed_of_nails": lambda v: Upsample(2, mode="bed_of_nails")(v),
        "unpool": lambda v: MaxUnpool2d(2)(v, indices),
    }
    outputs = {name: f(pooled)[0, 0] for name, f in layers.items()}
    shown = {name: np.full(out.shape, np.nan) for name, out in outputs.items()}
    base = {"input": pooled[0, 0], "indices": indices[0, 0], "outputs": outputs}
    records = [{**base, "stage": "start", "value": None, "source": None, "targets": None,
                "shown": {k: v.copy() for k, v in shown.items()}}]  # fmt: skip
    for source, value in np.ndenumerate(pooled[0, 0]):
        one = np.zeros_like(pooled)
        one[(0, 0, *source)] = 1.0
        targets = {name: list(zip(*np.nonzero(f(one)[0, 0]), strict=True))
                   for name, f in layers.items()}  # fmt: skip
        common = {**base, "value": float(value), "source": source, "targets": targets}
        records.append({**common, "stage": "moving",
                        "shown": {k: v.copy() for k, v in shown.items()}})  # fmt: skip
        for name, cells in targets.items():
            for cell in cells:
                shown[name][cell] = outputs[name][cell]
        records.append({**common, "stage": "landed",
                        "shown": {k: v.copy() for k, v in shown.items()}})  # fmt: skip
    records.append({**base, "stage": "zeros", "value": None, "source": None, "targets": None,
                    "shown": {k: v.copy() for k, v in outputs.items()}})  # fmt: skip
    return records


def animate_upsampling(x: ArrayLike | None = None, *, lang: str = "en") -> Player:
    """Animate 2×2 → 4×4 upsampling three ways, each value travelling to its place.

    The 2×2 input is the result of :func:`animate_max_pooling` on the same ``x``, and max
    unpooling uses that pooling's indices.

    Parameters
    ----------
    x : array_like, optional
        Shape (4, 4). The map before pooling; default chapter 3's feature map.
    lang : {"en", "ko"}
    """
    check_lang("animate_upsampling", lang)
    x = _input(x, "animate_upsampling")
    text = section(lang, "animate.pool")
    records = upsampling_records(x)
    names = ("nearest", "bed_of_nails", "unpool")
    fig, axes = new_figure((7.6, 4.6), 3, nrows=2)
    fig.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.02, hspace=0.25, wspace=0.2)

    def draw(rec: dict[str, Any]) -> None:
        reset(fig)
        src = rec["source"]
        for col, name in enumerate(names):
            ax_in, ax_out = axes[0, col], axes[1, col]
            faces = np.full((2, 2), FILLED, dtype=object)
            if src is not None:
                faces[src] = WINDOW
            grid(ax_in, rec["input"], name=f"{name}_in", faces=faces, fontsize=13,
                 origin=(1, 0))  # fmt: skip
            if name == "unpool":
                for (r, c), index in np.ndenumerate(rec["indices"]):
                    ax_in.text(c + 1.92, r + 0.9, f"{index}", ha="right", va="bottom",
                               fontsize=8, color="#8a4b08")  # fmt: skip
            title = text["up_pooled"] if name == "unpool" else text["up_input"]
            frame_axes(ax_in, 4, 2, title)
            shown = rec["shown"][name]
            grid(ax_out, shown, name=name, fontsize=13,
                 faces=np.where(np.isnan(shown), "#ffffff", FILLED).astype(object))  # fmt: skip
            frame_axes(ax_out, 4, 4, text[name])
            if src is None:
                continue
            for r, c in rec["targets"][name]:
                outline(ax_out, r, c, 1, 1)
                if rec["stage"] == "moving":
                    arrow = ConnectionPatch(
                        (src[1] + 1.5, src[0] + 0.5), (c + 0.5, r + 0.5), "data", "data",
                        axesA=ax_in, axesB=ax_out, arrowstyle="->", color="#f28e2b", lw=1.5,
                    )  # fmt: skip
                    fig.add_artist(arrow)
            if rec["stage"] == "moving":  # the value, on its way to its first target
                r, c = rec["targets"][name][0]
                start = ax_in.transData.transform((src[1] + 1.5, src[0] + 0.5))
                end = ax_out.transData.transform((c + 0.5, r + 0.5))
                mid = fig.transFigure.inverted().transform(0.65 * start + 0.35 * end)
                fig.text(mid[0], mid[1], f"{rec['value']:g}", ha="center", va="center", fontsize=13,
                         color="#8a4b08", gid=f"{name}_moving",
                         bbox={"boxstyle": "round", "fc": WINDOW, "ec": "#f28e2b"})  # fmt: skip
        if rec["stage"] == "start":
            caption = text["start"]
        elif rec["stage"] == "zeros":
            caption = text["zeros"]
        else:
            caption = text[rec["stage"]].format(value=rec["value"])
        fig.text(0.5, 0.94, caption, ha="center", fontsize=12, gid="caption")

    return Player(fig, draw, records, lang=lang, alt=text["up_alt"])
