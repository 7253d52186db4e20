r"""
Data shapes: images, batches and a 90-minute movie
==================================================

Deep learning is easiest to understand by watching data change :term:`shape`. Before any layer,
we need to know what shape the data has *to begin with*: a colour image is three numbers
per pixel, a :term:`batch` stacks images, and a movie stacks :term:`frames <frame>`. This chapter looks at each
one and counts its numbers without ever allocating the big ones.

To run this chapter yourself, install the package it uses (``pip install layerguide``).
How, and which version built this page: https://layerguide.github.io/layerguide/en/install.html
"""

# %%
# A real photograph
# -----------------
# matplotlib ships a photo of Grace Hopper, so this page needs no download.
# ``plt.imread`` returns it the way image files store pixels: height, width, then
# the three colour :term:`channels <channel>` — the **(H, W, C)** layout.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

from layerguide.shapes import Video, format_bytes, hwc_to_chw, nbytes
from layerguide.viz import show_channels, show_image, show_side_by_side, show_sizes, use_korean_font

LANG = "en"
use_korean_font()

with cbook.get_sample_data("grace_hopper.jpg") as f:
    image_hwc = plt.imread(f)

print("shape:", image_hwc.shape, " dtype:", image_hwc.dtype)
height, width, channels = image_hwc.shape
print(f"H = {height}, W = {width}, C = {channels}")
show_image(image_hwc, "(H, W, C): how image files and matplotlib store it", lang=LANG)

# %%
# Channels first: (C, H, W)
# -------------------------
# PyTorch layers expect the channel :term:`axis` first, **(C, H, W)**. Moving the axis does not
# change a single number; it changes how we index them. ``image_chw[0]`` is now the whole
# red channel, one (H, W) grid of brightness values.

image_chw = hwc_to_chw(image_hwc)
print("(H, W, C) →", image_hwc.shape, "   (C, H, W) →", image_chw.shape)
print("same red value at row 100, column 200:", image_hwc[100, 200, 0], image_chw[0, 100, 200])
show_channels(image_chw, ["Red channel", "Green channel", "Blue channel"], lang=LANG)

# %%
# The same data in NumPy and in torch
# -----------------------------------
# ``torch.tensor`` copies the NumPy array into a :term:`tensor`, and ``permute`` is the torch
# spelling of ``moveaxis``. Both libraries agree on every value; only the layout differs.
# Layers want floating-point numbers, so we also scale the bytes 0…255 to 0…1.

tensor_hwc = torch.tensor(image_hwc)
tensor_chw = tensor_hwc.permute(2, 0, 1).float() / 255
print("torch (H, W, C):", tuple(tensor_hwc.shape), tensor_hwc.dtype)
print("torch (C, H, W):", tuple(tensor_chw.shape), tensor_chw.dtype)
print("same values:", np.allclose(tensor_chw.numpy(), image_chw / 255))

# %%
# A batch: (N, C, H, W)
# ---------------------
# Layers process many :term:`samples <sample>` at once. Stacking N images adds one axis in front. Here
# is a batch of four: the photo, its mirror image, its upside-down copy and its negative.

batch = torch.stack([tensor_chw, tensor_chw.flip(2), tensor_chw.flip(1), 1 - tensor_chw])
n, c, h, w = batch.shape
print("batch shape (N, C, H, W):", tuple(batch.shape))
print("numbers in the batch:", batch.numel(), "=", n, "×", c, "×", h, "×", w)
show_side_by_side(
    [img.permute(1, 2, 0).numpy() for img in batch],
    ["batch[0]", "batch[1]: mirrored", "batch[2]: upside down", "batch[3]: negative"],
    lang=LANG,
)

# %%
# Why the order of H and W matters
# --------------------------------
# A shape is not just a count of numbers: it tells every layer how to walk through them.
# The same 600 × 512 = 307,200 grey values, read with the axes in the wrong order
# (``reshape`` to (W, H) instead of (H, W)), give a picture that is sheared into
# stripes — nothing is lost, but every row now starts in the wrong place. Swapping the
# axes properly (a transpose) keeps every pixel's neighbours: it flips the picture across its
# main diagonal, so the top row becomes the left column. That is not a rotation — it is a
# rotation by a quarter turn *and* a mirror, which is why the face looks mirrored.

