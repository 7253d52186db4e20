r"""
Three ways to restore: upsampling, transposed convolution, fully connected
==========================================================================

The encoder made the digit small; the decoder has to make it big again. The lesson names
three families of decoders. **Upsampling** first enlarges the feature map by a fixed
rule, then lets a convolution fill in the detail. A **transposed convolution** enlarges
and filters in one learned step. A **fully connected** decoder ignores the grid altogether
and computes every pixel from all code values at once. This chapter shows what each
operation does to a tiny example, works out the transposed convolution's arithmetic, then
trains all five decoders with codes of the same size and compares them.

To run this chapter yourself, install the package it uses (``pip install layerguide``).
How, and which version built this page: https://layerguide.github.io/layerguide/en/install.html
"""

# %%
# Upsampling a 2 × 2 map to 4 × 4
# -------------------------------
# Take a 2 × 2 feature map with the values 1, 2, 3, 4.
#
# * **Nearest neighbor** (:term:`upsampling` by copying) copies each value into its whole
#   2 × 2 block.
# * **Bed of nails** puts each value in the top-left corner of its block and zeros
#   elsewhere.
# * **Max unpooling** puts each value back where the encoder's max pooling found its
#   maximum. It needs the pooling indices from the encoder, so it receives more than the
#   code: for every pooled value, which of the (at most) 4 positions of its window held
#   the maximum, up to 2 bits each.
#
# In PyTorch the first is ``nn.Upsample(scale_factor=2, mode="nearest")`` and the last
# ``nn.MaxUnpool2d(2)``; Keras calls the first ``UpSampling2D(2)`` and the transposed
# convolution below ``Conv2DTranspose``. Bed of nails has no layer of its own in either.

import matplotlib.pyplot as plt
import numpy as np
import torch

from layerguide import viz
from layerguide.autoencoder import (
    DECODER_FAMILIES,
    DECODERS,
    PAGE_BUDGET,
    AutoencoderConfig,
    bce_floor,
    bed_of_nails,
    load_mnist,
    max_unpool,
    nearest,
    pretrained,
)
from layerguide.layers import ConvTranspose2d
from layerguide.lesson import decoders as lesson
from layerguide.lesson import transposed
from layerguide.lesson.convnet import window_counts

LANG = "en"
viz.use_korean_font()

small = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])  # (N, C, H, W) = (1, 1, 2, 2)
pooled, indices = lesson.pooled_example()  # nn.MaxPool2d(2) of a 4 × 4 map: (1, 1, 2, 2)
print("pooled values:", pooled[0, 0].tolist(), " indices:", indices[0, 0].tolist())
panels = {"input": small, "nearest": nearest(small, 4), "bed_of_nails": bed_of_nails(small, 4)}
panels["max_unpool"] = max_unpool(pooled, indices, 4)
viz.show_upsampling(panels, lang=LANG)

# %%
# Added up over the whole encoder, that is a lot. All three poolings pass their indices
# on: 16·14·14 + 64·7·7 + 96·4·4 = 7,808 indices. An index into a full 2 × 2 window picks
# one of 4 positions: 2 bits. At 7 → 4 the last row and column of windows hang over the
# edge and have only 2 candidates (1 bit), the corner window 1 (0 bits). Together the
# indices carry about 14.8 kbit, against the 4,096 bits of the code's 128 float32 values:
# 3.6 times as much. The lesson names max unpooling, so we keep it, and the table below
# marks its head start.

side = lesson.unpool_side_information(AutoencoderConfig())
print("indices per pooling (C, H, W):", side.shapes, "=", f"{side.indices:,} indices")
print(f"{side.bits / 1000:.1f} kbit of indices vs {side.code_bits:,} bits of code")
print(f"ratio {side.bits / side.code_bits:.1f}")

# %%
# The same three rules in motion, starting from the 2 × 2 result of chapter 3's max
# pooling animation: each value travels to its place in the 4 × 4 map, and max unpooling
# uses that pooling's indices.

upsampling_steps = viz.animate_upsampling(lang=LANG)
upsampling_steps

# %%
# Transposed convolution and the checkerboard
# -------------------------------------------
# A :term:`transposed convolution` with stride 2 multiplies a whole k × k kernel by each
# input value, places the result at every second output position, and adds where the
# copies overlap. With all weights and all inputs equal to 1, the output simply counts
# how many copies land on each pixel. With kernel size 3 and stride 2 the count
# alternates between 1, 2 and 4: the kernel size is not divisible by the stride, so the
# overlap is uneven and a :term:`checkerboard artifact` appears (Odena, Dumoulin and Olah,
# Distill 2016). With kernel size 4 every interior pixel gets the same count.

