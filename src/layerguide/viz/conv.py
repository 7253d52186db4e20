"""Chapter 3's figures and tables: convolution, stride and padding, kernels, max pooling.

Every function takes ``lang="en"|"ko"`` and draws its labels in that language; it returns
the matplotlib Figure (or a :class:`~layerguide.viz.table.Table`) it made. The numbers come in
from the page, which computes them with the layers; nothing here computes a result.
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
from layerguide.kernels import KERNEL_ORDER, kernel_label
from layerguide.viz.table import Table

__all__ = [
    "conv_formula_table",
    "kernel_names",
    "show_feature_maps",
    "show_kernel_gallery",
    "show_learned_filters",
    "show_pixel_by_hand",
    "show_pooling",
    "show_window_counts",
]


def _t(lang: str, key: str, **values: Any) -> str:
    """One label of this module in ``lang`` (the catalogue's ``[viz.conv]`` table)."""
    return text(lang, f"viz.conv.{key}", **values)


def kernel_names(lang: str = "en") -> dict[str, str]:
    """The kernel gallery's names in ``lang`` (:func:`layerguide.kernels.kernel_label`).

    >>> kernel_names("ko")["sobel_x"]
    'x 방향 소벨'
    """
    check_lang("kernel_names", lang)
    return {name: kernel_label(name, lang) for name in KERNEL_ORDER}


def _numbers(ax: Any, grid: NDArray[Any], fmt: str = "{:g}", size: float = 12) -> None:
    """Write every value of a 2-D grid in its cell: white on dark cells, black on light ones."""
    image = ax.get_images()[-1]
    for (row, col), value in np.ndenumerate(grid):
        red, green, blue, _ = image.cmap(image.norm(value))
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        ax.text(
            col,
            row,
            fmt.format(value),
            ha="center",
            va="center",
            fontsize=size,
            color="white" if dark else "black",
        )


def _bare(ax: Any) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


def show_feature_maps(
    image: NDArray[Any],
    maps: Sequence[NDArray[Any]],
    settings: Sequence[tuple[int, int]],
    *,
    lang: str = "en",
    vmax: float = 2.0,
) -> Figure:
    """The (1, 1, H, W) input and one feature map per (stride, padding), shapes in the titles."""
    check_lang("show_feature_maps", lang)
    if len(maps) != len(settings):
        raise ArgumentError(
            f"show_feature_maps: {len(maps)} maps but {len(settings)} (stride, padding) settings"
        )
    n = len(maps) + 1
    fig, axes = plt.subplots(1, n, figsize=(2.8 * n, 3.4), layout="constrained")
    axes[0].imshow(image[0, 0], cmap="gray")
    axes[0].set_title(f"{_t(lang, 'input')}\n{tuple(image.shape[2:])}")
    for ax, (s, p), fmap in zip(axes[1:], settings, maps, strict=True):
        ax.imshow(fmap[0, 0], cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        ax.set_title(f"{_t(lang, 'setting', s=s, p=p)}\n{tuple(fmap.shape[2:])}")
    for ax in axes:
        ax.set_axis_off()
    return fig


def conv_formula_table(k: int, rows: Sequence[Sequence[int]], *, lang: str = "en") -> Table:
    """Output heights for a k × k kernel, one row per setting, as a table in ``lang``.

    Each row is (n, stride, padding, dilation, p_h, d2l, PyTorch, layer): the input size,
    the setting, the total padding, both formulas' results and the layer's own
    ``output_shape``.
    """
    check_lang("conv_formula_table", lang)
    keys = ("n", "s", "pad", "d", "p_h", "d2l", "torch", "layer")
    if any(len(r) != len(keys) for r in rows):
        raise ArgumentError(f"conv_formula_table: every row needs {len(keys)} values ({keys})")
    return Table(
        [_t(lang, key) for key in keys],
        [list(r) for r in rows],
        caption=_t(lang, "caption", k=k),
    )


def show_pixel_by_hand(
    patch: NDArray[Any], kernel: NDArray[Any], layer_value: float, *, lang: str = "en"
) -> Figure:
    """The 3 × 3 patch, the kernel, their nine products; the sum next to the layer's value."""
    check_lang("show_pixel_by_hand", lang)
    patch, kernel = np.asarray(patch, dtype=float), np.asarray(kernel, dtype=float)
    if patch.shape != kernel.shape or patch.ndim != 2:
        raise ArgumentError(
            f"show_pixel_by_hand: patch {patch.shape} and kernel {kernel.shape} "
            "must be 2-D and of the same shape"
        )
    products = patch * kernel
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.9), layout="constrained")
    panels = [
        (patch, "patch", "Greys_r", "{:.2f}"),
        (kernel, "kernel", "RdBu_r", "{:g}"),
        (products, "products", "RdBu_r", "{:+.2f}"),
    ]
    for ax, (grid, key, cmap, fmt) in zip(axes, panels, strict=True):
        lim = float(np.abs(grid).max()) or 1.0
        ax.imshow(grid, cmap=cmap, vmin=0 if cmap == "Greys_r" else -lim, vmax=lim)
        _numbers(ax, grid, fmt)
        ax.set_title(_t(lang, key))
        _bare(ax)
    fig.suptitle(_t(lang, "by_hand", total=float(products.sum()), layer=float(layer_value)))
    return fig


