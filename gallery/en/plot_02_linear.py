r"""
Linear layers: a linear transformation, its weights and overfitting
===================================================================

A :term:`Linear layer` is a :term:`linear transformation`: it multiplies every point by one
matrix and so sends it to a space of the size we choose. This chapter follows the lesson's
own example — two quadrilaterals summed up as one number each — counts its weights and
parameters, shows what the bias is for, and trains small and large models until one overfits.

To run this chapter yourself, install the package it uses (``pip install layerguide``).
How, and which version built this page: https://layerguide.github.io/layerguide/en/install.html
"""

# %%
# A linear transformation, under several names
# --------------------------------------------
# The :term:`layer` ``Linear(in_features, out_features)`` turns the **last** axis of its input from
# ``in_features`` numbers into ``out_features`` numbers; every other axis passes through.
# Inside, it is one matrix product plus a shift: ``y = x @ weight.T + bias``. The
# :term:`weight` is an (out, in) matrix, as in PyTorch. You will meet the same layer as a
# :term:`fully connected layer`, ``Dense`` (Keras), a feed-forward layer or an MLP layer.
#
# The lesson's first input is a quadrilateral: four corners, each an (x, y) point, so a (4, 2)
# matrix — four points, not a batch of four. A 2 → 3 layer turns each point into 3 numbers.

import numpy as np
import torch

from layerguide import trace, viz
from layerguide.layers import SGD, Linear, MSELoss, ReLU, Sequential, manual_seed
from layerguide.lesson import linear as lesson

LANG = "en"
viz.use_korean_font()
manual_seed(0)

layer = Linear(2, 3)
quads = lesson.QUADRILATERALS  # name → (4, 2) corners
x = quads["A"]
y = layer(x)
print("input  x:", x.shape, "  weight W:", layer.weight.shape, "  bias b:", layer.bias.shape)
print("output y:", y.shape)
by_hand = x[0] @ layer.weight.data.T + layer.bias.data
print("y[0] by hand equals the layer:", np.allclose(by_hand, y[0]))

# %%
# Leading axes are kept: 8 sequences of 10 time steps with 2 numbers each, (8, 10, 2), come
# out as (8, 10, 3). ``output_shape`` does this arithmetic without computing anything.

print("(8, 10, 2) →", layer.output_shape((8, 10, 2)))

# %%
# The lesson's two quadrilaterals
# -------------------------------
# To summarise a quadrilateral as one number, the lesson uses two weights. A (2, 1) weight
# turns each point into one number: (4, 2) → (4, 1). A (4, 1) weight then mixes the four
# points into one: (4, 1) → (1, 1). But a layer reads the *last* axis, and after the first
# step the four points sit on the first one. The shapes force a transpose,
# (4, 1) → (1, 4), before the second weight. Without it the layer refuses the input.
# (PyTorch and layerguide store each weight as (out, in), so the lesson's (2, 1) and (4, 1)
# weights appear below as (1, 2) and (1, 4).)

manual_seed(0)
two_step = lesson.two_step_network()
try:
    two_step.layers[2](two_step.layers[0](x))
except ValueError as err:
    print("without the transpose:", err)
print(two_step)
print("weights (out, in):", [w.shape for w in two_step.parameters()])
two_step_torch = lesson.two_step_network_torch(two_step)
values = {name: float(two_step(q)[0, 0]) for name, q in quads.items()}
values_torch = {n: two_step_torch(torch.from_numpy(q))[0, 0].item() for n, q in quads.items()}
for name, value in values.items():
    print(f"quadrilateral {name}: layerguide {value:.6f}, torch {values_torch[name]:.6f}")
viz.show_quadrilaterals(quads, values, lang=LANG)

# %%
# Our NumPy network and its ``torch.nn`` twin hold the same numbers and give the same two
# values. ``trace`` lists the shape after every step. It reads either kind of model: here
# our NumPy network, in the next section the torch twin.

trace(two_step, (4, 2), lang=LANG)

# %%
# Building the richer network
# ---------------------------
# The lesson then lets each point carry three numbers before they are summed up:
# (4, 2) → (4, 3) → (4, 1) → (1, 1). A Linear layer from ``in`` to ``out`` numbers holds one
# weight matrix of ``in × out`` entries; every entry is one :term:`parameter`. So this network
# has three weights holding 2×3 + 3×1 + 4×1 = 13 parameters (one line per parameter below).
# ``parameters()`` returns the weights, ``numel()`` counts their entries.

richer = lesson.richer_network()
weights = richer.parameters()
counts = [w.numel() for w in weights]
total = sum(counts)
print(f"{len(weights)} weight matrices:", [w.shape for w in weights])
print(" + ".join(map(str, counts)), "=", total, "parameters")
viz.show_connections([(2, 3), (3, 1), (4, 1)], lang=LANG)
trace(lesson.richer_network_torch(richer), (4, 2), lang=LANG)

