r"""
Three ways to restore: upsampling, transposed convolution, fully connected
==========================================================================

The encoder made the digit small; the decoder has to make it big again. The lesson names
three families of decoders. **Upsampling** first enlarges the feature map by a fixed
rule, then lets a convolution fill in the detail. A **transposed convolution** enlarges
and filters in one learned step. A **fully connected** decoder ignores the grid altogether
and computes every pixel from all code values at once. This chapter shows what each
operation does to a tiny example, then trains all five decoders on the same code and
compares them.
"""

# %%
# Upsampling a 2 × 2 map to 4 × 4
# -------------------------------
# Take a 2 × 2 feature map with the values 1, 2, 3, 4.
#
# * **Nearest neighbour** (:term:`upsampling` by copying) copies each value into its whole 2 × 2 block.
# * **Bed of nails** puts each value in the top-left corner of its block and zeros
#   elsewhere.
# * **Max unpooling** puts each value back where the encoder's max pooling found its
#   maximum. It needs the pooling indices from the encoder, so it receives more than the
#   code: for every pooled value, which of the 4 positions won (2 bits of extra
#   information each). We keep it because the lesson names it, and say so in the table.

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from layerguide.autoencoder import (
    DECODER_FAMILIES,
    DECODERS,
    AutoencoderConfig,
    load_mnist,
    pretrained,
)
from layerguide.autoencoder.models import bed_of_nails, max_unpool, nearest
from layerguide.autoencoder.train import PAGE_BUDGET, bce_floor
from layerguide.viz import use_korean_font

use_korean_font()

small = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])  # (N, C, H, W) = (1, 1, 2, 2)
before_pooling = torch.tensor(
    [[[[0.1, 0.5, 0.2, 0.0], [1.0, 0.3, 0.4, 2.0], [0.2, 3.0, 0.1, 0.3], [0.0, 0.1, 4.0, 0.2]]]]
)
pooled, indices = nn.MaxPool2d(2, return_indices=True)(before_pooling)  # (1, 1, 2, 2)
print("pooled values:", pooled[0, 0].tolist(), " indices:", indices[0, 0].tolist())

