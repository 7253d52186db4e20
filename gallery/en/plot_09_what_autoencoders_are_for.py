r"""
What autoencoders are for
=========================

Chapter 5 trained an :term:`autoencoder` to copy a digit through a :term:`code` of 128
numbers. A copy of the input is not useful in itself, so what is the network good for? This
chapter tries three uses on our own model, as the Keras blog does: a
:term:`denoising autoencoder` that turns noisy digits into clean ones, the code space made
visible with :term:`principal component analysis`, and a walk from one digit's code to
another's (:term:`interpolation`). Then it measures the caveats: an autoencoder loses
information, it knows only the kind of data it was trained on, and it is no compressor for
other images.

To run this chapter yourself, install the package it uses (``pip install layerguide``).
How, and which version built this page: https://layerguide.github.io/layerguide/en/install.html
"""

# %%
# Two models, one difference
# --------------------------
# The first model is chapter 5's: trained to copy clean digits. The second has the same
# layers and the same training budget; only its inputs differ. Every training digit arrives
# with noise: each pixel gets 0.5 times a random number from the standard normal
# distribution added, and the result is clipped to [0, 1] (the Keras blog's recipe). The
# loss still compares the output with the *clean* digit. A network that only copied its
# input would copy the noise too; to do well, this one has to learn what a digit looks like.
# Both models are trained once, cached, and shared by the two language versions.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import cbook

from layerguide.autoencoder import (
    DENOISE_BUDGET,
    PAGE_BUDGET,
    AutoencoderConfig,
    add_noise,
    evaluate,
    load_mnist,
    pretrained,
)
from layerguide.lesson.uses import (
    as_digit,
    code_path,
    codes_of,
    first_of,
    grey_share,
    image_scores,
    nearest_label_agreement,
    pca,
    pixel_path,
    stripes,
    zlib_sizes,
)
from layerguide.viz import (
    score_table,
    show_code_map,
    show_code_path,
    show_denoising,
    show_strangers,
    use_korean_font,
)

LANG = "en"
use_korean_font()

test = load_mnist("test")
n_test = 1000  # the first 1,000 test digits: enough to measure, quick to run
x, labels = test.images[:n_test], test.labels[:n_test]
config = AutoencoderConfig()
plain, plain_info = pretrained(config, PAGE_BUDGET)
denoiser, denoiser_info = pretrained(config, DENOISE_BUDGET)
budget = DENOISE_BUDGET
print(f"both models: {budget.steps} steps of {budget.batch_size} images")
print(f"noise on the denoising model's inputs: std {budget.noise}")

# %%
# Noisy digit in, clean digit out
# -------------------------------
# The first 1,000 test digits get noise of the same strength, drawn with their own fixed
# random numbers that no model saw in training. From the top: the noisy input, what each
# model makes of it, and the clean digit. Under each model's name is its BCE against the
# clean digits, over all 1,000.

noisy = add_noise(x, budget.noise, generator=torch.Generator().manual_seed(9))
models = {"plain": plain, "denoising": denoiser}
noisy_bce = {k: evaluate(m, x, inputs=noisy).bce for k, m in models.items()}
clean_bce = {k: evaluate(m, x).bce for k, m in models.items()}
with torch.no_grad():
    outputs = {k: torch.sigmoid(m(noisy[:8])) for k, m in models.items()}
rows = {"noisy": noisy[:8], **outputs, "clean": x[:8]}
show_denoising(rows, bce=noisy_bce, lang=LANG)
print(f"plain: BCE {noisy_bce['plain']:.4f} noisy, {clean_bce['plain']:.4f} clean")
print(f"denoising: BCE {noisy_bce['denoising']:.4f} noisy, {clean_bce['denoising']:.4f} clean")

# %%
# On the noisy digits the denoising autoencoder's BCE is about half the plain one's. The
# plain model tries to copy the speckles as well and loses the strokes among them; the
# denoising one keeps the strokes and drops the speckles. On clean digits the order turns
# around: the plain model is a little better there, since the denoiser spent the same
# training on a harder task.

# %%
# The code space, made visible
# ----------------------------
# Each code is a point in a space of 128 dimensions, which no one can draw. Principal
# component analysis finds the two directions along which the codes vary most, and
# projects every code onto them. The computation is one singular value decomposition of the
# centred codes (NumPy's ``np.linalg.svd``). Below are the codes of the 1,000 test digits,
# coloured by the digit's label. The encoder never saw a label.

codes = codes_of(plain, x)
projection = pca(codes, k=2)
show_code_map(projection.points, labels, projection.explained, lang=LANG)
print("share of the variance on the two axes:", np.round(projection.explained, 3))
agree_code = nearest_label_agreement(codes, labels)
agree_pixels = nearest_label_agreement(x.reshape(n_test, -1), labels)
agree_2d = nearest_label_agreement(projection.points, labels)
print(f"nearest neighbour has the same label: code {agree_code:.1%}, ", end="")
print(f"pixels {agree_pixels:.1%}, 2-D picture {agree_2d:.1%}")