counts = {}
for k in (3, 4):
    up = ConvTranspose2d(1, 1, k, stride=2, padding=1, output_padding=k % 2, bias=False)
    up.weight.data[...] = 1
    counts[k] = up(np.ones((1, 1, 4, 4), dtype=np.float32))[0, 0]  # (8, 8)
    print(f"kernel size {k}, stride 2: (4, 4) → {counts[k].shape}")
viz.show_overlaps(counts, lang=LANG)

# %%
# How big is the output?
# ----------------------
# For a transposed convolution, each side of the output is
# (n − 1)·s − 2·p + d·(k − 1) + output_padding + 1, with n the input size, s the stride,
# p the padding, d the dilation and k the kernel size. It runs the convolution's formula
# backwards: ``padding`` now crops, and ``output_padding`` adds a row and a column back at
# the bottom and right. The first three rows are the ``transpose`` decoder's layers; the
# column "ConvTranspose2d" is the size the layer really returned.
#
# Why ``output_padding``? A convolution with a stride above 1 rounds its output size
# down: with kernel size 3, stride 2 and padding 1 it maps both 7 and 8 to 4 (and 3 and 4
# to 2, 5 and 6 to 3). Going back from 4, the transposed convolution has to be told which
# size it came from: 7 without ``output_padding`` (first row), 8 with ``output_padding`` 1
# (fourth row).

print("n → Conv2d(k=3, s=2, p=1):", transposed.conv_sizes(range(3, 9), 3, 2, 1))
settings = [(4, 3, 2, 1, 0, 1), (7, 4, 2, 1, 0, 1), (14, 4, 2, 1, 0, 1), (4, 3, 2, 1, 1, 1)]
settings += [(7, 2, 2, 0, 0, 1), (7, 3, 2, 1, 1, 1), (4, 3, 1, 0, 0, 2)]
sizes = [(*a, lesson.transposed_size(*a), lesson.measured_size(*a)) for a in settings]
viz.size_table(sizes, lang=LANG)

# %%
# Which kernel sizes grow 4 to 7? Search kernel sizes 1 to 5 for the smallest padding
# (and output_padding below the stride) that gives 7 at stride 2:

fits = lesson.kernel_fits(4, 7, stride=2)
viz.fits_table(fits, lang=LANG)

# %%
# Five kernel sizes fit. A 1 × 1 kernel leaves three of every four output pixels empty,
# and a 2 × 2 kernel never overlaps its neighbors, so each output pixel comes from a single
# input value. Kernel sizes 4 and 5 work too; 4 needs an ``output_padding`` of 1 and 5 has
# more weights. The ``transpose`` decoder takes kernel size 3 for this first layer: the
# smallest kernel whose copies overlap, with the same padding of 1 on every side and no
# ``output_padding``. Its uneven overlap is the price; the next two layers use kernel size
# 4. They are also wider than the encoder after pooling (128 and 32 channels at 7 × 7 and
# 14 × 14, not 64 and 16): a transposed convolution works at the smaller size of each step,
# so extra channels cost less time there than in a convolution after upsampling.

# %%
# Why "transposed"? One layer, four ways
# ---------------------------------------
# Take the decoder's first setting (kernel size 3, stride 2, padding 1) with
# ``output_padding`` 1, so that a 2 × 2 input grows to 4 × 4, and a kernel holding 1 to 9
# so that every number can be followed. Four ways of computing it give the same output.
#
# **As an ordinary convolution.** Put stride − 1 = 1 zero between neighbouring input
# values (bed of nails), pad k − p − 1 = 1 zero on every side (and ``output_padding`` = 1
# more at the bottom and right), then slide the kernel over it at stride 1, flipped upside
# down and left to right. With several channels the kernel's first two axes swap too:
# ``ConvTranspose2d`` stores (C_in, C_out, k, k), a ``Conv2d`` wants (C_out, C_in, k, k).

kernel = np.arange(1.0, 10.0).reshape(3, 3)
y = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])  # (N, C, H, W) = (1, 1, 2, 2)
up = transposed.transposed_layer(kernel, stride=2, padding=1, output_padding=1)
out = up(y)  # (1, 1, 4, 4)
view = transposed.as_convolution(up, y)
print("ConvTranspose2d:\n", out[0, 0], "\nzeros, padding, flipped kernel:\n", view.output[0, 0])
viz.show_as_convolution(view, lang=LANG)

# %%
# **As a backward pass.** Read the same weights as a ``Conv2d(1, 1, 3, stride=2,
# padding=1)``, which maps 4 × 4 to 2 × 2. Its backward pass sends a gradient of its 2 × 2
# output back to its 4 × 4 input: given y, ``Conv2d.backward`` returns the output above.
# That is how chapter 3 counted windows. With all weights and inputs 1, the overlap counts
# of the previous section are chapter 3's window counts of ``Conv2d(1, 1, k, stride=2,
# padding=1)`` on an 8 × 8 input, computed with ``Conv2d.backward``.

