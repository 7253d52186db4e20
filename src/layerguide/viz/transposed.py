"""Chapter 6's figure of a transposed convolution computed as an ordinary convolution.

Drawn in the style of the transposed-convolution animation
(:func:`~layerguide.viz.animate.animate_transposed_convolution`): numbered grid cells, padding in grey, the
input's values in the colour of a window, the first window and its output cell outlined.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from layerguide.errors import ArgumentError
from layerguide.i18n import check_lang, section
from layerguide.lesson.transposed import AsConvolution
from layerguide.viz.animate._player import FILLED, PAD, WINDOW, frame_axes, grid, outline

__all__ = ["show_as_convolution"]


def show_as_convolution(view: AsConvolution, *, lang: str) -> Figure:
    """Input, zero-inserted and padded input, flipped kernel, output: four grids in a row.

    ``view`` is what :func:`layerguide.lesson.transposed.as_convolution` returned; sample 0
    and channel 0 (in and out) are drawn. Cells of ``view.padded`` that hold an input value
    are coloured, inserted zeros are white, padding is grey.
    """
    text = section(check_lang("show_as_convolution", lang), "viz.transposed")
    if not isinstance(view, AsConvolution):
        raise ArgumentError(
            f"show_as_convolution: view must be an AsConvolution, got {type(view).__name__}"
        )
    image, padded, stride = view.input[0, 0], view.padded[0, 0], view.stride
    kernel, out = view.kernel[0, 0], view.output[0, 0]
    (top, bottom), k = view.pad, kernel.shape[0]
    fig, axes = plt.subplots(
        1, 4, figsize=(11, 3.6), gridspec_kw={"width_ratios": [3, 7, 3, 5]}, layout="constrained"
    )
    for ax in axes:
        ax.set_axis_off()
        ax.set_aspect("equal")
    ax_in, ax_pad, ax_k, ax_out = axes
    biggest = padded.shape[0]

    grid(ax_in, image, name="input", faces=np.full(image.shape, WINDOW, dtype=object))
    frame_axes(
        ax_in, image.shape[1], biggest, text["input"].format(h=image.shape[0], w=image.shape[1])
    )

    faces = np.full(padded.shape, PAD, dtype=object)
    h_in, w_in = view.inserted.shape[2:]
    faces[top : top + h_in, top : top + w_in] = "#ffffff"
    faces[top : top + h_in : stride, top : top + w_in : stride] = WINDOW
    grid(ax_pad, padded, name="padded", faces=faces, fontsize=9)
    outline(ax_pad, 0, 0, k, k)
    title = text["padded"].format(
        s=stride, top=top, bottom=bottom, h=padded.shape[0], w=padded.shape[1]
    )
    frame_axes(ax_pad, padded.shape[1], biggest, title)

    grid(ax_k, kernel, name="kernel", faces=np.full(kernel.shape, "#f3f3f3", dtype=object))
    frame_axes(ax_k, k, biggest, text["kernel"].format(k=k))

    grid(ax_out, out, name="output", faces=np.full(out.shape, FILLED, dtype=object), fontsize=10)
    outline(ax_out, 0, 0, 1, 1)
    frame_axes(ax_out, out.shape[1], biggest, text["output"].format(h=out.shape[0], w=out.shape[1]))

    fig.suptitle(text["title"].format(k=k, s=stride, p=view.padding, op=view.output_padding))
    return fig