grey = image_hwc.mean(axis=2)
wrong_order = grey.reshape(width, height)
transposed = grey.T
print("grey:", grey.shape, " reshape(W, H):", wrong_order.shape, " transpose:", transposed.shape)
show_side_by_side(
    [grey, wrong_order, transposed],
    ["(H, W) as stored", "reshape to (W, H): scrambled", "transpose to (W, H): flipped"],
    lang=LANG,
)

# %%
# The lesson's movie: (T, C, H, W)
# --------------------------------
# The lesson asks us to picture a black-and-white movie: 1280 × 1024 pixels, 30 frames a
# second, 90 minutes long. Time becomes one more axis, in front of the channels.
#
# The lesson labelled its shape (T, C, H, W) and wrote (162000, 1, 1280, 1024): it put the
# 1280 in the H place. But "1280 × 1024" is a screen
# resolution, and resolutions are written **width × height** (a 1280 × 1024 monitor is
# wider than it is tall). In (T, C, H, W) the height comes first, so the movie is
# (162000, 1, 1024, 1280). The number of values is the same either way; what changes is
# which axis a layer treats as rows. A kernel that slides down H would slide along the
# wrong direction, and a frame shown with the wrong order would be scrambled exactly like
# the picture above.

movie = Video(width=1280, height=1024, fps=30, minutes=90, channels=1)
lesson_shape = (movie.frames, movie.channels, movie.width, movie.height)
print("frames T = 30 × 60 × 90 =", movie.frames)
print("the lesson's tuple, labelled (T, C, H, W):", lesson_shape)
print("with H and W in their places (T, C, H, W):", movie.shape("TCHW"))
print(f"values: {movie.numel:,}")

# %%
# How big is it?
# --------------
# We never build this array: the size follows from the shape and the bytes per value.
# Stored as 8-bit grey levels (``uint8``) the movie needs about 212 GB; as the ``float32``
# numbers a network computes with, four times that. That is why models see video a few
# frames at a time, never the whole film.

for dtype in ("uint8", "float32"):
    print(f"{dtype:>8}: {movie.nbytes(dtype):,} bytes = {format_bytes(movie.nbytes(dtype))}")

sizes = {
    "one photo (C, H, W), uint8": nbytes(image_chw.shape, "uint8"),
    "the batch (N, C, H, W), float32": nbytes(batch.shape, "float32"),
    "one movie frame (C, H, W), float32": nbytes(movie.shape()[1:], "float32"),
    "whole movie (T, C, H, W), uint8": movie.nbytes("uint8"),
    "whole movie (T, C, H, W), float32": movie.nbytes("float32"),
}
show_sizes(list(sizes), list(sizes.values()), xlabel="bytes (log scale)", title="Size in memory")

# %%
# Run as a script, this file opens every figure in a window.

import matplotlib.pyplot as plt

plt.show()

# %%
# What to remember
# ----------------
# * An image is (H, W, C) in files and matplotlib, (C, H, W) in PyTorch; the values are
#   the same, only the axis order differs.
# * A batch adds N in front: (N, C, H, W). A video adds T: (T, C, H, W).
# * The shape decides how every later layer reads the data, so H and W must be in the
#   right order — "1280 × 1024" is width × height, so the movie is (162000, 1, 1024, 1280).
#   The later chapters keep this convention and write sizes as height × width.
#
# Further reading
# ---------------
# * d2l, "Data Manipulation" (tensors and shapes): https://d2l.ai/chapter_preliminaries/ndarray.html
# * PyTorch ``Tensor.permute``: https://pytorch.org/docs/stable/generated/torch.permute.html
# * NumPy ``moveaxis``: https://numpy.org/doc/stable/reference/generated/numpy.moveaxis.html
# * Sizes come from shapes: count the values, multiply by the bytes per value.

# %%
# Try it yourself
# ----------------
# Predict, count and fix things on your own, then check your answers against worked solutions:
# :doc:`/exercises/01_data_shapes`.
