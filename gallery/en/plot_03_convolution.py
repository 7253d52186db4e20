r"""
Convolution: stride, padding, parameters and max pooling
========================================================

A convolution slides a small filter across the image and, wherever the filter lies,
multiplies the overlapping values and adds them up. The same few weights are reused at every
position, so the layer stays small however large the image is. This chapter computes one
output pixel by hand, tries eight classic filters on a photo, follows the shape of the data
through stride and padding, checks how far training shapes real filters (against untrained
ones, and on a kernel we hide), counts the parameters on a full-HD image, and ends with max
pooling and the indices that remember where each maximum came from.

To run this chapter yourself, install the package it uses (``pip install layerguide``).
How, and which version built this page: https://layerguide.github.io/layerguide/en/install.html
"""

# %%
# A filter on a small image
# -------------------------
# We shrink the photo from the first chapter to a 60 × 60 grey image and give it the
# (N, C, H, W) shape layers expect: one image, one channel. The :term:`convolution` layer
# ``Conv2d(1, 1, 3)`` has one 3 × 3 :term:`kernel`; we set it to the Sobel x kernel, which
# measures how brightness changes from left to right, so the :term:`feature map` lights up
# at vertical edges.

import matplotlib.pyplot as plt
import numpy as np
import torch

from layerguide import viz
from layerguide.autoencoder import PAGE_BUDGET, AutoencoderConfig, pretrained
from layerguide.kernels import grey_photo
from layerguide.layers import Conv2d, MaxPool2d, MaxUnpool2d
from layerguide.lesson.convnet import HD_FRAME, KERNELS, hd_convnet, window_counts
from layerguide.lesson.learned import EDGE_KERNELS, filter_baseline, initial_filters, recover_kernel
from layerguide.torch_twin import max_difference

LANG = "en"
viz.use_korean_font()

image = grey_photo(60)[None, None]  # (1, 1, 60, 60): the photo as 8 × 8 block averages

edge = KERNELS["sobel_x"]  # Sobel x: right column minus left column
settings = [(1, 0), (1, 1), (2, 1), (3, 0)]  # (stride, padding)
maps = []
for stride, padding in settings:
    conv = Conv2d(1, 1, 3, stride=stride, padding=padding, bias=False)
    conv.weight.data[0, 0] = edge
    maps.append(conv(image))
    print(f"stride={stride}, padding={padding}: {image.shape} → {maps[-1].shape}")

viz.show_feature_maps(image, maps, settings, lang=LANG)

# %%
# One output pixel by hand
# ------------------------
# Take the strongest response of the first map (stride 1, no padding). Its output at row r,
# column c comes from the 3 × 3 patch of the input whose top-left corner is (r, c): multiply
# the patch by the kernel, value by value, and add the nine products. The sum is exactly
# what the layer computed. (Deep-learning layers do not flip the kernel first, as the
# textbook convolution of signal processing does; PyTorch's ``Conv2d`` does the same.)

r, c = np.unravel_index(np.abs(maps[0][0, 0]).argmax(), maps[0].shape[2:])
patch = image[0, 0, r : r + 3, c : c + 3]  # (3, 3)
by_hand = (patch * edge).sum()
print(f"output ({r}, {c}): by hand {by_hand:.4f}, layer {maps[0][0, 0, r, c]:.4f}")
viz.show_pixel_by_hand(patch, edge, maps[0][0, 0, r, c], lang=LANG)

# %%
# The same arithmetic, one output value at a time, on a 4 × 4 input with a 3 × 3 kernel.
# Grey cells are the zero padding. Each frame multiplies the window by the kernel and adds
# the products; the sum is the output value being filled. The four sweeps use the settings
# (kernel, stride, padding, dilation) = (3, 1, 0, 1), (3, 1, 1, 1), (3, 2, 1, 1) and
# (3, 1, 1, 2): in the last one the kernel's taps are 2 pixels apart, a :term:`dilation`
# of 2.

from layerguide.viz.animate.conv import CONV_SETTINGS, animate_convolution

conv_steps = animate_convolution(lang=LANG)
conv_steps

