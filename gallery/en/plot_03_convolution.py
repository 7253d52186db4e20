r"""
Convolution: stride, padding, parameters and max pooling
========================================================

A convolution slides a small filter over the image and, at every stop, multiplies and
adds. The same few weights are reused at every position, so the layer stays small however
large the image is. This chapter follows the shape of the data through a convolution —
with stride and padding — counts its parameters, takes it to a full-HD image, and ends with
max pooling and the indices that remember where each maximum came from.
"""

# %%
# A filter on a small image
# -------------------------
# We shrink the photo from the first chapter to a 60 × 60 grey image and give it the
# (N, C, H, W) shape layers expect: one image, one channel. The :term:`convolution` layer
# ``Conv2d(1, 1, 3)`` has one 3 × 3 :term:`kernel`; we set it to a vertical-edge detector so
# the :term:`feature map` is easy to read.

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import cbook

from layerguide.layers import Conv2d, Flatten, Linear, MaxPool2d, MaxUnpool2d, Sequential
from layerguide.viz import use_korean_font

use_korean_font()

with cbook.get_sample_data("grace_hopper.jpg") as f:
    photo = plt.imread(f)  # (600, 512, 3) uint8
grey = photo[:480, 16:496].mean(axis=2) / 255  # (480, 480)
small = grey.reshape(60, 8, 60, 8).mean(axis=(1, 3))  # (60, 60): average 8 × 8 blocks
image = small[None, None].astype(np.float32)  # (N, C, H, W) = (1, 1, 60, 60)
print("image:", image.shape)

edge = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)  # Sobel, x direction
settings = [(1, 0), (1, 1), (2, 1), (3, 0)]  # (stride, padding)
maps = []
for stride, padding in settings:
    conv = Conv2d(1, 1, 3, stride=stride, padding=padding, bias=False)
    conv.weight.data[0, 0] = edge
    maps.append(conv(image))
    print(f"stride={stride}, padding={padding}: {image.shape} → {maps[-1].shape}")

fig, axes = plt.subplots(1, 5, figsize=(14, 3.4), layout="constrained")
axes[0].imshow(image[0, 0], cmap="gray")
axes[0].set_title(f"input\n{image.shape[2:]}")
for ax, (stride, padding), fmap in zip(axes[1:], settings, maps, strict=True):
    ax.imshow(fmap[0, 0], cmap="RdBu_r", vmin=-2, vmax=2)
    ax.set_title(f"stride={stride}, padding={padding}\n{fmap.shape[2:]}")
for ax in axes:
    ax.set_axis_off()

# %%
# The same arithmetic, one output value at a time, on a 4 × 4 input with a 3 × 3 kernel.
# Grey cells are the zero padding. Each frame multiplies the window by the kernel and adds
# the products; the sum is the output value being filled. The four sweeps use the settings
# (kernel, stride, padding) = (3, 1, 0), (3, 1, 1), (3, 2, 1), and a dilated kernel whose
# taps are 2 pixels apart.

from layerguide.viz import animate_convolution

conv_steps = animate_convolution(lang="en")
conv_steps

# %%
# Why those sizes?
# ----------------
# (The dark line at the right border of the padded maps is the padding itself: to the
# filter, a column of zeros next to a bright pixel looks like an edge.)
#
# Along one axis of n pixels, a kernel of size k fits n − k + 1 times.
# :term:`Padding <padding>` adds rows and columns of zeros at the border; a :term:`stride` s
# keeps every s-th stop. Two books write the result differently:
#
# * *Dive into Deep Learning* (d2l) uses the **total** padding p_h (top + bottom) and
#   writes ⌊(n − k + p_h + s) / s⌋.
# * PyTorch's ``padding`` is **per side**, so p_h = 2 · padding, and its documentation
#   writes ⌊(n + 2 · padding − k) / s⌋ + 1.
#
# They are the same number: adding s inside the floor is adding 1 outside it. The table
# checks this against the layer's own ``output_shape``.

n, k = 60, 3
print(" s  padding  p_h   d2l  PyTorch  output_shape")
for stride, padding in settings:
    p_h = 2 * padding
    d2l = (n - k + p_h + stride) // stride
    pytorch = (n + 2 * padding - k) // stride + 1
    layer = Conv2d(1, 1, k, stride=stride, padding=padding)
    h_out = layer.output_shape((1, 1, n, n))[2]
    print(f"{stride:2} {padding:8} {p_h:4} {d2l:5} {pytorch:8} {h_out:13}")

