"""Figures and tables of chapters 5 and 6 (the autoencoder and its decoders), in en or ko.

Every function takes ``lang`` ("en" or "ko") and draws all of its labels in that language;
figures are returned as matplotlib Figures, tables as :class:`~layerguide.viz.table.Table`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike, NDArray

from layerguide.errors import ArgumentError
from layerguide.i18n import check_lang, section
from layerguide.viz.table import Table

__all__ = [
    "decoder_name",
    "decoder_table",
    "fits_table",
    "show_checkerboard",
    "show_code",
    "show_conv_matrix",
    "show_overlaps",
    "show_reconstructions",
    "show_training_curve",
    "show_upsampling",
    "size_table",
]


def _words(where: str, lang: str) -> dict[str, str]:
    return section(check_lang(where, lang), "viz.autoencoder")


def decoder_name(name: str, lang: str) -> str:
    """A decoder's (or row's) name for the reader: ``decoder_name("fc", "ko") == "완전 연결"``."""
    words = _words("decoder_name", lang)
    if name not in words:
        raise ArgumentError(f"decoder_name: unknown name {name!r}")
    return words[name]


def _bare(ax: Axes) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


def _annotate(
    ax: Axes, values: NDArray[Any], *, dark_above: float | None = None, fontsize: float = 8
) -> None:
    for (r, c), v in np.ndenumerate(values):
        color = "black" if dark_above is None or v >= dark_above else "white"
        ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=fontsize, color=color)


def show_reconstructions(rows: Mapping[str, ArrayLike], *, lang: str, n: int = 8) -> Figure:
    """One row of ``n`` digits per entry; keys are ``input``, ``output`` or decoder names."""
    words = _words("show_reconstructions", lang)
    fig, axes = plt.subplots(
        len(rows), n, figsize=(9, 1.15 * len(rows) + 0.5), squeeze=False, layout="constrained"
    )
    for r, (name, images) in enumerate(rows.items()):
        array = np.asarray(images)
        for i in range(n):
            axes[r, i].imshow(array[i, 0], cmap="gray", vmin=0, vmax=1)
            _bare(axes[r, i])
        axes[r, 0].set_ylabel(decoder_name(name, lang), rotation=0, ha="right", va="center")
    fig.suptitle(words["recon_title"])
    return fig


def show_code(code: ArrayLike, *, lang: str) -> Figure:
    """A (C, H, W) code as C small panels."""
    words, array = _words("show_code", lang), np.asarray(code)
    fig, axes = plt.subplots(1, len(array), figsize=(9, 1.9), squeeze=False, layout="constrained")
    for c, ax in enumerate(axes[0]):
        ax.imshow(array[c], cmap="coolwarm")
        ax.set_title(words["channel"].format(c=c), fontsize=8)
        _bare(ax)
    fig.suptitle(words["code_title"].format(shape=tuple(array.shape)))
    return fig


def show_training_curve(
    losses: ArrayLike,
    *,
    test_bce: float,
    floor: float,
    batch_size: int,
    lang: str,
    window: int = 20,
) -> Figure:
    """Loss of every step, its running average, the final test BCE and the BCE floor."""
    words, y = _words("show_training_curve", lang), np.asarray(losses, dtype=float)
    steps = np.arange(1, len(y) + 1)
    fig, ax = plt.subplots(figsize=(8, 3.8), layout="constrained")
    ax.plot(steps, y, color="#9ecae1", lw=0.8, label=words["per_step"])
    if len(y) >= window:
        smooth = np.convolve(y, np.ones(window) / window, mode="valid")
        ax.plot(
            steps[window - 1 :],
            smooth,
            color="#08519c",
            lw=2,
            label=words["smooth"].format(n=window),
        )
    ax.axhline(test_bce, color="#d95f02", ls="--", label=words["test"].format(v=test_bce))
    ax.axhline(floor, color="black", ls=":", label=words["floor"].format(v=floor))
    ax.set_yscale("log")
    ax.set_xlabel(words["step"])
    ax.set_ylabel(words["loss"])
    ax.set_title(words["curve_title"].format(steps=len(y), batch=batch_size))
    ax.legend(loc="upper right", fontsize=9)
    return fig


def show_upsampling(panels: Mapping[str, ArrayLike], *, lang: str) -> Figure:
    """Small maps side by side with their values; keys ``input`` or decoder names."""
    check_lang("show_upsampling", lang)
    fig, axes = plt.subplots(
        1, len(panels), figsize=(2.6 * len(panels), 3), squeeze=False, layout="constrained"
    )
    for ax, (name, t) in zip(axes[0], panels.items(), strict=True):
        values = np.asarray(t).reshape(np.shape(t)[-2:])
        ax.imshow(values, cmap="Blues", vmin=0, vmax=4.5)
        _annotate(ax, values, fontsize=11)
        ax.set_title(f"{decoder_name(name, lang)} {values.shape}", fontsize=10)
        _bare(ax)
    return fig


def show_overlaps(counts: Mapping[int, ArrayLike], *, lang: str) -> Figure:
    """Heat maps of how many kernel copies land on each pixel, one per kernel size."""
    words = _words("show_overlaps", lang)
    fig, axes = plt.subplots(
        1, len(counts), figsize=(3.6 * len(counts), 3.6), squeeze=False, layout="constrained"
    )
    for ax, (k, c) in zip(axes[0], counts.items(), strict=True):
        values = np.asarray(c)
        ax.imshow(values, cmap="magma", vmin=0, vmax=4)
        _annotate(ax, values, dark_above=3)
        ax.set_title(words["overlap_title"].format(k=k), fontsize=10)
        _bare(ax)
    return fig


def show_conv_matrix(matrix: ArrayLike, *, lang: str) -> Figure:
    """The matrix of a small convolution, every entry written in its cell."""
    words, values = _words("show_conv_matrix", lang), np.asarray(matrix)
    fig, ax = plt.subplots(figsize=(9, 2.6), layout="constrained")
    ax.imshow(values, cmap="Greens", vmin=0, vmax=values.max() * 1.3)
    _annotate(ax, values)
    ax.set_xticks(range(values.shape[1]))
    ax.set_yticks(range(values.shape[0]))
    ax.set_xlabel(words["matrix_x"])
    ax.set_ylabel(words["matrix_y"])
    ax.set_title(words["matrix_title"].format(shape=values.shape))
    return fig


def show_checkerboard(
    images: Mapping[str, ArrayLike], ratios: Mapping[str, float], *, lang: str
) -> Figure:
    """The halved input and its three upsamplings, each titled with its phase ratio."""
    words = _words("show_checkerboard", lang)
    fig, axes = plt.subplots(
        1, len(images), figsize=(3.2 * len(images), 3.8), squeeze=False, layout="constrained"
    )
    for ax, (key, image) in zip(axes[0], images.items(), strict=True):
        array = np.asarray(image)
        ax.imshow(array, cmap="gray", vmin=0, vmax=1.2)
        title = words["half"].format(shape=array.shape) if key == "input" else words[key]
        if key in ratios:
            title += "\n" + words["ratio"].format(r=ratios[key])
        ax.set_title(title, fontsize=9)
        _bare(ax)
    return fig


def decoder_table(
    infos: Mapping[str, Mapping[str, Any]],
    families: Mapping[str, str],
    budget: Any,
    *,
    n_test: int,
    lang: str,
) -> Table:
    """One row per trained decoder: family, parameters, test losses, training time.

    ``budget`` is the :class:`~layerguide.autoencoder.train_config.TrainConfig` they were
    trained with; its ``steps`` and ``batch_size`` go in the caption.
    """
    words = _words("decoder_table", lang)
    steps, batch_size = getattr(budget, "steps", None), getattr(budget, "batch_size", None)
    if not isinstance(steps, int) or not isinstance(batch_size, int):
        raise ArgumentError(
            f"decoder_table: budget needs integer steps and batch_size, got {budget!r}"
        )
    rows = []
    for name, info in infos.items():
        label = decoder_name(name, lang)
        if name == "max_unpool":
            label = words["indices"].format(name=label)
        rows.append(
            [
                label,
                words[families[name]],
                int(info["params"]),
                round(float(info["test_bce"]), 4),
                round(float(info["test_mse"]), 5),
                round(float(info["seconds"]), 1),
            ]
        )
    header = [words[h] for h in ("decoder", "family", "params", "test_bce", "test_mse", "seconds")]
    caption = words["decoder_caption"].format(steps=steps, batch=batch_size, n=n_test)
    return Table(header, rows, caption=caption)


def size_table(rows: Sequence[Sequence[int]], *, lang: str) -> Table:
    """Rows of (n, k, s, p, output_padding, d, formula, layer) output sizes."""
    words = _words("size_table", lang)
    header = [words[h] for h in ("n", "k", "s", "p", "op", "d", "formula", "layer")]
    return Table(header, rows, caption=words["size_caption"])


def fits_table(fits: Sequence[Sequence[int]], *, lang: str) -> Table:
    """Rows of (kernel size, padding, output_padding, output size) that give 7 × 7."""
    words = _words("fits_table", lang)
    header = [words["k"], words["p"], words["op"], words["layer"]]
    return Table(header, [list(f) for f in fits], caption=words["fits_caption"])
