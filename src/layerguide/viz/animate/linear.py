"""A Linear layer as a linear map of the plane: first the weight, then the bias."""

from __future__ import annotations

from typing import Any, cast

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Polygon
from numpy.typing import ArrayLike, NDArray

from layerguide.errors import ArgumentError, StateError
from layerguide.i18n import check_lang, section
from layerguide.layers import Linear, Parameter
from layerguide.viz.animate._player import (
    CURRENT,
    DPI,
    Player,
    reset,
)

# Four (x, y) points: a quadrilateral is a (4, 2) array, a batch of 4 inputs of a
# Linear(2, 2) layer.
QUADRILATERAL = np.array([[1.0, 0.5], [3.0, 1.0], [2.5, 2.5], [0.5, 2.0]])
WEIGHT = np.array([[1.0, -0.5], [0.5, 1.0]])
BIAS = np.array([-2.0, 1.0])
STEPS = 4  # frames for each of the two moves


def _fmt(v: float) -> str:
    return f"{v:.2f}".replace("-", "−")


def _linear(weight: NDArray[np.float64], bias: NDArray[np.float64]) -> Linear:
    """A ``Linear(2, 2)`` with the given weight and bias.

    Its own generator for the (overwritten) initial values: drawing a figure must not move
    the global seed a page set with ``manual_seed`` for the models that follow.
    """
    layer = Linear(2, 2, dtype=np.float64, rng=0)
    layer.weight.data[...] = weight
    cast(Parameter, layer.bias).data[...] = bias  # Linear has a bias by default
    return layer


def linear_records(
    points: NDArray[np.float64], weight: NDArray[np.float64], bias: NDArray[np.float64]
) -> list[dict[str, Any]]:
    """Frames of the map, each point set the output of a ``Linear(2, 2)``.

    Step 1 runs layers whose weight goes from the identity to ``weight`` (bias 0); step 2
    keeps ``weight`` and grows the bias from 0 to ``bias``. The origin is one more input.
    """
    final = _linear(weight, bias)
    records = []
    stages = [("start", 0.0)] + [("weight", t) for t in np.linspace(0, 1, STEPS + 1)[1:]]
    stages += [("bias", t) for t in np.linspace(0, 1, STEPS + 1)[1:]]
    inputs = np.vstack([points, np.zeros((1, 2))])  # (5, 2): the corners, then the origin
    for stage, t in stages:
        if stage == "bias":
            layer = _linear(weight, t * bias)
        else:
            layer = _linear((1 - t) * np.eye(2) + t * weight, np.zeros(2))
        out = layer(inputs)  # (5, 2)
        records.append({"stage": stage, "t": float(t), "weight": layer.weight.data.copy(),
                        "bias": layer.bias.data.copy() if layer.bias is not None else None, "points": out[:-1],
                        "origin": out[-1], "input": points})  # fmt: skip
    if not np.allclose(records[-1]["points"], final(points)):
        raise StateError("animate_linear_map: the last frame differs from Linear's output")
    return records


def animate_linear_map(
    points: ArrayLike | None = None,
    weight: ArrayLike | None = None,
    bias: ArrayLike | None = None,
    *,
    lang: str = "en",
) -> Player:
    """Animate ``Linear(2, 2)`` on the corners of a quadrilateral: weight, then bias.

    Parameters
    ----------
    points : array_like, optional
        Shape (n, 2). Default: a quadrilateral (4 points).
    weight : array_like, optional
        Shape (2, 2).
    bias : array_like, optional
        Shape (2,).
    lang : {"en", "ko"}
    """
    check_lang("animate_linear_map", lang)
    pts = QUADRILATERAL if points is None else np.asarray(points, dtype=np.float64)
    w = WEIGHT if weight is None else np.asarray(weight, dtype=np.float64)
    b = BIAS if bias is None else np.asarray(bias, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 2 or w.shape != (2, 2) or b.shape != (2,):
        raise ArgumentError(
            "animate_linear_map: points must be (n, 2), weight (2, 2) and bias (2,), got "
            f"{pts.shape}, {w.shape} and {b.shape}"
        )
    text = section(lang, "animate.linear")
    records = linear_records(pts, w, b)
    fig, ax = plt.subplots(figsize=(6.4, 5.0), dpi=DPI)
    fig.subplots_adjust(left=0.08, right=0.7, top=0.9, bottom=0.08)
    every = np.vstack([r["points"] for r in records] + [r["origin"][None] for r in records])
    lo, hi = every.min(axis=0) - 0.8, every.max(axis=0) + 0.8

    def draw(rec: dict[str, Any]) -> None:
        reset(fig)
        ax.set_xlim(lo[0], hi[0])
        ax.set_ylim(lo[1], hi[1])
        ax.set_aspect("equal")
        ax.grid(True, color="#ddd", lw=0.6)
        ax.axhline(0, color="#999", lw=0.8)
        ax.axvline(0, color="#999", lw=0.8)
        ax.add_patch(Polygon(rec["input"], closed=True, fill=False, ls="--", ec="#888",
                             label=text["before"]))  # fmt: skip
        ax.add_patch(Polygon(rec["points"], closed=True, fc="#cfe2f3", ec="#1f77b4", lw=2))
        for n, (px, py) in enumerate(rec["points"]):
            ax.plot(px, py, "o", color="#1f77b4")
            ax.text(px + 0.1, py + 0.1, f"({_fmt(px)}, {_fmt(py)})", fontsize=9,
                    gid=f"point[{n}]")  # fmt: skip
        ox, oy = rec["origin"]
        ax.plot(ox, oy, "s", color=CURRENT, ms=8)
        ax.text(ox + 0.1, oy - 0.25, f"({_fmt(ox)}, {_fmt(oy)})", fontsize=9, color=CURRENT,
                gid="origin")  # fmt: skip
        ax.set_title(text[rec["stage"]], fontsize=11)
        (w00, w01), (w10, w11) = rec["weight"]
        fig.text(0.73, 0.62, f"W =\n[{_fmt(w00)}  {_fmt(w01)}]\n[{_fmt(w10)}  {_fmt(w11)}]",
                 fontsize=11, family="monospace", gid="weight")  # fmt: skip
        fig.text(0.73, 0.45, f"b = [{_fmt(rec['bias'][0])}  {_fmt(rec['bias'][1])}]",
                 fontsize=11, family="monospace", gid="bias")  # fmt: skip
        fig.text(0.73, 0.3, "y = x Wᵀ + b", fontsize=11, family="monospace")
        ax.text(0.02, 0.02, text["origin"], transform=ax.transAxes, fontsize=8, color=CURRENT)

    return Player(fig, draw, records, lang=lang, alt=text["alt"])