# %%
# Why those sizes?
# ----------------
# Along one axis of n pixels, a kernel of size k fits n − k + 1 times.
# :term:`Padding <padding>` adds rows and columns of zeros at the border; a :term:`stride` s
# keeps every s-th stop. A dilation d puts the kernel's k taps d pixels apart, so the
# kernel spans k′ = d(k − 1) + 1 pixels instead of k, and it fits n − k′ + 1 times. Two
# references write the result differently:
#
# * *Dive into Deep Learning* (d2l) uses the **total** padding p_h (top + bottom) and
#   writes ⌊(n − k + p_h + s) / s⌋ for an undilated kernel; with a dilation, k′ takes the
#   place of k.
# * PyTorch's ``padding`` is **per side**, so p_h = 2 · padding, and its documentation
#   writes ⌊(n + 2 · padding − d(k − 1) − 1) / s⌋ + 1, which for d = 1 is
#   ⌊(n + 2 · padding − k) / s⌋ + 1.
#
# They are the same number: adding s inside the floor is adding 1 outside it. The table
# checks both against the layer's own ``output_shape``, for the photo's four settings
# (n = 60) and for the animation's four (n = 4). In the dilated sweep k = 3 and d = 2, so
# k′ = 5: on the 4 × 4 input with padding 1 and stride 1 the output is
# ⌊(4 + 2 − 2 · 2 − 1) / 1⌋ + 1 = 2 wide, the 2 × 2 the animation fills. Leave d out and
# the formula predicts 4.

cases = [(60, 3, s, p, 1) for s, p in settings] + [(4, *c) for c in CONV_SETTINGS]
rows = []  # (n, k, s, padding, d): the photo above, then the animation's 4 × 4 input
for n, k, stride, padding, dilation in cases:
    p_h, k_d = 2 * padding, dilation * (k - 1) + 1  # k_d: the width the kernel spans (k′)
    d2l = (n - k_d + p_h + stride) // stride
    pytorch = (n + 2 * padding - dilation * (k - 1) - 1) // stride + 1
    h_out = Conv2d(1, 1, k, stride, padding, dilation).output_shape((1, 1, n, n))[2]
    rows.append([n, stride, padding, dilation, p_h, d2l, pytorch, h_out])
without_d = (n + 2 * padding - k) // stride + 1  # the last case, the dilated sweep, without d
viz.conv_formula_table(k, rows, lang=LANG)

# %%
# d2l's total padding may be odd (one more row at the bottom than at the top). An integer
# ``padding`` cannot express that; PyTorch pads unevenly only with ``padding="same"``
# (stride 1), otherwise one pads the input explicitly first.
#
# Padding has a side effect you can see in the figure above. With stride 1 and padding 1,
# the right-most column of the map is strongly negative (mean −1.81): there the kernel
# subtracts the bright photo from the zeros on its right. The left-most column is positive
# (mean +0.77) for the mirror reason, weaker because the photo is darker on its left edge.
# With stride 2 and padding 1 the windows start at columns 0, 2, …, 58 of the 62-wide padded
# input, so the zero column on the right is never reached (mean +0.04).

border = {
    "stride 1, right column": maps[1][0, 0, :, -1].mean(),
    "stride 1, left column": maps[1][0, 0, :, 0].mean(),
    "stride 2, right column": maps[2][0, 0, :, -1].mean(),
}
print({name: round(float(v), 2) for name, v in border.items()})

# %%
# Padding lets the edges count
# ----------------------------
# Without padding, a border pixel is seen by fewer windows than a pixel in the middle: on an
# 8 × 8 input a 3 × 3 kernel covers a corner pixel once and an inner pixel 9 times, so the
# corners hardly influence the output. With a padding of 1 the corner pixel is in 4 windows
# and every edge pixel in 6. The counts below come from the layer itself: a kernel of ones
# run forward and then backward (the gradient of each input pixel is the number of windows
# that used it).

counts = [window_counts(8, 3, padding=p) for p in (0, 1)]
print("corner:", [int(c[0, 0]) for c in counts], " inside:", [int(c[4, 4]) for c in counts])
viz.show_window_counts(counts, [0, 1], 3, lang=LANG)

# %%
# A gallery of kernels
# --------------------
# Each hand-set kernel below is one filter of a single layer, ``Conv2d(1, 8, 3, padding=1)``:
# its weight has the shape (out_channels, in_channels, kH, kW) = (8, 1, 3, 3), and one pass
# over a 160 × 160 version of the photo gives eight feature maps. Blurs average their
# neighbours (their numbers sum to 1), sharpening adds the difference to the neighbours back
# to the centre, :term:`Sobel filters <Sobel filter>` respond to brightness changes in one
# direction, the
# Laplacian to changes in any direction, and emboss lights up edges on one diagonal side.
# PyTorch's ``nn.Conv2d`` given the same weights computes the same eight maps, up to float32
# rounding: the last line printed is the largest difference between the two.