# %%
# With a :term:`bias` each layer adds one number per output: 6 + 3, 3 + 1 and 4 + 1.

richer_bias = lesson.richer_network(bias=True)
counts_bias = lesson.parameter_counts(richer_bias)
total_bias = sum(counts_bias)
print("with bias:", counts_bias, "=", total_bias)

# %%
# :term:`Flattening <flatten>` a colour image of height 1080 and width 1920 into one vector
# and feeding it to a single output is where counting becomes alarming: 3 × 1080 × 1920 =
# 6,220,800 weights and one bias. Chapter 3 shows how convolution avoids this.

image_to_one = Linear(3 * 1080 * 1920, 1)
big = sum(p.numel() for p in image_to_one.parameters())
print(f"Linear({image_to_one.in_features:,} → 1): {big:,} parameters")

# %%
# Random start, then training
# ---------------------------
# We only ever declare the *shapes* of the weights. Random numbers fill them
# (``manual_seed`` makes the draw repeatable), and :term:`training` moves them. Here a 1 → 1
# layer learns the points of y = 2x + 1 with plain gradient descent (``SGD``; it uses all 21
# points at every step). Each step runs the :term:`forward pass`, asks the :term:`loss` for
# its :term:`gradient`, runs ``backward`` (:term:`backpropagation`) to fill every
# ``param.grad``, and lets the :term:`optimizer` move the parameters a little against their
# gradients.

x_line = np.linspace(-2, 2, 21, dtype=np.float32)[:, None]  # (21, 1)
y_line = 2 * x_line + 1
fits, snapshots = {}, {}
for use_bias in (True, False):
    model = Linear(1, 1, bias=use_bias)
    opt = SGD(model.parameters(), lr=0.1)
    loss = MSELoss()
    for step in range(201):
        if use_bias and step in (0, 1, 3, 10, 200):
            snapshots[step] = (float(model.weight.data[0, 0]), float(model.bias.data[0]))
        opt.zero_grad()
        loss(model(x_line), y_line)
        model.backward(loss.backward())
        opt.step()
    fits[use_bias] = model
print("w, b at steps", snapshots)
viz.show_training_steps(x_line, y_line, snapshots, lang=LANG)

# %%
# What the bias does
# ------------------
# Without a bias, a Linear layer maps 0 to 0: its output is a line through the origin. The
# bias shifts it. The layer with a bias found w = 2 and b = 1; the one without can only find
# the best line through (0, 0).

w_bias, b_bias = float(fits[True].weight.data[0, 0]), float(fits[True].bias.data[0])
w_zero = float(fits[False].weight.data[0, 0])
print(f"with bias: w = {w_bias:.3f}, b = {b_bias:.3f};  without: w = {w_zero:.3f}")
viz.show_bias_fit(x_line, y_line, fits[True](x_line), fits[False](x_line), lang=LANG)

# %%
# The same layer, seen as a map of the plane: ``Linear(2, 2)`` takes the four corners of
# a quadrilateral, a (4, 2) input, and returns four new points. Step through the
# animation: the weight turns and stretches the shape while the origin stays put; only the
# bias moves the origin. Every frame is the output of a ``Linear`` layer.

from layerguide.viz import animate_linear_map

linear_map = animate_linear_map(lang=LANG)
linear_map

# %%
# Layers stacked without an activation
# ------------------------------------
# Can the richer network do more than the two-step one? With nothing between its layers, no.
# Each point passes two weights in a row, W₁ (3, 2) and then W₂ (1, 3), and two matrix
# products in a row are one product: W₂W₁ is a single (1, 2) weight. The mixing weight W₃
# (1, 4) then weighs the four points, so the whole network computes Σ Mᵢⱼ xᵢⱼ with one 4 × 2
# matrix M = W₃ᵀ(W₂W₁): one linear map from the quadrilateral's eight numbers to one number.
# Its rank is 1 (every row is a multiple of W₂W₁). Whatever the 13 parameters compute, the
# 6 parameters of the two-step network compute too. For both quadrilaterals, M gives the
# network's value.

product = lesson.collapsed_weight(richer)  # W₃ᵀ(W₂W₁): (4, 1) @ (1, 2) = (4, 2)
rank = int(np.linalg.matrix_rank(product))
same = {n: (float(richer(q)[0, 0]), float((product * q).sum())) for n, q in quads.items()}
for name, (net_value, map_value) in same.items():
    print(f"quadrilateral {name}: network {net_value:.6f}, one matrix {map_value:.6f}")
print("M = W₃ᵀ(W₂W₁) =", product.astype(float).round(3).tolist(), " rank:", rank)

