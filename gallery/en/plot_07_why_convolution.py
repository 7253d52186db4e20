r"""
Why convolution works
=====================

Chapters 2 to 4 built the Linear layer and the convolution side by side. This chapter builds
the bridges between them. One output of a colour convolution is computed by hand, channel by
channel. A 1 × 1 convolution turns out to be a Linear layer applied at every pixel, and
Flatten followed by Linear turns out to be one convolution with a very large kernel. Then we
move the input and watch the output move with it, and we write an honest parameter bill for
the lesson's full-HD example: what locality saves, what weight sharing saves, what the
stride saves, and what global average pooling does to the end of the model.

To run this chapter yourself, install the package it uses (``pip install layerguide``).
How, and which version built this page: https://layerguide.github.io/layerguide/en/install.html
"""

# %%
# One filter, three channels
# --------------------------
# We cut a 64 × 64 colour crop from chapter 1's photo (each value the mean of a 6 × 6 block)
# and run the lesson's layer on it, ``Conv2d(3, 16, 5)``, here with stride 1. Its weight is
# (16, 3, 5, 5): each of the 16 filters has one 5 × 5 slice per input :term:`channel`.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

from layerguide import trace
from layerguide.autoencoder import AutoencoderConfig
from layerguide.autoencoder.encoder import Encoder
from layerguide.layers import Conv2d, Flatten, Linear, Sequential
from layerguide.lesson.bridges import (
    channel_patch,
    channel_sums,
    equivariance,
    linear_as_conv,
    linear_at_every_pixel,
    parameter_bill,
    pointwise_linear,
)
from layerguide.lesson.convnet import HD_FRAME
from layerguide.torch_twin import max_difference
from layerguide.viz import use_korean_font
from layerguide.viz.bridges import show_bill_by_idea, show_channels_by_hand, show_equivariance

LANG = "en"
use_korean_font()

with cbook.get_sample_data("grace_hopper.jpg") as f:
    photo = plt.imread(f)  # (600, 512, 3) uint8
blocks = photo[:600, :510].reshape(100, 6, 85, 6, 3).mean(axis=(1, 3)) / 255  # (100, 85, 3)
image = np.moveaxis(blocks, -1, 0)[None].astype(np.float32)  # (1, 3, 100, 85)
crop = image[:, :, :64, 8:72]  # (1, 3, 64, 64)
conv = Conv2d(3, 16, 5, rng=0)
maps = conv(crop)  # (1, 16, 60, 60)
print("weight:", conv.weight.shape, " input:", crop.shape, " output:", maps.shape)

# %%
# Take filter 0 and its strongest output, at row r and column c. The window it reads is a
# 3 × 5 × 5 block: a 5 × 5 patch of the red channel, one of the green and one of the blue.
# Multiply each patch by its own slice of the filter and add the 25 products; that gives
# three numbers, one per channel. Their sum plus the filter's bias is the layer's output.

r, c = np.unravel_index(np.abs(maps[0, 0]).argmax(), maps.shape[2:])
sums = channel_sums(conv, crop, 0, r, c)  # (3,): one sum per input channel
bias = float(conv.bias.data[0])
by_hand, layer = sums.sum() + bias, float(maps[0, 0, r, c])
print(f"output ({r}, {c}): {' '.join(f'{s:+.4f}' for s in sums)} {bias:+.4f} = {by_hand:.4f}")
print(f"the layer: {layer:.4f}; largest difference from torch: {max_difference(conv, crop):.1e}")
patch = channel_patch(conv, crop, r, c)  # (3, 5, 5)
show_channels_by_hand(patch, conv.weight.data[0], sums, bias, layer, lang=LANG)