def show_kernel_gallery(
    kernels: Mapping[str, NDArray[Any]], results: NDArray[Any], *, lang: str = "en"
) -> Figure:
    """Each kernel's 3 × 3 numbers above its result; ``results`` is (1, K, H, W)."""
    check_lang("show_kernel_gallery", lang)
    names = kernel_names(lang)
    if results.ndim != 4 or results.shape[1] != len(kernels):
        raise ArgumentError(
            f"show_kernel_gallery: results must be (1, {len(kernels)}, H, W), got {results.shape}"
        )
    n = len(kernels)
    cols = (n + 1) // 2
    fig, axes = plt.subplots(
        4, cols, figsize=(2.6 * cols, 11), layout="constrained", height_ratios=[1, 2.2, 1, 2.2]
    )
    for i, (key, kernel) in enumerate(kernels.items()):
        top, bottom = axes[2 * (i // cols), i % cols], axes[2 * (i // cols) + 1, i % cols]
        lim = float(np.abs(kernel).max()) or 1.0
        top.imshow(kernel, cmap="RdBu_r", vmin=-lim, vmax=lim)
        _numbers(top, kernel, "{:.3g}", size=9)
        top.set_title(names.get(key, key))
        _bare(top)
        bottom.imshow(np.clip(results[0, i], *_range(key, results[0, i])), cmap="gray")
        bottom.set_axis_off()
    for i in range(n, 2 * cols):  # an odd number of kernels leaves one slot empty
        axes[2 * (i // cols), i % cols].set_axis_off()
        axes[2 * (i // cols) + 1, i % cols].set_axis_off()
    return fig


def _range(key: str, result: NDArray[Any]) -> tuple[float, float]:
    """Display range: [0, 1] for kernels that keep brightness, symmetric for edge kernels."""
    if key in ("sobel_x", "sobel_y", "laplacian"):
        lim = float(np.percentile(np.abs(result), 99)) or 1.0
        return -lim, lim
    return 0.0, 1.0


def show_window_counts(
    counts: Sequence[NDArray[Any]], paddings: Sequence[int], k: int, *, lang: str = "en"
) -> Figure:
    """Heat maps: in how many windows each input pixel takes part, one per padding."""
    check_lang("show_window_counts", lang)
    if len(counts) != len(paddings):
        raise ArgumentError(
            f"show_window_counts: {len(counts)} count maps but {len(paddings)} paddings"
        )
    top = max(float(np.max(c)) for c in counts)
    fig, axes = plt.subplots(
        1, len(counts), figsize=(4.6 * len(counts), 4.6), layout="constrained", squeeze=False
    )
    for ax, grid, p in zip(axes[0], counts, paddings, strict=True):
        ax.imshow(grid, cmap="viridis", vmin=0, vmax=top)
        _numbers(ax, np.asarray(grid), "{:.0f}", size=10)
        ax.set_title(_t(lang, "counts", k=k, p=p))
        _bare(ax)
    return fig


def show_learned_filters(
    learned: NDArray[Any],
    hand: Mapping[str, NDArray[Any]],
    likeness: Sequence[tuple[str, float]],
    *,
    lang: str = "en",
) -> Figure:
    """Learned (n, 3, 3) filters, each with its nearest hand-set kernel, above the hand-set ones."""
    check_lang("show_learned_filters", lang)
    if len(likeness) != len(learned):
        raise ArgumentError(
            f"show_learned_filters: {len(learned)} filters but {len(likeness)} likeness entries"
        )
    names = kernel_names(lang)
    cols = max(len(hand), 1)
    rows = (len(learned) + cols - 1) // cols
    fig = plt.figure(figsize=(1.9 * cols, 2.2 * (rows + 1) + 0.6), layout="constrained")
    parts: Any = fig.subfigures(2, 1, height_ratios=[rows, 1.15])
    top, bottom = parts
    top.suptitle(_t(lang, "learned"))
    bottom.suptitle(_t(lang, "hand"))
    upper = top.subplots(rows, cols, squeeze=False)
    lower = bottom.subplots(1, cols, squeeze=False)[0]
    for ax in [*upper.ravel(), *lower]:
        _bare(ax)
        ax.set_frame_on(False)
    for i, (w, (name, cos)) in enumerate(zip(learned, likeness, strict=True)):
        ax = upper[i // cols, i % cols]
        lim = float(np.abs(w).max()) or 1.0
        ax.imshow(w, cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_title(_t(lang, "like", name=names.get(name, name), cos=cos), fontsize=8)
    for ax, (key, kernel) in zip(lower, hand.items(), strict=False):
        lim = float(np.abs(kernel).max()) or 1.0
        ax.imshow(kernel, cmap="RdBu_r", vmin=-lim, vmax=lim)
        ax.set_title(names.get(key, key), fontsize=8)
    return fig


def show_pooling(
    x: NDArray[Any],
    pooled: NDArray[Any],
    indices: NDArray[Any],
    restored: NDArray[Any],
    *,
    lang: str = "en",
) -> Figure:
    """Max pooling on a (1, 1, 4, 4) map: input with the winners outlined, pooled, unpooled."""
    check_lang("show_pooling", lang)
    fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), layout="constrained")
    panels = [(x[0, 0], "pool_in"), (pooled[0, 0], "pooled"), (restored[0, 0], "unpooled")]
    for ax, (grid, key) in zip(axes, panels, strict=True):
        ax.imshow(grid, cmap="Blues", vmin=0, vmax=1.5 * float(np.max(x)))
        _numbers(ax, grid, size=14)
        ax.set_title(_t(lang, key))
        _bare(ax)
    width = x.shape[-1]
    for (row, col), index in np.ndenumerate(indices[0, 0]):
        axes[1].text(col, row + 0.3, _t(lang, "index", i=int(index)), ha="center", fontsize=8)
        r, c = divmod(int(index), width)
        axes[0].add_patch(
            Rectangle((c - 0.45, r - 0.45), 0.9, 0.9, fill=False, lw=2.5, color="tab:orange")
        )
    return fig