gallery = Conv2d(1, len(KERNELS), 3, padding=1, bias=False)
gallery.weight.data[:, 0] = np.stack(list(KERNELS.values()))  # (8, 1, 3, 3)
photo160 = grey_photo(160)[None, None]  # (1, 1, 160, 160)
results = gallery(photo160)  # (1, 8, 160, 160)
print("weight:", gallery.weight.shape, " results:", results.shape)
print(f"largest difference from torch.nn.Conv2d: {max_difference(gallery, photo160):.1e}")
viz.show_kernel_gallery(KERNELS, results, lang=LANG)

# %%
# Filters are learned
# -------------------
# In a real network nobody sets the kernels by hand. A convolution layer holds tens of
# filters that start as random numbers, and training moves them to whatever serves the
# task. Here are the 16 first-layer filters of the autoencoder from chapter 5: on the left
# as its training began (the same seed builds them again), in the middle after its short
# training of 320 steps (read from the training cache). Above each filter: the hand-set
# kernel it resembles most and their :term:`cosine similarity` (1 means the same pattern, a
# negative value the same pattern with its signs reversed). A layer's score is the mean,
# over its 16 filters, of that similarity without its sign. A score means little on its
# own, so we also score 1,000 untrained layers ``Conv2d(1, 16, 3)``, drawn as PyTorch
# initialises them (seed 0).

torch.manual_seed(0)
autoencoder, info = pretrained(AutoencoderConfig(), PAGE_BUDGET)
learned = autoencoder.encoder.stages[0].conv.weight.detach().numpy()  # (16, 1, 3, 3)
initial = initial_filters(AutoencoderConfig(), PAGE_BUDGET)  # (16, 3, 3), before step 1
baseline = filter_baseline(initial, learned[:, 0], draws=1000, seed=0)
edges = [baseline.resembling(w, EDGE_KERNELS) for w in ("initial", "trained")]
print(f"score before training {baseline.initial_score:.2f}, after {baseline.trained_score:.2f}")
print(f"untrained layers: mean {baseline.mean:.2f}, 90% in {baseline.low:.2f}–{baseline.high:.2f}")
print("edge-like filters before, after:", edges, " same nearest kernel:", baseline.kept)
print("untrained layers that score as high:", baseline.as_high)
viz.show_filter_baseline(baseline, PAGE_BUDGET.steps, lang=LANG)

# %%
# What does the comparison show? Training moved the filters towards the hand-set patterns:
# the score rose from 0.57 to 0.66, and only 1 of the 1,000 untrained layers scores as high.
# But the step is small, and the trained filters alone would mislead. Untrained layers
# score 0.53 on average (90% of them between 0.47 and 0.59): by chance alone, a random
# 3 × 3 filter resembles some hand-set kernel. Before training, 9 of the 16 filters already
# resembled an edge kernel (Sobel or emboss), against 10 after, and 11 of the 16 resemble
# the same kernel after training as before. A short training sharpens the patterns the
# random start happened to have; it does not build edge detectors from nothing.
#
# Learning a kernel we know
# -------------------------
# A sharper test: hide a kernel and see whether training finds it. We filter the 60 × 60
# photo with the Sobel x kernel and ask a fresh ``Conv2d(1, 1, 3)`` (a random start, seed 0)
# to turn the same photo into the same feature map. It never sees the kernel, only its own
# output and the target: the MSE loss compares them, and the ``SGD`` optimizer of chapter 2
# takes 300 steps with learning rate 0.4 and momentum 0.9 (each step also repeats 0.9 times
# the previous step's move, which speeds up a slow, steady descent).

recovery = recover_kernel(image, edge, steps=300, lr=0.4, momentum=0.9, seed=0)
d = recovery.distances  # ‖kernel − Sobel x‖ before each step, then after the last
print(f"distance to Sobel x: step 0 {d[0]:.2f}, step {recovery.steps} {d[-1]:.4f}")
viz.show_kernel_recovery(recovery, "sobel_x", lang=LANG)

# %%
# The distance ‖kernel − Sobel x‖ falls from 3.30 to 0.0003: the layer found the hidden
# kernel, and its bias fell to almost 0 (the target has none). The curves wave because
# momentum overshoots and swings back, each swing smaller than the last. The exercises run
# the same training without momentum.
#
# Counting parameters
# -------------------
# A :term:`filter` sees all input channels at once, so each of the lesson's 16 filters on a
# colour image is 3 × 5 × 5 numbers, plus one bias. PyTorch stores the weight as
# (out_channels, in_channels, kH, kW) = (16, 3, 5, 5); the lesson writes the product as
# 3 × 16 × 5 × 5, which is the same 1,200. The lesson also says a filter is applied to each
# of the 3 channels; both are true, and
# :doc:`chapter 7 </auto_examples/plot_07_why_convolution>` computes one output pixel by hand
# to show how.