# %%
# So both sentences are true. The lesson says the filter is *applied to each of the 3
# channels*: every channel meets its own 5 × 5 slice. Chapter 3 says a :term:`filter`
# *sees all channels at once*: the three results are added into one output value, so the
# filter is one 3 × 5 × 5 block, not three separate filters. This is why the lesson counts
# 3 × 16 × 5 × 5 weights.
#
# A 1 × 1 convolution is a Linear layer at every pixel
# ----------------------------------------------------
# With a 1 × 1 kernel the window is a single pixel: its 16 channel values. Each output
# channel is then a weighted sum of those 16 values plus a bias, which is exactly what
# ``Linear(16, 4)`` does to a vector of 16 numbers. Put the convolution's (4, 16, 1, 1)
# weight into a Linear layer and apply it to every pixel's channel vector: the outputs agree.

mix = Conv2d(16, 4, 1, rng=1)
per_pixel = pointwise_linear(mix.weight.data, mix.bias.data)  # Linear(16, 4)
mix_gap = np.abs(mix(maps) - linear_at_every_pixel(per_pixel, maps)).max()
print(per_pixel, f" largest difference: {mix_gap:.1e}")

# %%
# The autoencoder of chapter 5 ends its encoder with such a layer: ``to_code`` is
# ``Conv2d(96, 8, 1)`` and turns 96 channels of 4 × 4 into the 8 channels of the code. It
# is a ``Linear(96, 8)`` applied at each of the 16 positions. We copy its weights (freshly
# initialised here) into our Linear layer and compare with PyTorch on a random input.

torch.manual_seed(0)
to_code = Encoder(AutoencoderConfig()).to_code  # torch Conv2d(96, 8, kernel_size=1)
as_linear = pointwise_linear(to_code.weight.detach().numpy(), to_code.bias.detach().numpy())
hidden = np.random.default_rng(0).random((1, 96, 4, 4), dtype=np.float32)
with torch.no_grad():
    code = to_code(torch.from_numpy(hidden)).numpy()  # (1, 8, 4, 4)
code_gap = np.abs(code - linear_at_every_pixel(as_linear, hidden)).max()
print(to_code, "→", as_linear, f" largest difference: {code_gap:.1e}")

# %%
# Flatten + Linear is one big convolution
# ---------------------------------------
# The other way round: Flatten the 16 maps of 60 × 60 and apply ``Linear(57600, 10)``.
# Each of the 10 outputs has one weight per value of the map. Read its weight row as a
# (16, 60, 60) block and it is a filter as large as the whole map: a ``Conv2d(16, 10, 60)``
# fits exactly once and gives a (1, 10, 1, 1) output with the same ten numbers.

head = Linear(16 * 60 * 60, 10, rng=2)
whole = linear_as_conv(head, (16, 60, 60))
flat_out, conv_out = Sequential(Flatten(), head)(maps), whole(maps)
head_gap = np.abs(flat_out - conv_out[:, :, 0, 0]).max()
print(whole, flat_out.shape, conv_out.shape, f" largest difference: {head_gap:.1e}")

# %%
# A Linear layer is a convolution with no :term:`locality` left: every output
# reads every input. What makes a convolution cheap is the small window.
#
# Move the input, the output moves
# --------------------------------
# The same filter is used at every position (:term:`weight sharing`). So if the picture
# moves by 3 pixels up and 5 to the left, every window finds the same pixels 3 rows higher
# and 5 columns further left, and the feature map moves by exactly as much. This is
# :term:`translation equivariance`. We compare the two feature maps where they overlap; the
# largest difference is float32 rounding. With a stride s the output moves by 1 for every
# s pixels: the lesson's stride-5 layer moves its map by (1, 2) when the input moves by
# (5, 10).

shift = equivariance(conv, image[:, :, :, 8:], 3, 5, 64)
strided = equivariance(Conv2d(3, 16, 5, stride=5, rng=0), image[:, :, :, 8:], 5, 10, 64)
print(f"stride 1: {shift.difference:.1e};  stride 5: {strided.difference:.1e}")
show_equivariance(
    [x[0] for x in shift.inputs], [o[0, 0] for o in shift.outputs], (3, 5), shift.difference,
    lang=LANG,
)  # fmt: skip

