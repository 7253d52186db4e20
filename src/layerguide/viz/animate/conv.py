"""The convolution window sliding over a padded input, one output value per frame."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from layerguide.errors import ArgumentError, StateError
from layerguide.i18n import check_lang, section
from layerguide.layers import Conv2d
from layerguide.viz.animate._player import (
    CURRENT,
    FILLED,
    PAD,
    WINDOW,
    Player,
    frame_axes,
    grid,
    new_figure,
    outline,
    reset,
)

# (kernel_size, stride, padding, dilation): the settings the chapter compares.
CONV_SETTINGS: tuple[tuple[int, int, int, int], ...] = (
    (3, 1, 0, 1),
    (3, 1, 1, 1),
    (3, 2, 1, 1),
    (3, 1, 1, 2),
)
CONV_INPUT = np.array([[1, 2, 0, 1], [0, 1, 3, 1], [2, 1, 0, 2], [1, 0, 1, 3]], dtype=np.float64)
CONV_KERNEL = np.array([[0, 1, 2], [2, 2, 0], [0, 1, 2]], dtype=np.float64)


def _fmt(v: float) -> str:
    return f"{v:g}"


def convolution_records(
    x: NDArray[np.floating], kernel: NDArray[np.floating], settings: Sequence[Sequence[int]]
) -> list[dict[str, Any]]:
    """One record per output value: the window, its products, their sum and the output so far.

    The output comes from :class:`~layerguide.layers.Conv2d`; the window is read from the
    input padded with the layer's own ``padding``, and its sum must equal the layer's value.
    """
    records = []
    for setting in settings:
        k, s, p, d = (int(v) for v in setting)
        layer = Conv2d(
            1, 1, k, stride=s, padding=p, dilation=d, bias=False, dtype=np.float64, rng=0
        )
        layer.weight.data[0, 0] = kernel
        out = layer(x[None, None])[0, 0]  # (H_out, W_out)
        ph, pw = layer.padding
        xp = np.pad(x, ((ph, ph), (pw, pw)))  # the zeros the layer adds
        (sh, sw), (dh, dw) = layer.stride, layer.dilation
        weight = layer.weight.data[0, 0]
        so_far = np.full(out.shape, np.nan)
        for (i, j), value in np.ndenumerate(out):
            rows = i * sh + dh * np.arange(k)
            cols = j * sw + dw * np.arange(k)
            window = xp[np.ix_(rows, cols)]
            products = window * weight
            if not np.isclose(products.sum(), value):
                raise StateError(
                    f"animate_convolution: window sum {products.sum()} differs from "
                    f"Conv2d's output {value} at {(i, j)}"
                )
            so_far[i, j] = value
            records.append(
                {
                    "setting": (k, s, p, d),
                    "padded": xp,
                    "padding": (ph, pw),
                    "cell": (i, j),
                    "rows": rows,
                    "cols": cols,
                    "window": window,
                    "weight": weight,
                    "products": products,
                    "sum": float(value),
                    "output": so_far.copy(),
                    "layer_output": out,
                }
            )
    return records


def animate_convolution(
    x: ArrayLike | None = None,
    kernel: ArrayLike | None = None,
    settings: Sequence[Sequence[int]] = CONV_SETTINGS,
    *,
    lang: str = "en",
) -> Player:
    """Animate a convolution: the window moves, multiplies, adds and fills the output.

    Parameters
    ----------
    x : array_like, optional
        Shape (H, W). The input; default a 4×4 grid of small integers.
    kernel : array_like, optional
        Shape (k, k). The weights; default a 3×3 grid of small integers. Its size must
        equal every setting's kernel size.
    settings : sequence of tuple
        Each (kernel_size, stride, padding, dilation), one sweep per setting; default
        (3, 1, 0, 1), (3, 1, 1, 1), (3, 2, 1, 1), (3, 1, 1, 2).
    lang : {"en", "ko"}
        Language of every label.

    Returns
    -------
    Player
        One frame per output value of every setting; ``records`` holds what each draws.
    """
    check_lang("animate_convolution", lang)
    x = CONV_INPUT if x is None else np.asarray(x, dtype=np.float64)
    kernel = CONV_KERNEL if kernel is None else np.asarray(kernel, dtype=np.float64)
    if x.ndim != 2 or kernel.ndim != 2 or kernel.shape[0] != kernel.shape[1]:
        raise ArgumentError(
            f"animate_convolution: x must be (H, W) and kernel (k, k), got shapes {x.shape} "
            f"and {kernel.shape}"
        )
    for setting in settings:
        if len(setting) != 4 or setting[0] != kernel.shape[0]:
            raise ArgumentError(
                "animate_convolution: each setting must be (kernel_size, stride, padding, "
                f"dilation) with kernel_size {kernel.shape[0]}, got {tuple(setting)}"
            )
    records = convolution_records(x, kernel, settings)
    text = section(lang, "animate.conv")
    fig, axes = new_figure((8.4, 3.5), 3)
    ax_in, ax_prod, ax_out = axes[0]
    fig.subplots_adjust(left=0.02, right=0.98, top=0.8, bottom=0.14, wspace=0.15)
    h, w = x.shape

    draw = partial(_draw_convolution, fig, (ax_in, ax_prod, ax_out), text, (h, w))
    return Player(fig, draw, records, lang=lang, alt=text["alt"])


def _draw_convolution(
    fig: Any,
    axes: tuple[Any, Any, Any],
    text: dict[str, str],
    hw: tuple[int, int],
    rec: dict[str, Any],
) -> None:
    """Draw one frame of :func:`animate_convolution`: input, products, output, the sum."""
    ax_in, ax_prod, ax_out = axes
    h, w = hw
    reset(fig)
    k, s, p, d = rec["setting"]
    xp = rec["padded"]
    ph, pw = rec["padding"]
    faces = np.full(xp.shape, "#ffffff", dtype=object)
    faces[:ph, :] = faces[xp.shape[0] - ph :, :] = PAD
    faces[:, :pw] = faces[:, xp.shape[1] - pw :] = PAD
    for r in rec["rows"]:
        for c in rec["cols"]:
            faces[r, c] = WINDOW
    grid(ax_in, xp, name="input", fmt=_fmt, faces=faces)
    for a, r in enumerate(rec["rows"]):
        for b, c in enumerate(rec["cols"]):
            ax_in.text(c + 0.93, r + 0.9, f"×{_fmt(rec['weight'][a, b])}", ha="right",
                       va="bottom", fontsize=7, color="#8a4b08")  # fmt: skip
            outline(ax_in, r, c, 1, 1)
    frame_axes(ax_in, xp.shape[1], xp.shape[0], text["input"].format(h=h, w=w, p=p))

    prod_faces = np.full(rec["products"].shape, WINDOW, dtype=object)
    grid(ax_prod, rec["products"], name="prod", fmt=_fmt, faces=prod_faces, fontsize=12)
    for (a, b), v in np.ndenumerate(rec["window"]):
        ax_prod.text(b + 0.5, a + 0.2, f"{_fmt(v)}×{_fmt(rec['weight'][a, b])}",
                     ha="center", va="center", fontsize=9, color="#555")  # fmt: skip
    frame_axes(ax_prod, k, k, text["products"])

    out = rec["output"]
    out_faces = np.where(np.isnan(out), "#ffffff", FILLED).astype(object)
    grid(ax_out, out, name="out", fmt=_fmt, faces=out_faces, fontsize=12)
    i, j = rec["cell"]
    outline(ax_out, i, j, 1, 1)
    frame_axes(ax_out, out.shape[1], out.shape[0],
               text["output"].format(h=out.shape[0], w=out.shape[1]))  # fmt: skip
    ax_out.set_xlim(-0.1, xp.shape[1] + 0.1)  # output cells as large as the input's
    ax_out.set_ylim(xp.shape[0] + 0.1, -0.1)

    fig.text(0.5, 0.93, text["setting"].format(k=k, s=s, p=p, d=d), ha="center",
             fontsize=12, gid="setting")  # fmt: skip
    terms = " + ".join(_fmt(v) for v in rec["products"].ravel())
    fig.text(0.5, 0.04, text["sum"].format(terms=terms, total=_fmt(rec["sum"])),
             ha="center", fontsize=11, color=CURRENT, gid="sum")  # fmt: skip
