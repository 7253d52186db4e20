"""Chapter 1's figure helpers. Each returns the matplotlib Figure it made.

Titles are passed in by the caller (already in the page's language); the words a helper
adds itself, such as "shape = …" under a title, follow ``lang`` ("en" or "ko"), so the same
helper serves the Korean and the English page.
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

#: The widest figure worth drawing in inches (the text column is about 1,100 px wide).
MAX_WIDTH_IN = 11.0


def show_image(
    image: NDArray[Any], title: str, *, lang: str = "en", figsize: tuple[float, float] = (4, 4.5)
) -> Figure:
    """Show one (H, W, C) or (H, W) image with its shape in the title."""
    word = text(check_lang("show_image", lang), "viz.figures.shape")
    fig, ax = plt.subplots(figsize=figsize, layout="constrained")
    ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
    ax.set_title(f"{title}\n{word} = {tuple(image.shape)}")
    ax.set_axis_off()
    return fig


def show_channels(
    chw: NDArray[Any],
    names: Sequence[str],
    *,
    lang: str = "en",
    cmaps: Sequence[str] = ("Reds", "Greens", "Blues"),
) -> Figure:
    """Draw each channel of a (C, H, W) array as its own panel.

    >>> fig = show_channels(np.zeros((3, 4, 5)), ["R", "G", "B"])
    >>> len(fig.axes)
    3
    """
    word = text(check_lang("show_channels", lang), "viz.figures.shape")
    if chw.ndim != 3:
        raise ArgumentError(f"show_channels: chw must have 3 axes (C, H, W), got shape {chw.shape}")
    if len(names) != chw.shape[0]:
        raise ArgumentError(
            f"show_channels: got {len(names)} names for {chw.shape[0]} channels (shape {chw.shape})"
        )
    c = chw.shape[0]
    fig, axes = plt.subplots(1, c, figsize=(3.2 * c, 3.8), layout="constrained", squeeze=False)
    for i, ax in enumerate(axes[0]):
        ax.imshow(
            chw[i], cmap=cmaps[i % len(cmaps)], vmin=0, vmax=255 if chw.dtype == np.uint8 else 1
        )
        ax.set_title(f"{names[i]}\n{word} = {tuple(chw[i].shape)}")
        ax.set_axis_off()
    return fig


def show_sizes(labels: Sequence[str], sizes: Sequence[int], *, xlabel: str, title: str) -> Figure:
    """Horizontal bars of sizes in bytes on a log scale, each annotated with its value."""
    if len(labels) != len(sizes):
        raise ArgumentError(f"show_sizes: {len(labels)} labels but {len(sizes)} sizes")
    from layerguide.shapes import format_bytes

    fig, ax = plt.subplots(figsize=(8, 0.7 * len(labels) + 1.5), layout="constrained")
    y = np.arange(len(labels))
    ax.barh(y, sizes, color="#4c72b0")
    ax.set_xscale("log")
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    for yi, size in zip(y, sizes, strict=True):
        ax.text(size * 1.3, float(yi), format_bytes(int(size)), va="center")
    ax.set_xlim(right=max(sizes) * 5e3)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return fig


def show_side_by_side(
    images: Sequence[NDArray[Any]], titles: Sequence[str], *, lang: str = "en"
) -> Figure:
    """Several images in one row, each titled with its shape."""
    word = text(check_lang("show_side_by_side", lang), "viz.figures.shape")
    n = len(images)
    # No wider than the page's text column (about 1,100 px at 100 dpi): wider pixels are only
    # scaled away by the browser, and photos make them expensive.
    scale = min(1.0, MAX_WIDTH_IN / (3.6 * n))
    fig, axes = plt.subplots(
        1, n, figsize=(3.6 * n * scale, 4 * scale), layout="constrained", squeeze=False
    )
    for ax, image, title in zip(axes[0], images, titles, strict=True):
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None)
        ax.set_title(f"{title}\n{word} = {tuple(image.shape)}")
        ax.set_axis_off()
    return fig