# %%
# Some digits gather in regions of their own, the 1s most clearly, although no label played
# any part in training; others overlap. The two axes carry less than a third of the
# variance (each axis label gives its share), so the picture hides much of the code. The
# numbers printed above say how much: in the full code, a digit's nearest neighbour among
# the 1,000 is the same digit about nine times in ten, about as often as with the 784
# pixels themselves; in the two-dimensional picture only about one time in three, though
# that is still well above the one in ten a guess would get.

# %%
# A walk between two codes
# ------------------------
# Take the codes of two test digits, a 2 and a 7, and decode the points on the straight
# line between them: ``(1 − t)·code(2) + t·code(7)`` for eight values of ``t``. The second row
# blends the two images' pixels with the same weights.

a, b = test.images[first_of(test.labels, 2)], test.images[first_of(test.labels, 7)]
t = np.linspace(0, 1, 8)
paths = {"code": code_path(plain, a, b, steps=8), "pixels": pixel_path(a, b, steps=8)}
show_code_path(paths, t, lang=LANG)
grey = grey_share(paths["code"])
print("share of grey pixels (0.25 < value < 0.75) along the code path:", np.round(grey, 3))

# %%
# The pixel blend is one digit fading out while the other fades in; halfway, both are there
# at half strength. The decoded path changes the strokes themselves, but its middle images
# are smudges rather than digits: they have more grey pixels, neither ink nor paper, than
# either end (the shares printed above). Our autoencoder was only ever asked to rebuild the
# codes of real digits, never the points between them. Models built for walking through the code
# space, such as variational autoencoders, add that requirement to their training.

# %%
# What an autoencoder is not
# --------------------------
# **Lossy.** Even on digits, the output is not the input. Chapter 5's floor is the BCE a
# perfect copy would get; the table below shows the test digits above it, and the
# reconstructions show the details lost.
#
# **Specific to its data.** The same model gets two images that are no digits: chapter 1's
# photo of Grace Hopper, made grey and shrunk to 28 × 28 (each pixel the mean of the photo's
# pixels it covers), and a pattern of diagonal stripes. Next to them are a test digit and
# the test digit the model rebuilds worst.

with cbook.get_sample_data("grace_hopper.jpg") as f:
    photo = as_digit(plt.imread(f))
digits = image_scores(plain, x)
worst = int(digits.bce.argmax())
names = ["digit", "worst", "photo", "stripes"]
inputs = np.concatenate([x[[0, worst]], photo, stripes()])  # (4, 1, 28, 28)
scores = image_scores(plain, inputs)
show_strangers(names, inputs, scores, lang=LANG)
score_table(names, scores, digits=digits, lang=LANG)

# %%
# The model draws something digit-like from whatever it gets. The photo's BCE is more than
# ten times the digits' mean and higher than that of any of the 1,000 test digits. The
# photo's grey pixels raise its floor too, so the table also gives BCE − floor, which is 0
# only for a perfect copy: for the photo and for the stripes it is more than ten times the
# digits' mean as well.
#
# **Not a compressor for other images.** Stored as float32, the code takes 128 × 4 = 512
# bytes per digit, and the digit comes back with losses. ``zlib``, a general lossless
# compressor, stores each 784-byte test digit exactly in far fewer bytes, as printed below.

code_bytes = config.code_size * 4
zipped = zlib_sizes(x)
print(f"code: {code_bytes} bytes, lossy; zlib.compress: {zipped.mean():.0f} bytes, exact")

# %%
# Run as a script, this file opens every figure in a window.

plt.show()

# %%
# What to remember
# ----------------
# * A denoising autoencoder sees a damaged input and is scored against the clean one; it
#   removes the kind of damage it was trained on, here at the cost of a slightly worse copy
#   of clean digits.
# * The code space can be looked at: principal component analysis projects the codes on
#   their two main axes, where digits of one kind gather without any label in training.
#   Two axes show only part of the variance.
# * Decoding the points between two codes gives a path from one digit to another; nothing
#   in training asked for the points in between to be digits, and the middle of the path
#   shows it.
# * An autoencoder loses information, works only on data like its training data (a photo
#   or stripes come back as digit-like smudges) and is a poor compressor: zlib stores a
#   digit exactly in fewer bytes than the code takes.
#
# Further reading
# ---------------
# * Francois Chollet, "Building Autoencoders in Keras", the Keras blog (2016):
#   https://blog.keras.io/building-autoencoders-in-keras.html
# * Pascal Vincent, Hugo Larochelle, Yoshua Bengio and Pierre-Antoine Manzagol, "Extracting
#   and Composing Robust Features with Denoising Autoencoders", ICML (2008):
#   https://www.cs.toronto.edu/~larocheh/publications/icml-2008-denoising-autoencoders.pdf
# * Geoffrey Hinton and Ruslan Salakhutdinov, "Reducing the Dimensionality of Data with
#   Neural Networks", Science (2006): https://www.science.org/doi/10.1126/science.1127647
# * Diederik P. Kingma and Max Welling, "Auto-Encoding Variational Bayes" (2013):
#   https://arxiv.org/abs/1312.6114
# * NumPy's ``np.linalg.svd``:
#   https://numpy.org/doc/stable/reference/generated/numpy.linalg.svd.html

# %%
# Try it yourself
# ----------------
# Predict, count and fix things on your own, then check your answers against worked solutions:
# :doc:`/exercises/09_what_autoencoders_are_for`.