by_backward = transposed.as_backward(up, y)
same = {k: np.array_equal(counts[k], window_counts(8, k, stride=2, padding=1)) for k in counts}
print("overlap counts == window counts of chapter 3:", same)

# %%
# **As a matrix.** A convolution is linear, so it is a matrix. On a 4 × 4 input this one
# is a 4 × 16 matrix C: each row holds the kernel's numbers at the places its window
# covers (at the border only part of the kernel; the rest falls on the padding). Its
# transpose Cᵀ is 16 × 4: it maps 4 values back to 16, exactly as the transposed
# convolution does, which is where the name comes from. The four ways, and torch's
# ``conv_transpose2d``, also agree on a layer with 8 input channels, 3 output channels
# and a bias (largest difference below 1e-15).

matrix = transposed.conv_matrix(kernel, 4, stride=2, padding=1)  # (4, 16)
by_matrix = (matrix.T @ y.ravel()).reshape(4, 4)
print("largest difference:", np.abs(by_backward - out).max(), np.abs(by_matrix - out).max())
wide = ConvTranspose2d(8, 3, 3, stride=2, padding=1, output_padding=1, dtype=np.float64, rng=0)
differences = transposed.max_differences(wide, np.random.default_rng(0).random((2, 8, 4, 4)))
print("8 → 3 channels, largest difference:", differences)
viz.show_conv_matrix(matrix, lang=LANG)

# %%
# **Transposed, not inverse.** C maps 16 numbers to 4, and its rank is 4: twelve
# directions of the input leave no trace in Cx, so inputs that differ only along them
# give the same Cx and nothing that sees Cx alone can tell them apart. Send a 4 × 4 patch
# x of the photo below through C and back. Cᵀ(Cx) is blown up and nowhere near x:
# ‖Cᵀ(Cx) − x‖ is 757.5 where ‖x‖ is 2.18 (the kernel's numbers add up to 45). The
# pseudo-inverse C⁺, which returns the smallest input with the same Cx, is still 1.04 away
# from x, about half of ‖x‖. A transposed convolution restores the shape, not the values;
# to do better, a decoder has to know what its images look like, and that is what its
# weights learn.

grey = lesson.grey_photo()  # (120, 120), values 0–1
patch = grey[44:48, 56:60]  # (4, 4)
trip = transposed.round_trip(matrix, patch)
print(f"rank of C: {trip.rank};  ‖x‖ = {trip.norm:.2f}")
print(f"‖Cᵀ(Cx) − x‖ = {trip.error_back:.1f};  ‖C⁺(Cx) − x‖ = {trip.error_best:.2f}")

# %%
# The checkerboard on a photo
# ---------------------------
# Uneven overlap is not only a pattern of counts. Halve a photo to 60 × 60 and double it
# back three ways, every kernel uniform so that the overlap is the only difference. With
# kernel size 3 the pixels that get four copies come out four times as bright as those
# that get one; with kernel size 4, or resizing first and convolving afterwards, the four
# phases of the 2 × 2 grid stay even.

upsampled = lesson.checkerboard(grey)  # 120 × 120 → 60 × 60 → 120 × 120
ratios = {key: lesson.phase_ratio(image) for key, image in upsampled.items() if key != "input"}
print({key: round(r, 2) for key, r in ratios.items()})
viz.show_checkerboard(upsampled, ratios, lang=LANG)

# %%
# Try it: transposed convolution in the playground
# ------------------------------------------------
# Choose the input size, kernel, stride, padding and output padding, and see the output size
# the formula gives: with kernel 3, stride 2, padding 1 and output padding 1, as above, 4
# becomes 8. Click an output cell to see which input values land on it. With kernel 3 and
# stride 2, neighbouring cells receive one, two or four of them: the checkerboard again.
#
# .. conv-playground::
#    :mode: transpose
#    :no-gallery:

# %%
# Stamp by stamp: each input value scales the kernel (here all 1s) and adds it into the
# output, two pixels further on each time. The right-hand panels count the stamps that
# cover each pixel: the checkerboard builds up for kernel 3, not for kernel 4.

transposed_steps = viz.animate_transposed_convolution(lang=LANG)
transposed_steps

# %%
# Fully connected
# ---------------
# The fully connected decoder flattens the 8 × 4 × 4 code into 128 numbers, maps them to a
# hidden layer and then to 784 outputs, and reshapes those into (1, 28, 28). Every output
# pixel has its own weight for every hidden value. Nothing in the structure says which
# pixels are neighbors, so it has many parameters and cannot use the image's grid.

fc = AutoencoderConfig(decoder="fc")
print(f"code {fc.code_size} → Linear({fc.code_size}, {fc.fc_hidden}) → ", end="")
print(f"Linear({fc.fc_hidden}, 784) → reshape (1, 28, 28)")

