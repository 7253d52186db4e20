r"""
Parameters and receptive field: why convolution pays off
========================================================

A Linear layer looks at every input number at once and pays one weight for each. A
convolution looks through a small window and reuses the same few weights everywhere.
This chapter counts what that saves with ``layerguide.trace``, watches how far each layer
can "see" (its receptive field) as layers stack up, checks on a handwritten digit whether
one output sees the whole of it, measures why max pooling helps, and finally traces a 90-minute
movie (849 GB of values) without allocating any of it.

To run this chapter yourself, install the package it uses (``pip install layerguide``).
How, and which version built this page: https://layerguide.github.io/layerguide/en/install.html
"""

# %%
# A Linear layer on a whole image
# -------------------------------
# ``trace(model, input_size)`` runs the model once and writes down, for every layer, the input
# and output shape, the parameters and the formula behind them, the
# :term:`multiply-accumulate` operations (:term:`MACs`; 1 MAC = 2 FLOPs) and the receptive
# field. It runs on PyTorch's *meta* device: shapes are computed, values are not, so no
# memory is used.
#
# First the lesson's brute-force model: flatten one Full-HD colour frame, 1080 high and
# 1920 wide, (1, 3, 1080, 1920), into 6,220,800 values and connect all of them to one output.

import numpy as np
import torch
from torch import nn

from layerguide import trace
from layerguide.autoencoder import (
    PAGE_BUDGET,
    AutoencoderConfig,
    build_autoencoder,
    load_mnist,
    pretrained,
)
from layerguide.layers import Conv2d, MaxPool2d, ReLU
from layerguide.lesson.convnet import HD_FRAME, KERNELS, MOVIE_SHAPE, field_stack, movie_convnet
from layerguide.tracer.probe import effective_field, probe_field
from layerguide.tracer.windows import centre_window, output_windows, window_layers, window_of
from layerguide.viz import (
    field_table,
    show_field_windows,
    show_parameter_bill,
    show_receptive_fields,
    show_shift,
    use_korean_font,
)

LANG = "en"
use_korean_font()
torch.manual_seed(0)

with torch.device("meta"):  # no memory for the weights either
    dense = nn.Sequential(nn.Flatten(), nn.Linear(3 * 1080 * 1920, 1))
dense_trace = trace(dense, HD_FRAME, lang=LANG)
dense_trace

# %%
# One output already costs 6,220,801 parameters: a weight per input value plus one
# bias. A layer with 100 outputs would need more than 600 million.

print(f"Linear on the whole frame: {dense_trace.total_params:,} parameters")
print(dense_trace.rows[-1].param_formula)

# %%
# Sixteen small filters instead
# -----------------------------
# A convolution with 16 filters of 5 × 5 on a colour image with 3 channels has a weight of
# shape (16, 3, 5, 5), that is 16 × 3 × 5 × 5 = 1,200 weights (the lesson writes the same
# product as 3 × 16 × 5 × 5), and 16 biases, whatever the size of the image. With a stride
# of 5 the windows do not overlap, and the frame becomes a stack of 16 feature maps of
# 216 × 384. Flatten them and add the same single output:

with torch.device("meta"):
    conv = nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=5, stride=5),
        nn.Flatten(),
        nn.Linear(16 * 216 * 384, 1),
    )
conv_trace = trace(conv, HD_FRAME, lang=LANG)
conv_trace

# %%
# The convolution itself holds 1,216 parameters; the Linear layer after it holds the
# rest, because 16 × 216 × 384 = 1,327,104 values still reach it. In total 1,328,321
# parameters, about 4.7 times fewer than the 6,220,801 of the brute-force model — and each
# filter is now a small pattern detector used at every position.

print(f"Conv2d weight: {tuple(conv[0].weight.shape)}, {conv_trace.rows[0].params:,} parameters")
print(f"feature maps: {conv_trace.rows[0].output_shape}")
print(f"after Flatten: {conv_trace.rows[1].output_shape}")
ratio = dense_trace.total_params / conv_trace.total_params
print(f"total: {conv_trace.total_params:,} parameters, {ratio:.1f} times fewer")
show_parameter_bill(
    [dense_trace.total_params, conv_trace.rows[0].params, conv_trace.total_params], lang=LANG
)

# %%
# How far a layer can see
# -----------------------
# One output of that 5 × 5 convolution depends on a 5 × 5 patch of the image: its
# :term:`receptive field`. Stack layers and the field grows. A 3 × 3 convolution adds
# 2 steps of the layer below; a 2 × 2 max pooling doubles the :term:`effective stride`, the
# distance in input pixels between neighbouring outputs, so every later layer grows the
# field twice as fast. Here is a small stack on a 32 × 32 grey image:

stack = field_stack()  # conv, conv, pool, conv, pool, conv (3 × 3 and 2 × 2)
stack_trace = trace(stack, (1, 1, 32, 32), lang=LANG)
grown = [r for r in stack_trace.rows if r.kind != "ReLU"]
field_table(grown, lang=LANG)