# %%
# d2l's total padding may be odd (one more row at the bottom than at the top). PyTorch's
# ``Conv2d`` cannot express that with its ``padding`` argument; one pads the input
# explicitly first.
#
# Counting parameters
# -------------------
# A :term:`filter` sees all input channels at once, so each of the lesson's 16 filters on a
# colour image is 3 × 5 × 5 numbers, plus one bias. The weight has the shape
# (out_channels, in_channels, kH, kW).

conv = Conv2d(3, 16, kernel_size=5, stride=5)
n_weights, n_biases = conv.weight.numel(), conv.bias.numel()
print("weight:", conv.weight.shape, " bias:", conv.bias.shape)
print(f"16 × 3 × 5 × 5 = {n_weights:,} weights, + {n_biases} biases = {n_weights + n_biases:,}")

# %%
# A full-HD image
# ---------------
# The number of parameters does not depend on the image size; the feature map does.
# ``output_shape`` gives the shape without computing anything: a 1080 × 1920 colour image
# at stride 5 becomes 16 feature maps of 216 × 384.

hd = (1, 3, 1080, 1920)
print(hd, "→", conv.output_shape(hd))

# %%
# It is small enough to run once for real (a 25 MB input) — and the real output has the
# promised shape.

frame = np.random.default_rng(0).random(hd, dtype=np.float32)
feature_maps = conv(frame)
print("computed:", feature_maps.shape)

# %%
# Compare with the last chapter: connecting the flattened image to a single output took
# 6,220,801 parameters. The convolution needs 1,216; even with a Linear layer from its
# feature maps to one output, the model stays almost five times smaller.

model = Sequential(conv, Flatten(), Linear(16 * 216 * 384, 1))
print(model.output_shape(hd))
n_model = sum(p.numel() for p in model.parameters())
n_linear_only = 3 * 1080 * 1920 + 1
print(f"conv + Linear(→1): {n_model:,} parameters;  Linear(→1) alone: {n_linear_only:,}")

# %%
# Max pooling and its indices
# ---------------------------
# :term:`Max pooling <max pooling>` keeps the largest value of each window. A 2 × 2 window
# with stride 2 halves H and W and has no parameters. With ``return_indices=True`` it also
# returns where each maximum was: the flat position ``row × W + column`` inside the input map
# — the index PyTorch uses. :term:`Max unpooling <max unpooling>` puts every value back at
# that position and fills the rest with zeros.

fmap = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]], dtype=np.float32)
x = fmap[None, None]  # (1, 1, 4, 4)
pool = MaxPool2d(2, return_indices=True)
pooled, indices = pool(x)
restored = MaxUnpool2d(2)(pooled, indices)
print("pooled:", pooled.shape, "\n", pooled[0, 0])
print("indices:", indices.shape, "\n", indices[0, 0])
print("unpooled:", restored.shape, "\n", restored[0, 0])

fig, axes = plt.subplots(1, 3, figsize=(10, 3.6), layout="constrained")
panels = [(x[0, 0], "input (4, 4)"), (pooled[0, 0], "max pooled (2, 2)"),
          (restored[0, 0], "max unpooled (4, 4)")]  # fmt: skip
for ax, (grid, title) in zip(axes, panels, strict=True):
    ax.imshow(grid, cmap="Blues", vmin=0, vmax=8)
    for (row, col), value in np.ndenumerate(grid):
        ax.text(col, row, f"{value:g}", ha="center", va="center", fontsize=14)
    ax.set_title(title)
    ax.set_xticks([])
    ax.set_yticks([])
for (row, col), index in np.ndenumerate(indices[0, 0]):
    axes[1].text(col, row + 0.3, f"index {index}", ha="center", va="center", fontsize=8)

# %%
# Step by step: each 2 × 2 window in turn, its largest value (green), and the flat index
# ``row × W + column`` that pooling records for it.

from layerguide.viz import animate_max_pooling

pool_steps = animate_max_pooling(lang="en")
pool_steps

# %%
# Pooling the edge map from the top of the page halves it again, from (60, 60) to
# (30, 30).

print(maps[1].shape, "→", MaxPool2d(2).output_shape(maps[1].shape))

# %%
# What to remember
# ----------------
# * Output size along one axis: ⌊(n + 2 · padding − k) / s⌋ + 1 (PyTorch, padding per
#   side) — the same as d2l's ⌊(n − k + p_h + s) / s⌋ with total padding p_h.
# * A convolution from C_in to C_out channels with a k × k kernel holds
#   C_out × C_in × k × k weights and C_out biases — 1,200 + 16 for the lesson's layer —
#   whatever the image size.
# * At stride 5, a 1080 × 1920 image becomes 16 × 216 × 384.
# * Max pooling keeps the largest value per window; its indices let max unpooling put it
#   back in place.

# %%
# Run as a script, this file opens every figure; the animations play in their windows.

plt.show()
