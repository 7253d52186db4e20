r"""
Pooling, its alternatives, and where the memory goes
====================================================

Chapter 4 measured what max pooling does forward: a one-pixel shift matters less after it.
This chapter follows the other direction, training's backward pass, and sees where pooling
sends the gradient. Then it puts pooling beside what real networks use instead (a strided
convolution, dilation, stacks of small convolutions), counts what a pooling saves in the
layers after it, and ends with VGG-16: where its parameters live, and where its memory goes.

To run this chapter yourself, install the package it uses (``pip install layerguide``).
How, and which version built this page: https://layerguide.github.io/layerguide/en/install.html
"""

# %%
# Where the gradient goes
# -----------------------
# Take the 4 × 4 map of chapter 3's pooling figure and pool it with the NumPy
# ``MaxPool2d(2)``: each 2 × 2 window keeps its largest value. In training, a gradient then
# comes back to the pooled output, one value per window; here 1, 2, 3 and 4. The layer's
# ``backward`` has to say how much of it each of the 16 inputs gets.

import numpy as np
import torch

from layerguide import trace
from layerguide.layers import MaxPool2d
from layerguide.lesson.pooling import (
    HEADS,
    POOL_INPUT,
    UPSTREAM,
    alternatives,
    average_pool,
    average_pool_backward,
    pooled_head,
)
from layerguide.lesson.vgg import vgg16, vgg_blocks
from layerguide.viz import (
    alternatives_table,
    show_layer_bill,
    show_pool_gradients,
    show_pooling_savings,
    use_korean_font,
)

LANG = "en"
use_korean_font()

pool = MaxPool2d(2)
pooled = pool(POOL_INPUT)  # (1, 1, 4, 4) → (1, 1, 2, 2)
max_grad = pool.backward(UPSTREAM)  # (1, 1, 2, 2) → (1, 1, 4, 4)
print("pooled:", pooled[0, 0].tolist())
print("input gradient:", max_grad[0, 0].tolist())

# %%
# Each window's gradient goes, whole, to the input that won the window, the one whose value
# was passed on; the other 12 of the 16 inputs get 0. This is the rule of the maximum's
# derivative: nudge a loser a little and the output does not move. So in one training step
# only 4 of the 16 positions, and the weights that computed them, receive a gradient
# through this pooling.
#
# :term:`Average pooling <average pooling>` keeps the mean of each window instead. Every
# input adds a quarter to its window's mean, so every input gets a quarter of its window's
# gradient: none gets 0, and the whole gradient, 10, arrives either way.

average = average_pool(POOL_INPUT, 2)  # (1, 1, 2, 2)
avg_grad = average_pool_backward(UPSTREAM, 2)  # (1, 1, 4, 4)
zeros = int((max_grad == 0).sum())
print(f"max pooling: {zeros} of {max_grad.size} inputs get 0, total {max_grad.sum():g}")
print("average pooled:", average[0, 0].tolist())
print(f"average pooling: {np.unique(avg_grad).tolist()}, total {avg_grad.sum():g}")
show_pool_gradients(POOL_INPUT, UPSTREAM, max_grad, avg_grad, lang=LANG)

# %%
# What networks use instead
# -------------------------
# Pooling does two jobs: it shrinks the map, and it makes every later layer's
# :term:`receptive field` grow faster. Other layers do these jobs too. We put pooling
# and four of them on a map of 64 channels, 56 × 56 (the map ResNet's first layers hand
# on), and trace them (no biases, to count weights only):
#
# * a **strided convolution**, 3 × 3 at stride 2, shrinks the map like the pooling does,
#   but with weights that learn how;
# * a **dilated convolution**, 3 × 3 with :term:`dilation` 2, spreads its 9 taps over
#   5 × 5 pixels: a larger field for the same weights, and the size kept;
# * **three 3 × 3 convolutions** in a row see as far as **one 7 × 7 convolution**.

C = 64
MAP = (1, C, 56, 56)
with torch.device("meta"):  # shapes only, no memory
    ways = alternatives(C)
way_traces = {key: trace(way, MAP, lang=LANG) for key, way in ways.items()}
alternatives_table(way_traces, lang=LANG)

# %%
# The strided convolution gives the same (1, 64, 28, 28) as the pooling, with
# 9 × 64² = 36,864 weights. The dilated one keeps 56 × 56 and sees 5 × 5. Three 3 × 3
# convolutions see 7 × 7 pixels, exactly as far as one 7 × 7 convolution, with 27 × 64² =
# 110,592 weights instead of 49 × 64² = 200,704: 55% of them. And the stack has two
# ReLUs inside, which one convolution does not. This is why VGG uses 3 × 3 convolutions
# only.

params = {key: t.total_params for key, t in way_traces.items()}
fields = {key: t.rows[-1].receptive_field for key, t in way_traces.items()}
print(f"strided: {way_traces['strided'].output_shape}, {params['strided']:,} weights")
print(f"dilated: {way_traces['dilated'].output_shape}, field {fields['dilated']}")
print(f"3 × 3 three times: field {fields['three_3x3']}, {params['three_3x3']:,} weights")
print(f"7 × 7 once: field {fields['one_7x7']}, {params['one_7x7']:,} weights")
stack_share = params["three_3x3"] / params["one_7x7"]
print(f"the stack needs {stack_share:.0%} of the weights")

