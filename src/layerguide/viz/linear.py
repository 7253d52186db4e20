"""Chapter 2's figures: quadrilaterals, connection diagrams, fits and overfitting.

Every function takes ``lang`` ("en" or "ko") and draws all its labels in that language,
so both twins of the page make the same figure with one call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from numpy.typing import NDArray

from layerguide.errors import ArgumentError
from layerguide.i18n import check_lang, section
from layerguide.viz.table import Table

if TYPE_CHECKING:
    from layerguide.lesson.linear import Fit

__all__ = [
    "keras_table",
    "overfitting_table",
    "show_bias_fit",
    "show_collapse",
    "show_connections",
    "show_overfitting",
    "show_quadrilaterals",
    "show_training_steps",
]


def show_quadrilaterals(
    quads: Mapping[str, NDArray[np.floating]], values: Mapping[str, float], *, lang: str = "en"
) -> Figure:
    """Each (4, 2) quadrilateral as its four numbered points, titled with the number it became."""
    text = section(check_lang("show_quadrilaterals", lang), "viz.linear")
    fig, axes = plt.subplots(
        1, len(quads), figsize=(4 * len(quads), 4), layout="constrained", squeeze=False
    )
    for ax, (name, pts) in zip(axes[0], quads.items(), strict=True):
        if pts.shape != (4, 2):
            raise ArgumentError(
                f"show_quadrilaterals: {name!r} must have shape (4, 2), got {pts.shape}"
            )
        closed = np.vstack([pts, pts[:1]])
        ax.fill(closed[:, 0], closed[:, 1], alpha=0.2, color="#4c72b0")
        ax.plot(closed[:, 0], closed[:, 1], color="#4c72b0")
        for i, (x, y) in enumerate(pts):
            ax.annotate(f"{text['point']} {i}: ({x:g}, {y:g})", (x, y), textcoords="offset points",
                        xytext=(4, 6), fontsize=9)  # fmt: skip
        ax.scatter(pts[:, 0], pts[:, 1], color="#dd8452", zorder=3)
        ax.set_title(text["quad"].format(name=name, value=values[name]))
        ax.set_xlim(-0.5, 4)
        ax.set_ylim(-0.5, 3.2)
        ax.set_aspect("equal")
    return fig


def show_connections(layers: Sequence[tuple[int, int]], *, lang: str = "en") -> Figure:
    """One panel per (in, out) Linear layer without bias: one line per weight."""
    text = section(check_lang("show_connections", lang), "viz.linear")
    fig, axes = plt.subplots(
        1, len(layers), figsize=(3 * len(layers), 3), layout="constrained", squeeze=False
    )
    for ax, (n_in, n_out) in zip(axes[0], layers, strict=True):
        y_in, y_out = np.linspace(0, 1, n_in + 2)[1:-1], np.linspace(0, 1, n_out + 2)[1:-1]
        for a in y_in:
            for b in y_out:
                ax.plot([0, 1], [a, b], color="#4c72b0", lw=1.2)
        ax.scatter(np.zeros(n_in), y_in, s=250, color="#dd8452", zorder=3)
        ax.scatter(np.ones(n_out), y_out, s=250, color="#55a868", zorder=3)
        ax.set_title(text["weights"].format(n_in=n_in, n_out=n_out, count=n_in * n_out))
        ax.set_xlim(-0.3, 1.3)
        ax.set_axis_off()
    return fig


def show_bias_fit(
    x: NDArray[np.floating],
    y: NDArray[np.floating],
    with_bias: NDArray[np.floating],
    without_bias: NDArray[np.floating],
    *,
    lang: str = "en",
) -> Figure:
    """The points of y = 2x + 1 and the lines fitted with and without a bias."""
    text = section(check_lang("show_bias_fit", lang), "viz.linear")
    x, y = np.ravel(x), np.ravel(y)
    fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
    ax.scatter(x, y, color="black", s=15, label=text["data_line"])
    ax.plot(x, np.ravel(with_bias), label=text["with_bias"])
    ax.plot(x, np.ravel(without_bias), "--", label="Linear(1, 1, bias=False)")
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title(text["no_bias_title"])
    ax.legend()
    return fig


def show_training_steps(
    x: NDArray[np.floating],
    y: NDArray[np.floating],
    snapshots: Mapping[int, tuple[float, float]],
    *,
    lang: str = "en",
) -> Figure:
    """Small multiples: the fitted line y = w·x + b at each recorded step."""
    text = section(check_lang("show_training_steps", lang), "viz.linear")
    x, y = np.ravel(x), np.ravel(y)
    n = len(snapshots)
    fig, axes = plt.subplots(
        1, n, figsize=(2.6 * n, 2.8), layout="constrained", sharey=True, squeeze=False
    )
    for ax, (step, (w, b)) in zip(axes[0], snapshots.items(), strict=True):
        ax.scatter(x, y, color="black", s=6)
        ax.plot(x, w * x + b, color="#c44e52")
        ax.set_title(text["step"].format(step=step, w=w, b=b), fontsize=9)
        ax.set_xlabel("x")
    axes[0][0].set_ylabel("y")
    fig.suptitle(text["steps_title"])
    return fig


def show_overfitting(
    grid: NDArray[np.floating],
    x_train: NDArray[np.floating],
    y_train: NDArray[np.floating],
    fits: Mapping[str, tuple[int, Fit]],
    *,
    lang: str = "en",
) -> Figure:
    """Loss curves of several models (left) and each model's final curve (one panel each).

    ``fits`` maps a model's display name to ``(parameter count, Fit)``, where the ``Fit``
    comes from :func:`layerguide.lesson.linear.fit`.
    """
    text = section(check_lang("show_overfitting", lang), "viz.linear")
    g = np.ravel(grid)
    fig, axes = plt.subplots(
        1, 1 + len(fits), figsize=(4.6 * (1 + len(fits)), 4), layout="constrained"
    )
    for i, (name, (params, run)) in enumerate(fits.items()):
        if run.best_curve is None or run.last_curve is None:
            raise ArgumentError(f"show_overfitting: the fit of {name!r} has no model curves")
        color = f"C{i}"
        axes[0].plot(run.train, color=color, ls="--", label=text["train_loss"].format(name=name))
        axes[0].plot(run.held, color=color, label=text["held_loss"].format(name=name))
        ax = axes[1 + i]
        ax.plot(g, np.sin(3 * g), color="black", lw=1, label=text["true"])
        ax.plot(g, np.ravel(run.best_curve), color=color, ls=":",
                label=text["last"].format(name=name, step=run.best_step))  # fmt: skip
        ax.plot(g, np.ravel(run.last_curve), color=color,
                label=text["last"].format(name=name, step=len(run.held)))  # fmt: skip
        ax.scatter(np.ravel(x_train), np.ravel(y_train), color="black", zorder=3,
                   label=text["points"])  # fmt: skip
        ax.set_ylim(-2, 2)
        ax.set_xlabel("x")
        ax.set_title(text["curve_title"].format(name=name, params=params))
        ax.legend(fontsize=8)
    axes[0].set_yscale("log")
    axes[0].set_xlabel(text["step_axis"])
    axes[0].set_ylabel(text["loss_axis"])
    axes[0].set_title(text["loss_title"])
    axes[0].legend(fontsize=8)
    return fig


def overfitting_table(
    sizes: Mapping[str, int],
    runs: Mapping[str, Fit],
    data: Sequence[NDArray[np.floating]],
    *,
    lang: str = "en",
) -> Table:
    """One row per model of :func:`layerguide.lesson.linear.fit`: size, best and last losses.

    ``data`` is the (x_train, y_train, x_held, y_held) the models were fitted on; the caption
    counts its points and the steps.
    """
    words = section(check_lang("overfitting_table", lang), "viz.overfitting")
    header = [words[k] for k in ("model", "params", "best", "best_step", "train", "held")]
    if set(sizes) != set(runs):
        raise ArgumentError(
            f"overfitting_table: sizes and runs must name the same models, got {sorted(sizes)} "
            f"and {sorted(runs)}"
        )
    rows = [
        [n, sizes[n], min(r.held), r.best_step, r.train[-1], r.held[-1]] for n, r in runs.items()
    ]
    first = next(iter(runs.values()))
    caption = words["caption"].format(
        n_train=len(data[0]), n_held=len(data[2]), steps=len(first.held)
    )
    return Table(header, rows, caption=caption)


def show_collapse(
    product: NDArray[np.floating],
    points: NDArray[np.floating],
    targets: NDArray[np.floating],
    models: Mapping[str, Callable[[NDArray[np.floating]], NDArray[np.floating]]],
    *,
    lang: str = "en",
) -> Figure:
    """The collapsed weight of a bias-free stack (left), then each model's output on the plane.

    ``product`` is :func:`layerguide.lesson.linear.collapsed_weight`'s (points, 2) matrix;
    ``models`` maps ``"linear"`` and/or ``"relu"`` to a model of one (x, y) point, drawn as
    its output over the square around ``points``, with the targets as coloured dots.
    """
    text = section(check_lang("show_collapse", lang), "viz.collapse")
    unknown = set(models) - {"linear", "relu"}
    if unknown or points.shape[-1] != 2 or len(points) != len(targets):
        raise ArgumentError(
            f"show_collapse: models must be named 'linear'/'relu' (got {sorted(models)}), points "
            f"(N, 2) with one target each (got {points.shape}, {targets.shape})"
        )
    fig, axes = plt.subplots(
        1, 1 + len(models), figsize=(3.2 + 4 * len(models), 3.8), layout="constrained",
        gridspec_kw={"width_ratios": [0.75] + [1] * len(models)},
    )  # fmt: skip
    ax = axes[0]
    bound = float(np.abs(product).max())
    ax.imshow(product, cmap="RdBu", vmin=-bound, vmax=bound)
    for (i, j), v in np.ndenumerate(product):
        ax.text(j, i, f"{v:.3f}", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(product.shape[1]), ["x", "y"])
    ax.set_yticks(range(product.shape[0]), [f"{text['point']} {i}" for i in range(len(product))])
    rank = np.linalg.matrix_rank(product)
    ax.set_title(text["product"].format(shape=product.shape, rank=rank), fontsize=10)
    lo, hi = float(points.min()) - 0.5, float(points.max()) + 0.5
    grid = np.linspace(lo, hi, 61)
    xx, yy = np.meshgrid(grid, grid)
    plane = np.stack([xx.ravel(), yy.ravel()], axis=1)  # (61·61, 2)
    for ax, (kind, model) in zip(axes[1:], models.items(), strict=True):
        surface = np.asarray(model(plane.astype(np.float64))).reshape(xx.shape)
        shown = ax.imshow(surface, origin="lower", extent=(lo, hi, lo, hi), cmap="viridis",
                          vmin=-0.25, vmax=1.25)  # fmt: skip
        ax.scatter(points[:, 0], points[:, 1], c=np.ravel(targets), cmap="viridis", vmin=-0.25,
                   vmax=1.25, s=160, edgecolors="black", linewidths=1.5)  # fmt: skip
        for (x, y), t in zip(points, np.ravel(targets), strict=True):
            ax.annotate(f"{t:g}", (x, y), xytext=(9, 9), textcoords="offset points",
                        bbox={"boxstyle": "round", "fc": "white", "alpha": 0.8})  # fmt: skip
        mse = float(np.mean((np.asarray(model(points.astype(np.float64))) - targets) ** 2))
        ax.set_title(text[kind].format(mse=mse), fontsize=10)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
    fig.colorbar(shown, ax=axes[1:], shrink=0.8).ax.set_title(text["output"], fontsize=9)
    return fig


def keras_table(
    pairs: Sequence[tuple[str, str, tuple[int, ...], tuple[int, ...]]], *, lang: str = "en"
) -> Table:
    """The Keras ↔ PyTorch pairs of :func:`layerguide.lesson.linear.keras_pytorch_pairs`."""
    words = section(check_lang("keras_table", lang), "viz.keras")
    header = [words[k] for k in ("keras", "pytorch", "keras_shape", "pytorch_shape")]
    caption = words["caption"]
    rows = [[keras, torch, str(k), str(t)] for keras, torch, k, t in pairs]
    return Table(header, rows, caption=caption)
