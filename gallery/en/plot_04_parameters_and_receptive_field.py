r"""
Parameters and receptive field: why convolution pays off
========================================================

A Linear layer looks at every input number at once and pays one weight for each. A
convolution looks through a small window and reuses the same few weights everywhere.
This chapter counts what that saves with ``layerguide.trace``, watches how far each layer
can "see" (its receptive field) as layers stack up, and finally traces a 90-minute movie
— 849 GB of numbers — without allocating any of it.
"""

# %%
# A Linear layer on a whole image
# -------------------------------
# ``trace(model, input_size)`` runs the model once and writes down, for every layer, the input
# and output shape, the parameters and the formula behind them, the
# :term:`multiply-accumulate` operations (:term:`MACs`; 1 MAC = 2 FLOPs) and the receptive
# field. It runs on PyTorch's *meta* device: shapes are computed, numbers are not, so no
# memory is used.
#
# First the lesson's brute-force model: flatten one Full-HD colour frame,
# (1, 3, 1080, 1920), into 6,220,800 numbers and connect all of them to one output.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.patches import Rectangle
from torch import nn

from layerguide import trace
from layerguide.viz import use_korean_font

use_korean_font()
torch.manual_seed(0)

frame = (1, 3, 1080, 1920)
with torch.device("meta"):  # no memory for the weights either
    dense = nn.Sequential(nn.Flatten(), nn.Linear(3 * 1080 * 1920, 1))
dense_trace = trace(dense, frame, lang="en")
dense_trace

# %%
# One output already costs 6,220,801 parameters: a weight per input number plus one
# bias. A layer with 100 outputs would need more than 600 million.

print(f"Linear on the whole frame: {dense_trace.total_params:,} parameters")
print(dense_trace.rows[-1].param_formula)

# %%
# Sixteen small filters instead
# -----------------------------
# A convolution with 16 filters of 5 × 5 over the 3 colour channels has
# 3 × 16 × 5 × 5 = 1,200 weights and 16 biases, whatever the size of the image. With a
# stride of 5 the windows do not overlap, and the frame becomes a stack of 16 feature
# maps of 216 × 384. Flatten them and add the same single output:

with torch.device("meta"):
    conv = nn.Sequential(
        nn.Conv2d(3, 16, kernel_size=5, stride=5),
        nn.Flatten(),
        nn.Linear(16 * 216 * 384, 1),
    )
conv_trace = trace(conv, frame, lang="en")
conv_trace

# %%
# The convolution itself holds 1,216 parameters; the Linear layer after it holds the
# rest, because 16 × 216 × 384 = 1,327,104 numbers still reach it. In total 1,328,321
# parameters, 4.7 times fewer than the 6,220,801 of the brute-force model — and each
# filter is now a small pattern detector used at every position.

print(f"Conv2d: {conv_trace.rows[0].param_formula}")
print(f"feature maps: {conv_trace.rows[0].output_shape}")
print(f"after Flatten: {conv_trace.rows[1].output_shape}")
print(f"total: {conv_trace.total_params:,} parameters")
ratio = dense_trace.total_params / conv_trace.total_params
print(f"{ratio:.1f} times fewer than {dense_trace.total_params:,}")

fig, ax = plt.subplots(figsize=(7, 2.2))
labels = ["Linear on the frame", "Conv2d (16 filters 5×5)", "Conv2d + Linear"]
counts = [dense_trace.total_params, conv_trace.rows[0].params, conv_trace.total_params]
ax.barh(labels, counts, color=["tab:red", "tab:green", "tab:blue"])
ax.set_xscale("log")
ax.invert_yaxis()
for y, n in enumerate(counts):
    ax.text(n, y, f" {n:,}", va="center")
ax.set_xlim(100, 1e8)
ax.set_xlabel("parameters (log scale)")
ax.set_title("Parameters needed for one output from a 1080×1920 colour frame")
fig.tight_layout()

# %%
# How far a layer can see
# -----------------------
# One output of that 5 × 5 convolution depends on a 5 × 5 patch of the image: its
# :term:`receptive field`. Stack layers and the field grows. A 3 × 3 convolution adds
# 2 steps of the layer below; a 2 × 2 max pooling doubles the :term:`effective stride`, the
# distance in input pixels between neighbouring outputs, so every later layer grows the
# field twice as fast. Here is a small stack on a 32 × 32 grey image:

stack = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding=1),
    nn.ReLU(),
    nn.Conv2d(8, 8, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 16, 3, padding=1),
)
stack_trace = trace(stack, (1, 1, 32, 32), lang="en")
stack_trace

# %%
# The fields of the convolution and pooling rows grow 3, 5, 6, 10, 12, 20 pixels,
# while the effective stride goes 1, 1, 2, 2, 4, 4. Each square below is the field of
# the centre output of one layer, drawn on the input image.

grown = [r for r in stack_trace.rows if r.kind != "ReLU"]
for row in grown:
    print(f"{row.name} {row.kind:9} field {row.receptive_field}  stride {row.effective_stride}")

fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4))
left.imshow(np.zeros((32, 32)), cmap="Greys", vmin=0, vmax=1)
left.set_xticks(range(-1, 32, 8))
left.set_yticks(range(-1, 32, 8))
left.grid(color="0.85", lw=0.5)
colors = plt.cm.viridis(np.linspace(0, 0.9, len(grown)))
for row, color in zip(grown, colors, strict=True):
    size = row.receptive_field[0]
    corner = 15.5 - size / 2 + 0.5
    left.add_patch(Rectangle((corner, corner), size, size, fill=False, lw=2, color=color))
    left.text(corner + 0.3, corner + 0.9, f"{row.name}: {size}", color=color, fontsize=8)
left.set_title("Receptive field of the centre output")
steps = range(1, len(grown) + 1)
right.plot(steps, [r.receptive_field[0] for r in grown], "o-", label="receptive field")
right.plot(steps, [r.effective_stride[0] for r in grown], "s--", label="effective stride")
right.set_xticks(list(steps), [f"{r.name}\n{r.kind}" for r in grown], fontsize=8)
right.set_ylabel("input pixels")
right.set_title("Pooling makes later layers see faster")
right.legend()
fig.tight_layout()

# %%
# The field follows the data, not the list of layers: where two branches meet
# (``x + y`` or ``torch.cat``) it is the larger of the two, and after ``Flatten`` a Linear
# layer sees the whole image. That is how the tracer reproduces published figures:
# 195 pixels for AlexNet, 212 for VGG16 and 483 for ResNet-50.
#
# A 90-minute movie, traced without memory
# ----------------------------------------
# At 30 frames per second, 90 minutes are 162,000 frames. As one black-and-white batch of
# 1280 × 1024 frames the movie has the shape (162000, 1, 1280, 1024): 849 GB as float32.
# Tools that build a real input tensor (torchinfo 1.8 does, even with
# ``device="meta"``) fail on it; the meta device only ever holds the shapes.

movie = (162_000, 1, 1280, 1024)
movie_net = nn.Sequential(
    nn.Conv2d(1, 16, 5, stride=5),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3, padding=1),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Flatten(),
    nn.Linear(32 * 64 * 51, 10),
)
movie_trace = trace(movie_net, movie, lang="en")
movie_trace

# %%
# The whole network holds 1,049,546 parameters, yet one pass over the movie would take
# 13.3 trillion MACs, and the first feature maps alone, (162000, 16, 256, 204), are more
# than 135 billion numbers. The trace tells us all this before we spend a byte.

first = movie_trace.rows[0].output_shape
print(f"input: {movie_trace.input_shapes[0]}, {162_000 * 1280 * 1024 * 4:,} bytes as float32")
print(f"first feature maps: {first} = {torch.Size(first).numel():,} numbers")
print(f"parameters: {movie_trace.total_params:,}")
print(f"MACs: {movie_trace.total_macs:,} (FLOPs: {movie_trace.total_flops:,})")

# %%
# What to remember
# ----------------
# * A Linear layer on a flattened image pays one weight per pixel and channel:
#   6,220,801 parameters for one output from a Full-HD frame.
# * A convolution pays for its filters only, 3 × 16 × 5 × 5 + 16 = 1,216 here, whatever
#   the image size; with Flatten + Linear(→1) the model has 1,328,321.
# * The receptive field grows with every layer, and faster after each pooling, which
#   multiplies the effective stride.
# * ``layerguide.trace`` shows shapes, parameters, MACs and receptive fields without
#   allocating the data — even for an 849 GB movie.

# %%
# Try it yourself
# ----------------
# Predict, count and fix things on your own, then check your answers against worked solutions:
# :doc:`/exercises/04_parameters_and_receptive_field`.