# %%
# What pooling saves after it
# ---------------------------
# A pooling has no parameters, but it changes the bill of every layer after it. Put a
# 3 × 3 convolution (64 → 128 channels) and a classifier with 10 outputs on the same
# 64 × 56 × 56 map, three ways: without pooling (Flatten + Linear); with a 2 × 2 max
# pooling first; and without pooling but with :term:`global average pooling` (chapter 7)
# before the Linear, one mean per channel, which is how most networks after VGG end.

with torch.device("meta"):
    heads = {head: pooled_head(C, 56, head) for head in HEADS}
head_traces = {head: trace(model, MAP, lang=LANG) for head, model in heads.items()}
convs = {head: next(r for r in t.rows if r.kind == "Conv2d") for head, t in head_traces.items()}
conv_macs = {head: conv.macs for head, conv in convs.items()}
linear_params = {head: t.rows[-1].params for head, t in head_traces.items()}
print("MACs of the convolution:", conv_macs)
print("parameters of the Linear:", linear_params)
show_pooling_savings(head_traces, lang=LANG)

# %%
# The convolution's 73,856 parameters do not change, but on the pooled 28 × 28 map it runs
# at a quarter of the positions: 57,802,752 MACs instead of 231,211,008. The Linear after
# Flatten shrinks by the same factor, from 4,014,090 parameters to 1,003,530, because it
# has one weight per value it reads. Global average pooling leaves it 128 values to read:
# 1,290 parameters.

(conv_params,) = {conv.params for conv in convs.values()}  # one value: the same layer
print(f"convolution: {conv_params:,} parameters in every case")
print(f"pooling divides both by {conv_macs['flatten'] / conv_macs['pool']:g}")

# %%
# VGG-16: where the parameters live, where the memory goes
# --------------------------------------------------------
# VGG-16 is five blocks of 3 × 3 convolutions, each block ended by a 2 × 2 max pooling,
# then three Linear layers. ``vgg16()`` builds it as torchvision does, here on the meta
# device, and the trace has a column for each row's output memory, its share of the
# :term:`activation memory`. An in-place ReLU, a Flatten or a Dropout makes no new tensor
# and adds 0 B.

vgg_trace = trace(vgg16(device="meta"), (1, 3, 224, 224), lang=LANG)
vgg_trace

# %%
# The network has 138,357,544 parameters, and 102,764,544 of them, 74%, sit in its first
# Linear layer, which connects the 512 × 7 × 7 = 25,088 values of the last map to 4,096
# outputs. The memory goes the other way. One 224 × 224 image makes 60.4 MB of
# :term:`activations <activation>` as float32, and the first block (two convolutions with 64
# channels at full resolution, and its pooling) makes 47.8% of them with 0.03% of the
# parameters. Each pooling halves H and W, so the later blocks, with more channels, make
# less: 23.9%, 17.3%, 8.6% and 2.2%. Training keeps all of these for the backward pass, for
# every image of the batch; that is why memory limits the batch size long before the
# parameters do.

first_linear = next(r for r in vgg_trace.rows if r.kind == "Linear")
linear_share = first_linear.params / vgg_trace.total_params
blocks = vgg_blocks(vgg_trace)  # block1 … block5, then the head
memory_shares = [f"{float(b.activation_share):.1%}" for b in blocks]
print(f"{vgg_trace.total_params:,} parameters; {first_linear.name}: {linear_share:.0%}")
print(f"activations: {vgg_trace.activation_bytes / 1e6:.1f} MB; by block: {memory_shares}")
print(f"parameters of the first block: {float(blocks[0].param_share):.2%}")
show_layer_bill(vgg_trace.rows, lang=LANG)

# %%
# Run as a script, this file opens every figure in a window.

import matplotlib.pyplot as plt

plt.show()

# %%
# What to remember
# ----------------
# * The backward pass of max pooling gives each window's gradient to its winner only (12 of
#   16 inputs got 0 here); average pooling shares it evenly among the window's inputs.
# * A strided convolution shrinks a map with learned weights; a dilation widens the field
#   without more weights; three 3 × 3 convolutions see as far as one 7 × 7 with 27C²
#   instead of 49C² weights.
# * A pooling has no parameters but divides the work of the next convolution and the
#   parameters of a Linear after Flatten by 4 (2 × 2); global average pooling leaves the
#   Linear one value per channel.
# * In VGG-16 the first Linear holds 74% of the 138,357,544 parameters, while the first
#   block, with 0.03% of them, makes 47.8% of the activation memory (60.4 MB for one
#   224 × 224 image). ``trace`` shows both columns without allocating either.
#
# Further reading
# ---------------
# * d2l, Pooling: https://d2l.ai/chapter_convolutional-neural-networks/pooling.html
# * Simonyan & Zisserman, Very Deep Convolutional Networks for Large-Scale Image
#   Recognition (VGG): https://arxiv.org/abs/1409.1556
# * Springenberg et al., Striving for Simplicity: The All Convolutional Net:
#   https://arxiv.org/abs/1412.6806
# * Lin, Chen & Yan, Network In Network (global average pooling):
#   https://arxiv.org/abs/1312.4400
# * cs231n, Convolutional Neural Networks: https://cs231n.github.io/convolutional-networks/

# %%
# Try it yourself
# ----------------
# Predict, count and fix things on your own, then check your answers against worked solutions:
# :doc:`/exercises/08_pooling_and_memory`.