# %%
# The fields of the convolution and pooling rows grow 3, 5, 6, 10, 12, 20 pixels,
# while the effective stride goes 1, 1, 2, 2, 4, 4. Each square below is the window of
# the centre output of one layer (row and column H // 2 of its map), drawn where it
# really lies on the input image. The squares are not concentric: a 2 × 2 pooling window
# starts on an even row, so their middles move from row 16 to row 17.5 as layers are
# added, and the last one covers rows and columns 8–27.

centre = [centre_window(window_layers(stack, r.name), (32, 32)) for r in grown]
print("rows seen by the centre outputs:", [w.rows for w in centre])
show_receptive_fields(grown, centre, 32, lang=LANG)

# %%
# The tracer computes these fields from kernel sizes and strides. They can also be
# measured: give a copy of the stack positive weights, light up one input pixel at a
# time, and keep the pixels that change the centre output. They fill a square exactly as
# large as the field of the last row.

measured = probe_field(stack, (1, 1, 32, 32))
print(f"measured: {measured[0]} × {measured[1]} pixels, tracer: {grown[-1].receptive_field}")

# %%
# As large as the digit is not enough
# -----------------------------------
# To recognise an object, one output has to see all of it, so its receptive field must be
# at least as large as the object. Size alone does not put the object inside the field,
# though. Take the first test digit of MNIST and the encoder of the autoencoder from
# chapter 5 (three "3 × 3 convolution, 2 × 2 max pooling" stages). The pen strokes lie in
# rows 7–26 and columns 6–21, a box 20 pixels high and 16 wide; the fields of the
# encoder's layers are 3, 4, 8, 10, 18 and 22 pixels. From the third pooling
# (``encoder.stages.2.pool``) on, a field of 22 × 22 is larger than the digit in both
# directions.

digit = load_mnist("test").images[0, 0]  # (28, 28)
ink = window_of(digit > 0)  # the box around the pen strokes
encoder_trace = trace(build_autoencoder(AutoencoderConfig()), (1, 1, 28, 28), lang=LANG)
layers = [r for r in encoder_trace.rows if r.name.startswith("encoder.stages")]
layers = [r for r in layers if r.kind in ("Conv2d", "MaxPool2d")]
size = (ink.height, ink.width)
first = next(r.name for r in layers if min(np.subtract(r.receptive_field, size)) >= 0)
field_sizes = [r.receptive_field[0] for r in layers]
print(f"digit: rows {ink.rows}, columns {ink.cols}; fields {field_sizes}")
print(f"first layer whose field is as large as the digit: {first}")

# %%
# Large enough, but where? That layer's output is a 4 × 4 grid, and the fields of its 16
# outputs lie 8 pixels apart (the effective stride), the first one starting in the padding.
# Along each axis the four outputs see rows (or columns) 0–14, 1–22, 9–27 and 17–27; the
# border cuts the first and the last. The digit needs rows 7–26, and no window holds them
# all: none of the 16 outputs sees the whole digit. The output that sees most of it,
# (1, 1), sees rows 1–22, misses the bottom rows 23–26 and sees 84% of the inked pixels.
# A field as large as the object is necessary, not sufficient: the object must also sit
# where a field lies.

autoencoder, info = pretrained(AutoencoderConfig(), PAGE_BUDGET)  # chapter 5's trained model
steps = window_layers(autoencoder, first)  # its convolutions and poolings, up to ``first``
windows = output_windows(steps, digit.shape)  # {(i, j): the rows and columns (i, j) sees}
whole = [p for p, w in windows.items() if w.contains(ink.rows, ink.cols)]
share = {p: w.share(digit > 0) for p, w in windows.items()}
best = max(share, key=share.__getitem__)
print("rows seen by outputs (i, 0):", [windows[i, 0].rows for i in range(4)])
print(f"whole digit seen by: {whole}; most of it by {best}: {share[best]:.0%}, {windows[best]}")

# %%
# Inside its window an output does not weigh every pixel alike. Its
# :term:`effective receptive field` measures how much each input pixel actually moves it:
# the absolute gradient of the output with respect to the input, ``|∂ output / ∂ input|``,
# averaged over real digits. Here it is for output (1, 1) of the trained encoder (its code
# channels summed), over the first 1,000 test digits. The gradient is zero outside rows
# 1–22 and columns 1–22, exactly the window computed above, but the pixels that get at
# least half of its peak fill only rows 6–11 and columns 9–14, a 6 × 6 patch. The
# theoretical square is an outer limit; the output leans hardest on a much smaller patch.

test_digits = load_mnist("test").images[:1000]  # (1000, 1, 28, 28)
effective = effective_field(lambda x: autoencoder.encoder(x).values, test_digits, best)
support, strong = window_of(effective > 0), window_of(effective >= effective.max() / 2)
print(f"gradient not zero: {support}; at least half the peak: {strong}")
show_field_windows(
    digit, windows, ink, effective, best, layer=first, n_images=len(test_digits), lang=LANG
)