# %%
# An :term:`activation function` between the layers breaks this. ReLU keeps positive values
# and turns negative ones into 0, so the layers no longer multiply into one matrix. Ask for
# 0 at the corners of quadrilateral A where x = y and 1 at the other two: opposite corners
# share a value, as in XOR. No linear layer can fit that. The best Linear(2, 1), solved
# exactly by least squares, outputs 0.5 at every corner, a mean squared error of 0.25; least
# squares finds the smallest error there is, so no linear layer does better. Put a ReLU
# between two Linear layers, with 8 values in the middle, and SGD takes the error below 0.001
# in 1000 steps. (With 3 values in the middle, training gets stuck from some random starts:
# see the exercises.)

x_xor, y_xor = lesson.xor_square()
fitted = {"linear": lesson.least_squares_linear(x_xor, y_xor)}
manual_seed(0)
fitted["relu"] = Sequential(Linear(2, 8), ReLU(), Linear(8, 1)).to(np.float64)
xor_run = lesson.fit(fitted["relu"], (x_xor, y_xor, x_xor, y_xor), x_xor, steps=1000, lr=0.05)
mse = {kind: float(np.mean((m(x_xor) - y_xor) ** 2)) for kind, m in fitted.items()}
print("mean squared error:", mse)
viz.show_collapse(product, x_xor, y_xor, fitted, lang=LANG)

# %%
# A small and a large model on the same noisy data
# ------------------------------------------------
# Now two real (if tiny) networks: Linear layers with ReLU activations between them, stacked with
# ``Sequential``; the layers in the middle are :term:`hidden layers <hidden layer>`. Its forward
# pass runs the layers in order; its backward pass calls their ``backward`` in reverse order. Both
# learn from the same 12 noisy points of a sine curve; 200 other points are held out to check
# how each does on data it never trains on. ``fit`` runs the loop above for 3000 steps and
# records both losses after every step.

manual_seed(0)
data = lesson.noisy_sine()
grid = np.linspace(-1, 1, 200)[:, None]
small = Sequential(Linear(1, 3), ReLU(), Linear(3, 1)).to(np.float64)
large = Sequential(Linear(1, 32), ReLU(), Linear(32, 32), ReLU(), Linear(32, 1)).to(np.float64)
models = {"small model": small, "large model": large}  # display names
sizes = {name: sum(p.numel() for p in m.parameters()) for name, m in models.items()}
runs = {name: lesson.fit(m, data, grid) for name, m in models.items()}
results = viz.overfitting_table(sizes, runs, data, lang=LANG)
results

# %%
# Overfitting
# -----------
# The large model has 1,153 parameters for 12 points: its training loss falls almost to zero
# because it passes through every point, noise included, and its held-out loss rises again
# after its lowest point. That is :term:`overfitting`. The small model (10 parameters) cannot
# bend that much: its training loss stays above the noise level and its held-out loss hardly
# rises. It underfits instead: it is too small to follow even the sine curve. Stopping at the lowest held-out loss (early stopping),
# more data, or a smaller model are the usual cures.

viz.show_overfitting(grid, data[0], data[1], {n: (sizes[n], r) for n, r in runs.items()}, lang=LANG)

# %%
# Keras and PyTorch
# -----------------
# Keras names the same layers differently and stores the same numbers in another axis order.
# ``Dense(units, use_bias=True)`` is ``nn.Linear(in, out, bias=True)``: Keras works out ``in``
# from the data, and keeps the kernel as (in, out), the transpose of PyTorch's (out, in).
# Keras images are channels-last, (N, H, W, C) — the order image files use, as in chapter 1 —
# while PyTorch is channels-first, (N, C, H, W).

viz.keras_table(lesson.keras_pytorch_pairs(), lang=LANG)

# %%
# Run as a script, this file opens every figure; the animation plays in its window.

import matplotlib.pyplot as plt

plt.show()

# %%
# What to remember
# ----------------
# * ``Linear(in, out)`` is a linear transformation of the last axis: (…, in) → (…, out).
# * A weight is a matrix; each of its entries is a parameter. The lesson's network
#   (4, 2) → (4, 3) → (4, 1) → (1, 1) has 3 weights and 13 parameters (18 with biases).
# * The bias lets the output move away from zero.
# * Shapes are declared, random numbers fill them, training moves them. A model with far
#   more parameters than samples fits the noise: watch a held-out loss.
#
# Further reading
# ---------------
# * d2l, "Linear Neural Networks": https://d2l.ai/chapter_linear-regression/index.html
# * d2l, "Generalization" (overfitting): https://d2l.ai/chapter_linear-regression/generalization.html
# * PyTorch ``nn.Linear``: https://pytorch.org/docs/stable/generated/torch.nn.Linear.html
# * Keras ``Dense``: https://keras.io/api/layers/core_layers/dense/

# %%
# Try it yourself
# ----------------
# Predict, count and fix things on your own, then check your answers against worked solutions:
# :doc:`/exercises/02_linear`.