# %%
# An honest parameter bill
# ------------------------
# Back to the lesson's example: a 3 × 1080 × 1920 frame and ``Conv2d(3, 16, 5, stride=5)``,
# whose output is 16 × 216 × 384 = 1,327,104 values. Three layers give an output of that
# shape, and their bills differ by almost ten orders of magnitude:
#
# * a dense layer, a weight from each of the 6,220,800 input values to each output value:
#   about 8.26 × 10¹² weights;
# * a :term:`locally connected layer`, where each output reads only
#   its own 3 × 5 × 5 window but has its own 75 weights and bias, shared with nobody:
#   99,532,800 weights and 1,327,104 biases;
# * the convolution: 1,200 weights and 16 biases.
#
# Locality alone divides the weights by 82,944; weight sharing divides them by 82,944
# again. The two factors are equal because with stride 5 the 5 × 5 windows tile the frame
# exactly: 216 × 384 = 82,944 windows of 75 values make the 6,220,800 inputs. Sharing saves
# parameters, not arithmetic: the convolution still computes 99,532,800 :term:`MACs`, one
# multiply-accumulate for each weight the locally connected layer would hold.

bill = parameter_bill()
for name, cost in bill.items():
    print(f"{name:>15}: {cost.weights:>17,} weights + {cost.biases:>9,} biases = {cost.total:,}")
locality, sharing = (bill["dense"].weights // bill["local"].weights,
                     bill["local"].weights // bill["conv"].weights)  # fmt: skip
print(f"locality saves ×{locality:,}, weight sharing ×{sharing:,}")
macs = trace(Conv2d(3, 16, 5, stride=5), HD_FRAME).total_macs
print(f"the convolution's MACs: {macs:,}")

# %%
# The lesson then flattens the maps and adds ``Linear(→1)``: 1,328,321 parameters, against
# 6,220,801 for the Linear layer on the whole frame (the lesson's 1.3 million and 6.2
# million). Most of the saving comes from the stride, not from the convolution: with stride 1
# the map is 16 × 1,076 × 1,916 = 32,985,856 values, and the model needs 32,987,073
# parameters, 5.3 times more than the brute-force Linear layer. Many real networks (ResNet
# among them) end instead with :term:`global average pooling`: the mean of each feature map,
# 16 numbers, then ``Linear(16, 1)``. That model has 1,233 parameters, and the count is the
# same for a frame of any size.

small = parameter_bill((3, 64, 64))
times = bill["stride1_linear"].total / bill["linear"].total
print(f"stride 1 + Flatten + Linear: {times:.1f} × the Linear layer on the frame")
print(f"global average pooling head: {bill['gap_linear'].total:,} (on 64 × 64: "
      f"{small['gap_linear'].total:,})", maps.mean(axis=(2, 3)).shape)  # fmt: skip
show_bill_by_idea({k: v.total for k, v in bill.items()}, (16, 216, 384), 75, lang=LANG)

# %%
# Run as a script, this file opens every figure.

plt.show()

# %%
# What to remember
# ----------------
# * A filter has one k × k slice per input channel; one output value is the sum over the
#   channels of slice × patch, plus one bias.
# * A 1 × 1 convolution is a Linear layer applied to every pixel's channel vector; Flatten +
#   Linear is a convolution whose kernel covers the whole map.
# * Locality (small windows) and weight sharing (one kernel everywhere) each cut the weights of
#   the lesson's dense layer by a factor of 82,944; sharing also makes the layer translation equivariant.
# * The stride makes the map small; global average pooling makes the head independent of
#   the image size.
#
# Further reading
# ---------------
# * d2l, From Fully Connected Layers to Convolutions:
#   https://d2l.ai/chapter_convolutional-neural-networks/why-conv.html
# * CS231n, Convolutional Neural Networks: https://cs231n.github.io/convolutional-networks/
# * Min Lin, Qiang Chen, Shuicheng Yan, Network In Network (2013; 1 × 1 convolutions, global
#   average pooling):
#   https://arxiv.org/abs/1312.4400

# %%
# Try it yourself
# ----------------
# Predict, count and fix things on your own, then check your answers against worked solutions:
# :doc:`/exercises/07_why_convolution`.