# %%
# Why max pooling helps, measured
# -------------------------------
# Max pooling keeps the strongest response of each 2 × 2 window and forgets exactly where
# in the window it was. So when the input moves by one pixel, the pooled map changes less
# than the feature map. We measure it on the first 100 test digits: two edge filters
# (Sobel x and y) with ReLU, then 2 × 2 max pooling; then the same digits moved one pixel
# to the right. The change is the sum of absolute differences divided by the map's own sum.
# The feature map changes by 79%, the pooled map by 50%: pooling does not make the
# network blind to position, but small shifts matter less after it. Where pooling sends
# the gradient in training, what networks use instead of it and what it saves in the
# layers after it: :doc:`chapter 8 </auto_examples/plot_08_pooling_and_memory>`.

digits = load_mnist("test").images[:100]  # (100, 1, 28, 28)
moved = np.roll(digits, 1, axis=3)  # one pixel to the right (the border is empty)
edges = Conv2d(1, 2, 3, padding=1, bias=False)
edges.weight.data[:, 0] = np.stack([KERNELS["sobel_x"], KERNELS["sobel_y"]])
maps = [ReLU()(edges(d)) for d in (digits, moved)]  # (100, 2, 28, 28) each
pooled = [MaxPool2d(2)(m) for m in maps]  # (100, 2, 14, 14) each
changes = [float(np.abs(a - b).sum() / np.abs(a).sum()) for a, b in (maps, pooled)]
print(f"change of the feature map: {changes[0]:.0%}, of the pooled map: {changes[1]:.0%}")
show_shift([maps[0][0, 0], maps[1][0, 0], pooled[0][0, 0], pooled[1][0, 0]], changes, lang=LANG)

# %%
# The field follows the data, not the list of layers: where two branches meet
# (``x + y`` or ``torch.cat``) an output sees the union of what the two branches see, and
# after ``Flatten`` a Linear layer sees the whole image. (The tracer knows where each
# window starts as well as its size, so at a merge it takes the union of the two windows;
# only where it cannot place them, after a transposed convolution for example, or where the
# branches' effective strides differ, does it take the larger of the two fields.) That is
# how the tracer reproduces published figures:
# 195 pixels for AlexNet, 212 for VGG16 and 483 for ResNet-50.
#
# A 90-minute movie, traced without memory
# ----------------------------------------
# At 30 frames per second, 90 minutes are 162,000 frames. The frames are black and white,
# 1280 pixels wide and 1024 high; in chapter 1's (T, C, H, W) order the whole movie, as one
# batch, has the shape (162000, 1, 1024, 1280): 849 GB as float32. Tools that build a real
# input tensor (torchinfo 1.8 does, even with ``device="meta"``) fail on it; the meta device
# only ever holds the shapes.

movie_trace = trace(movie_convnet(), MOVIE_SHAPE, lang=LANG)
movie_trace

# %%
# The whole network holds 1,049,546 parameters, yet one pass over the movie would take
# 13.3 trillion MACs, and the first feature maps alone, (162000, 16, 204, 256), are more
# than 135 billion values. The trace tells us all this before we spend a byte.

first_maps = movie_trace.rows[0].output_shape
print(f"input: {movie_trace.input_shapes[0]}, {torch.Size(MOVIE_SHAPE).numel() * 4:,} bytes")
print(f"first feature maps: {first_maps} = {torch.Size(first_maps).numel():,} values")
print(f"parameters: {movie_trace.total_params:,}")
print(f"MACs: {movie_trace.total_macs:,} (FLOPs: {movie_trace.total_flops:,})")

# %%
# Run as a script, this file opens every figure in a window.

import matplotlib.pyplot as plt

plt.show()

# %%
# What to remember
# ----------------
# * A Linear layer on a flattened image pays one weight per pixel and channel:
#   6,220,801 parameters for one output from a Full-HD frame.
# * A convolution pays for its filters only, 16 × 3 × 5 × 5 + 16 = 1,216 here, whatever
#   the image size; with Flatten + Linear(→1) the model has 1,328,321.
# * The receptive field grows with every layer, and faster after each pooling, which
#   multiplies the effective stride. It must be at least as large as the object, and that
#   is not enough: fields lie one effective stride apart, and none of the 16 fields after
#   the encoder's third pooling holds the whole digit. Inside its field, an output leans
#   on a smaller patch, its effective receptive field.
# * Max pooling makes a one-pixel shift matter less (79% → 50% change here).
# * ``layerguide.trace`` shows shapes, parameters, MACs and receptive fields without
#   allocating the data — even for an 849 GB movie.
#
# Further reading
# ---------------
# * d2l, Receptive field and pooling: https://d2l.ai/chapter_convolutional-neural-networks/pooling.html
# * Dumoulin & Visin, A guide to convolution arithmetic for deep learning:
#   https://arxiv.org/abs/1603.07285
# * CNN Explainer: https://poloclub.github.io/cnn-explainer/
# * PyTorch: https://docs.pytorch.org/docs/stable/generated/torch.nn.Conv2d.html,
#   https://docs.pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html,
#   https://docs.pytorch.org/docs/stable/generated/torch.nn.Linear.html,
#   https://docs.pytorch.org/docs/stable/generated/torch.nn.Flatten.html

# %%
# Try it yourself
# ----------------
# Predict, count and fix things on your own, then check your answers against worked solutions:
# :doc:`/exercises/04_parameters_and_receptive_field`.