panels = [
    ("input (2, 2)", small),
    ("nearest (4, 4)", nearest(small, 4)),
    ("bed of nails (4, 4)", bed_of_nails(small, 4)),
    ("max unpooling (4, 4)", max_unpool(pooled, indices, 4)),
]
fig, axes = plt.subplots(1, 4, figsize=(10, 2.9))
for ax, (title, t) in zip(axes, panels, strict=True):
    values = t[0, 0].numpy()
    ax.imshow(values, cmap="Blues", vmin=0, vmax=4.5)
    for (r, c), v in np.ndenumerate(values):
        ax.text(c, r, f"{v:g}", ha="center", va="center", fontsize=11)
    ax.set_title(title, fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()

# %%
# The same three rules in motion, starting from the 2 × 2 result of chapter 3's max
# pooling animation: each value travels to its place in the 4 × 4 map, and max unpooling
# uses that pooling's indices.

from layerguide.viz import animate_upsampling

upsampling_steps = animate_upsampling(lang="en")
upsampling_steps

# %%
# Transposed convolution and the checkerboard
# -------------------------------------------
# A transposed convolution with stride 2 places a whole k × k kernel, scaled by each input
# value, at every second output position, and adds where the copies overlap. With all
# weights equal to 1 and all inputs equal to 1, the output simply counts how many copies
# land on each pixel. With kernel 3 and stride 2 the count alternates between 1, 2 and 4:
# the kernel size is not divisible by the stride, so the overlap is uneven and a
# checkerboard pattern appears (Odena, Dumoulin and Olah, *Deconvolution and Checkerboard
# Artifacts*, Distill 2016). With kernel 4 every interior pixel gets the same count.
# Our ``transpose`` decoder uses kernel 4 for its last two layers and kernel 3 only for the
# first one (4 → 7), where no other size fits. It is also wider than the encoder (128 and
# 32 channels at 7 × 7 and 14 × 14, not 64 and 16): a transposed convolution does its work
# at the smaller size of each step, so extra channels cost less time there than in a
# convolution that runs after upsampling. The table below shows the price in parameters.

ones = torch.ones(1, 1, 4, 4)
counts = {}
for k in (3, 4):
    up = nn.ConvTranspose2d(1, 1, k, stride=2, padding=1, output_padding=k % 2, bias=False)
    nn.init.ones_(up.weight)
    with torch.no_grad():
        counts[k] = up(ones)[0, 0].numpy()  # (8, 8)
    print(f"kernel {k}, stride 2: {tuple(ones.shape[2:])} → {counts[k].shape}")

fig, axes = plt.subplots(1, 2, figsize=(7, 3.4))
for ax, (k, c) in zip(axes, counts.items(), strict=True):
    ax.imshow(c, cmap="magma", vmin=0, vmax=4)
    for (r, col), v in np.ndenumerate(c):
        ax.text(
            col,
            r,
            f"{v:g}",
            ha="center",
            va="center",
            fontsize=8,
            color="black" if v >= 3 else "white",
        )
    ax.set_title(f"kernel {k}, stride 2: overlaps per pixel", fontsize=10)
    ax.set_xticks([])
    ax.set_yticks([])
fig.tight_layout()

# %%
# Stamp by stamp: each input value scales the kernel (here all 1s) and adds it into the
# output, two pixels further on each time. The right-hand panels count the stamps that
# cover each pixel: the checkerboard builds up for kernel 3, not for kernel 4.

from layerguide.viz import animate_transposed_convolution

transposed_steps = animate_transposed_convolution(lang="en")
transposed_steps

# %%
# Fully connected
# ---------------
# The fully connected decoder flattens the 8 × 4 × 4 code into 128 numbers, maps them to a
# hidden layer and then to 784 outputs, and reshapes those into (1, 28, 28). Every output
# pixel has its own weight for every hidden value: nothing tells it which pixels are
# neighbours, so it has many parameters and no notion of the grid.

fc = AutoencoderConfig(decoder="fc")
print(
    f"code {fc.code_size} → Linear({fc.code_size}, {fc.fc_hidden}) → "
    f"Linear({fc.fc_hidden}, 784) → reshape (1, 28, 28)"
)

# %%
# Five decoders, one code size, one budget
# ----------------------------------------
# Each decoder is trained with the same encoder, the same 128-number code and the same
# short budget as the previous chapter (trained once, then read from the cache). Losses
# are measured on the 10,000 test digits. At this budget the numbers show which decoders
# learn *fast*; the 60-second benchmark in ``bench/autoencoder.py`` ranks them after
# longer training.
#
# Keep ``max_unpool``'s advantage in mind when you read the table: besides the 128 code
# values it gets the pooling indices, which tell it where the bright pixels were.

family_names = {
    "upsampling": "upsampling",
    "transposed convolution": "transposed convolution",
    "fully connected": "fully connected",
}
test = load_mnist("test")
models, infos = {}, {}
for name in DECODERS:
    models[name], infos[name] = pretrained(AutoencoderConfig(decoder=name), PAGE_BUDGET)

print(f"budget: {PAGE_BUDGET.budget} of {PAGE_BUDGET.batch_size} images per decoder")
print("decoder       family                    params  test BCE  test MSE")
for name, info in infos.items():
    note = " (+ pooling indices)" if name == "max_unpool" else ""
    print(
        f"{name:<13} {family_names[DECODER_FAMILIES[name]]:<23} {info['params']:>8,} "
        f"{info['test_bce']:>9.4f} {info['test_mse']:>9.5f}{note}"
    )
print(f"BCE floor (entropy of the test pixels): {bce_floor(test.images):.4f}")

# %%
# Reconstructions side by side
# ----------------------------
# The same eight test digits, restored by each decoder. Look for blur (detail the code
# could not carry), speckles from bed of nails' empty positions, and any regular grid
# pattern in the transposed-convolution row.

digits = torch.from_numpy(test.images[:8])
rows = [("input", digits)]
with torch.no_grad():
    for name, m in models.items():
        rows.append((name, torch.sigmoid(m(digits))))

fig, axes = plt.subplots(len(rows), 8, figsize=(8, 1.1 * len(rows)))
for r, (name, images) in enumerate(rows):
    for i in range(8):
        axes[r, i].imshow(images[i, 0], cmap="gray", vmin=0, vmax=1)
        axes[r, i].set_xticks([])
        axes[r, i].set_yticks([])
    axes[r, 0].set_ylabel(name, rotation=0, ha="right", va="center", fontsize=9)
fig.suptitle("Reconstructions by decoder")
fig.tight_layout()
plt.show()