model = hd_convnet()
conv = model[0]
n_weights, n_biases = conv.weight.numel(), conv.bias.numel()
print("weight:", conv.weight.shape, " bias:", conv.bias.shape)
print(f"16 × 3 × 5 × 5 = {n_weights:,} weights, + {n_biases} biases = {n_weights + n_biases:,}")

# %%
# A full-HD image
# ---------------
# The number of parameters does not depend on the image size; the feature map does.
# ``output_shape`` gives the shape without computing anything: a colour image 1080 high and
# 1920 wide (H × W = 1080 × 1920) at stride 5 becomes 16 feature maps of 216 × 384.

print(HD_FRAME, "→", conv.output_shape(HD_FRAME))

# %%
# The input is only about 25 MB, so we can run it once for real, and the computed output
# has exactly the shape predicted above.

frame = np.random.default_rng(0).random(HD_FRAME, dtype=np.float32)
feature_maps = conv(frame)
print("computed:", feature_maps.shape)

# %%
# Compare with the last chapter: connecting the flattened image to a single output took
# 6,220,801 parameters. The convolution needs 1,216; even with a Linear layer from its
# feature maps to one output, the model stays almost five times smaller.

print(model.output_shape(HD_FRAME))
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
# that position and fills the rest with zeros. The winners are outlined in the input.

fmap = np.array([[1, 3, 2, 0], [4, 2, 1, 5], [0, 1, 3, 2], [2, 6, 1, 1]], dtype=np.float32)
x = fmap[None, None]  # (1, 1, 4, 4)
pooled, indices = MaxPool2d(2, return_indices=True)(x)
restored = MaxUnpool2d(2)(pooled, indices)
print("pooled:", pooled.shape, " indices:", indices.shape, " unpooled:", restored.shape)
viz.show_pooling(x, pooled, indices, restored, lang=LANG)

# %%
# Step by step: each 2 × 2 window in turn, its largest value (green), and the flat index
# ``row × W + column`` that pooling records for it.

pool_steps = viz.animate_max_pooling(lang=LANG)
pool_steps

# %%
# Pooling the edge map from the top of the page halves it again, from (60, 60) to
# (30, 30).

print(maps[1].shape, "→", MaxPool2d(2).output_shape(maps[1].shape))

# %%
# Try it: the convolution playground
# ----------------------------------
# Change the input size, the kernel, the stride, the padding and the dilation, and watch the
# output shape follow the formula above; the layer menu switches to max pooling or to the
# transposed convolution of chapter 6. Click an output cell (or move with the arrow keys) to
# see the input cells it reads. Below, the kernel gallery runs the classic 3 × 3 filters over
# this chapter's photo. Everything runs in your browser, with no network.
#
# .. conv-playground::

# %%
# Run as a script, this file opens every figure; the animations play in their windows.

plt.show()

# %%
# What to remember
# ----------------
# * One output value is the sum of the products of a patch and the kernel; the layer does
#   this at every position with the same weights.
# * Output size along one axis: ⌊(n + 2 · padding − d(k − 1) − 1) / s⌋ + 1 (PyTorch,
#   padding per side, dilation d), the same as d2l's ⌊(n − k′ + p_h + s) / s⌋ with total
#   padding p_h and the dilated kernel's span k′ = d(k − 1) + 1 (k′ = k when d = 1).
# * Padding keeps the size and lets border pixels take part in as many windows as the
#   others near them.
# * A convolution from C_in to C_out channels with a k × k kernel holds
#   C_out × C_in × k × k weights and C_out biases (1,200 + 16 for the lesson's layer),
#   whatever the image size; training chooses their values.
# * Judge learned filters against untrained ones: a random filter resembles some hand-set
#   kernel by chance. Given a hidden kernel's output, training finds the kernel itself.
# * Max pooling keeps the largest value per window; its indices let max unpooling put it
#   back in place.
#
# Further reading
# ---------------
# * d2l, Convolutional Neural Networks: https://d2l.ai/chapter_convolutional-neural-networks/index.html
# * Dumoulin & Visin, A guide to convolution arithmetic for deep learning:
#   https://arxiv.org/abs/1603.07285
# * setosa.io, Image Kernels explained visually: https://setosa.io/ev/image-kernels/
# * CNN Explainer: https://poloclub.github.io/cnn-explainer/
# * PyTorch: https://docs.pytorch.org/docs/stable/generated/torch.nn.Conv2d.html,
#   https://docs.pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html,
#   https://docs.pytorch.org/docs/stable/generated/torch.nn.MaxUnpool2d.html

# %%
# Try it yourself
# ----------------
# Predict, count and fix things on your own, then check your answers against worked solutions:
# :doc:`/exercises/03_convolution`.