# %%
# Five decoders, one code size, one budget
# ----------------------------------------
# Each decoder is trained with an encoder of the same architecture, a code of the same
# size (128 numbers) and the same short training as the previous chapter. Each pair is
# trained separately, so the encoders' weights and codes differ. (They are trained once,
# then read from the cache.) Losses are measured on the 10,000 test digits. After such a
# short training the table only shows which decoders learn *fast*; the 60-second
# benchmark in ``bench/autoencoder.py`` ranks them after longer training.

test = load_mnist("test")
models, infos = {}, {}
for name in DECODERS:
    models[name], infos[name] = pretrained(AutoencoderConfig(decoder=name), PAGE_BUDGET)
print(f"BCE floor (entropy of the test pixels): {bce_floor(test.images):.4f}")
viz.decoder_table(infos, DECODER_FAMILIES, PAGE_BUDGET, n_test=len(test.images), lang=LANG)

# %%
# What the table says
# -------------------
# Max unpooling has the lowest loss, but it is not given the same task: besides the code
# it receives the encoder's pooling indices, more bits than the code itself (see above).
# Among the decoders that see only the code, the fully connected one has by far the most
# parameters (534,024, 2.2 times the transposed convolution's) and still the highest loss.
# It has to learn each output pixel's weights on its own, with nothing telling it that
# neighbouring pixels look alike, and 320 steps are not enough for that. The
# convolutional decoders share each filter across the whole image and learn faster.
#
# What this experiment shows, and what it cannot: it is one short training per decoder,
# with one seed. In it, the decoder with the most parameters came last, so parameters
# alone do not rank decoders. It cannot say whether the fully connected decoder catches up
# with longer training, and it does not rank the convolutional decoders: their test BCE
# differs by at most 0.004. The transposed convolution, with nearly twice the parameters
# of the upsampling decoders, is ahead here, but another seed could reorder them. The
# 60-second benchmark in ``bench/autoencoder.py`` trains longer.

reading = lesson.read_table(infos)
print({k: round(v, 3) if isinstance(v, float) else v for k, v in reading._asdict().items()})

# %%
# Reconstructions side by side
# ----------------------------
# The same eight test digits, restored by each decoder. Look for blur (detail the code
# could not carry), speckles from bed of nails' empty positions, and any regular grid
# pattern in the transposed-convolution row.

digits = torch.from_numpy(test.images[:8])
with torch.no_grad():
    rows = {"input": digits} | {n: torch.sigmoid(m(digits)) for n, m in models.items()}
viz.show_reconstructions(rows, lang=LANG)

# %%
# Run as a script, this file opens every figure; the animations play in their windows.

plt.show()

# %%
# What to remember
# ----------------
# * Three families make the small code big again. Upsampling (nearest neighbour, bed of
#   nails, max unpooling) has no weights of its own and is followed by a convolution; a
#   transposed convolution learns how to upsample; a fully connected layer ignores the grid.
# * A transposed convolution's output size is (n − 1)·s − 2·p + d·(k − 1) + output_padding + 1;
#   at stride 2, more than one kernel size takes 4 to 7.
# * When the kernel size is not divisible by the stride, the stamped kernels overlap
#   unevenly and leave a checkerboard artifact (kernel 3 at stride 2); kernel 4 overlaps evenly.
# * Max unpooling puts each value back where its maximum was, but only with the encoder's
#   indices, information that does not travel in the code.
# * In this chapter's 320-step run, the decoder with by far the most parameters had the
#   highest loss: parameters alone did not make a better decoder, a structure that fits
#   images mattered more. One short run cannot say how the decoders rank after longer
#   training.
#
# Further reading
# ---------------
# * Augustus Odena, Vincent Dumoulin and Chris Olah, "Deconvolution and Checkerboard
#   Artifacts", Distill (2016): https://distill.pub/2016/deconv-checkerboard/
# * Vincent Dumoulin and Francesco Visin, "A guide to convolution arithmetic for deep
#   learning" (2016): https://arxiv.org/abs/1603.07285
# * Francois Chollet, "Building Autoencoders in Keras", the Keras blog (2016):
#   https://blog.keras.io/building-autoencoders-in-keras.html
# * PyTorch documentation:
#   https://pytorch.org/docs/stable/generated/torch.nn.ConvTranspose2d.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.Upsample.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.MaxUnpool2d.html,
#   https://pytorch.org/docs/stable/generated/torch.nn.Linear.html

# %%
# Try it yourself
# ----------------
# Predict, count and fix things on your own, then check your answers against worked solutions:
# :doc:`/exercises/06_decoders`.
# Compare the five trained decoders on a digit you draw, layer by layer: :doc:`/explorer`.
