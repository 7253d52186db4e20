r"""
Linear layers: shapes, parameters and a tiny model
==================================================

A :term:`Linear layer` (also called a :term:`fully connected layer`) connects every input
number to every output number. This chapter watches what it does to the shape of the data,
counts its parameters the way the lesson does, shows what the bias is for, and finally trains
a tiny model in pure NumPy — long enough to see it overfit.
"""

# %%
# From (N, in) to (N, out)
# ------------------------
# ``Linear(in_features, out_features)`` turns the **last** axis of its input from
# ``in_features`` numbers into ``out_features`` numbers. Every other axis passes through
# unchanged, so a batch of 4 examples with 2 features each, shape (4, 2), becomes (4, 3).
# Inside, it is one matrix product: ``y = x @ weight.T + bias``, with a :term:`weight` of shape
# (out, in) — the same layout as PyTorch.

import matplotlib.pyplot as plt
import numpy as np

from layerguide.layers import SGD, Linear, MSELoss, ReLU, Sequential, manual_seed
from layerguide.viz import use_korean_font

use_korean_font()
manual_seed(0)

layer = Linear(2, 3)
x = np.array([[1.0, 2.0], [0.0, 1.0], [-1.0, 0.5], [3.0, -2.0]], dtype=np.float32)
y = layer(x)
print("input  x:", x.shape)
print("weight W:", layer.weight.shape, " bias b:", layer.bias.shape)
print("output y:", y.shape)
print(
    "y[0] by hand equals the layer:",
    np.allclose(x[0] @ layer.weight.data.T + layer.bias.data, y[0]),
)

# %%
# Leading axes are kept: a batch of 8 sequences of 10 steps, each step 2 numbers,
# (8, 10, 2), comes out as (8, 10, 3). ``output_shape`` does this arithmetic without
# computing anything.

print("(8, 10, 2) →", layer.output_shape((8, 10, 2)))

# %%
# Counting parameters
# -------------------
# A Linear layer from ``in`` to ``out`` numbers has one weight per connection,
# ``in × out``, plus one :term:`bias` per output if it has a bias. The lesson counts three
# small layers without bias: 2 → 3, 3 → 1 and 4 → 1 (in the figure, one line per weight). We
# let the layers count themselves: ``parameters()`` lists the arrays a :term:`layer` learns,
# its :term:`parameters <parameter>`, and ``numel()`` counts their numbers.

lesson = [Linear(2, 3, bias=False), Linear(3, 1, bias=False), Linear(4, 1, bias=False)]
counts = [sum(p.numel() for p in lin.parameters()) for lin in lesson]
for lin, count in zip(lesson, counts, strict=True):
    print(
        f"{lin.in_features} → {lin.out_features}: {lin.in_features} × {lin.out_features} = {count}"
    )
total = sum(counts)
print(" + ".join(map(str, counts)), "=", total)

fig, axes = plt.subplots(1, 3, figsize=(9, 3), layout="constrained")
for ax, lin, count in zip(axes, lesson, counts, strict=True):
    n_in, n_out = lin.in_features, lin.out_features
    y_in, y_out = np.linspace(0, 1, n_in + 2)[1:-1], np.linspace(0, 1, n_out + 2)[1:-1]
    for a in y_in:
        for b in y_out:
            ax.plot([0, 1], [a, b], color="#4c72b0", lw=1.2)
    ax.scatter(np.zeros(n_in), y_in, s=250, color="#dd8452", zorder=3)
    ax.scatter(np.ones(n_out), y_out, s=250, color="#55a868", zorder=3)
    ax.set_title(f"{n_in} → {n_out}: {count} weights")
    ax.set_xlim(-0.3, 1.3)
    ax.set_axis_off()

# %%
# With a bias each layer gains one number per output: 6 + 3, 3 + 1 and 4 + 1.
# :term:`Flattening <flatten>` a 1080 × 1920 colour image into one vector and feeding it to a
# single output is where counting becomes alarming: 3 × 1080 × 1920 = 6,220,800 weights and
# one bias. The next chapter shows how convolution avoids this.

with_bias = [Linear(n_in, n_out) for n_in, n_out in [(2, 3), (3, 1), (4, 1)]]
print("with bias:", [sum(p.numel() for p in lin.parameters()) for lin in with_bias])
image_to_one = Linear(3 * 1080 * 1920, 1)
big = sum(p.numel() for p in image_to_one.parameters())
print(f"Linear({image_to_one.in_features:,} → 1): {big:,} parameters")

# %%
# What the bias does
# ------------------
# Without a bias, a Linear layer maps 0 to 0: its output is a line (or plane) through the
# origin. The bias shifts it. We fit the points of y = 2x + 1 with a 1 → 1 layer, with
# and without bias, and :term:`train <training>` both with plain gradient descent (``SGD``).
# Each step runs the :term:`forward pass`, asks the :term:`loss` for its :term:`gradient`,
# runs ``backward`` (:term:`backpropagation`) to fill every ``param.grad``, and lets the
# optimiser move the parameters a little against their gradients.

x_line = np.linspace(-2, 2, 21, dtype=np.float32)[:, None]  # (21, 1)
y_line = 2 * x_line + 1
fits = {}
for use_bias in (True, False):
    model = Linear(1, 1, bias=use_bias)
    opt = SGD(model.parameters(), lr=0.1)
    loss = MSELoss()
    for _ in range(200):
        opt.zero_grad()
        loss(model(x_line), y_line)
        model.backward(loss.backward())
        opt.step()
    fits[use_bias] = model
    b = float(model.bias.data[0]) if use_bias else 0.0
    print(f"bias={use_bias!s:5}: w = {model.weight.data[0, 0]:.3f}, b = {b:.3f}, "
          f"loss = {float(loss(model(x_line), y_line)):.3f}")  # fmt: skip

fig, ax = plt.subplots(figsize=(5, 4), layout="constrained")
ax.scatter(x_line[:, 0], y_line[:, 0], color="black", s=15, label="data: y = 2x + 1")
ax.plot(x_line[:, 0], fits[True](x_line)[:, 0], label="Linear(1, 1) with bias")
ax.plot(x_line[:, 0], fits[False](x_line)[:, 0], "--", label="Linear(1, 1, bias=False)")
ax.axhline(0, color="grey", lw=0.5)
ax.axvline(0, color="grey", lw=0.5)
ax.set_xlabel("x")
ax.set_ylabel("y")
ax.set_title("Without a bias the line must pass through (0, 0)")
ax.legend()

# %%
# The same layer, seen as a map of the plane: ``Linear(2, 2)`` takes the four corners of
# a quadrilateral, a (4, 2) input, and returns four new points. Step through the
# animation: the weight turns and stretches the shape while the origin stays put; only the
# bias moves the origin. Every frame is the output of a ``Linear`` layer.

from layerguide.viz import animate_linear_map

linear_map = animate_linear_map(lang="en")
linear_map

# %%
# A tiny model, trained in NumPy
# ------------------------------
# Now a real (if tiny) network: Linear layers with ReLU
# :term:`activation functions <activation function>` between them, stacked with
# ``Sequential``. Its forward pass runs the layers in order; its backward pass runs their
# ``backward`` in reverse order — the chain rule, one layer at a time. We give it only 12
# noisy points of a sine curve to learn from and keep 200 other points aside (held out) to
# check how well it does on data it never trains on.

rng = np.random.default_rng(0)
x_train = rng.uniform(-1, 1, (12, 1))
y_train = np.sin(3 * x_train) + 0.25 * rng.standard_normal(x_train.shape)
x_held = rng.uniform(-1, 1, (200, 1))
y_held = np.sin(3 * x_held) + 0.25 * rng.standard_normal(x_held.shape)

model = Sequential(Linear(1, 32), ReLU(), Linear(32, 32), ReLU(), Linear(32, 1)).to(np.float64)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()), "— for 12 training points")

# %%
# The training loop is five lines. We record the loss on the training points and on the
# held-out points after every step, and keep the model's curve from the step where the
# held-out loss was lowest.

grid = np.linspace(-1, 1, 200)[:, None]
opt = SGD(model.parameters(), lr=0.1, momentum=0.9)
loss = MSELoss()
train_curve, held_curve = [], []
best_step, best_curve = 0, model(grid)
for step in range(3000):
    opt.zero_grad()
    train_curve.append(float(loss(model(x_train), y_train)))
    model.backward(loss.backward())
    opt.step()
    held_curve.append(float(loss(model(x_held), y_held)))
    if held_curve[-1] <= min(held_curve):
        best_step, best_curve = step, model(grid)

print(f"lowest held-out loss {min(held_curve):.3f} at step {best_step}")
print(f"after {len(held_curve)} steps: training loss {train_curve[-1]:.5f}, "
      f"held-out loss {held_curve[-1]:.3f}")  # fmt: skip

# %%
# Overfitting
# -----------
# The training loss keeps falling towards zero: with 1,153 parameters the model can pass
# through all 12 points, noise included. The held-out loss falls at first, then rises: the
# model has started to learn the noise of its 12 points instead of the sine curve. This is
# :term:`overfitting`. Stopping at the lowest held-out loss (early stopping), collecting more
# data, or using a smaller model are the usual cures.

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
ax1.plot(train_curve, label="training loss (12 points)")
ax1.plot(held_curve, label="held-out loss (200 points)")
ax1.axvline(best_step, color="grey", ls=":", label=f"lowest held-out loss (step {best_step})")
ax1.set_yscale("log")
ax1.set_xlabel("training step")
ax1.set_ylabel("MSE loss")
ax1.set_title("Training keeps improving, held-out gets worse")
ax1.legend()
ax2.plot(grid[:, 0], np.sin(3 * grid[:, 0]), color="black", lw=1, label="true curve sin(3x)")
ax2.plot(grid[:, 0], best_curve[:, 0], label=f"model at step {best_step}")
ax2.plot(grid[:, 0], model(grid)[:, 0], label=f"model at step {len(held_curve)}")
ax2.scatter(x_train[:, 0], y_train[:, 0], color="black", zorder=3, label="training points")
ax2.set_xlabel("x")
ax2.set_ylabel("y")
ax2.set_title("The final model bends to reach every point")
ax2.legend(fontsize=8)

# %%
# What to remember
# ----------------
# * ``Linear(in, out)`` changes only the last axis: (…, in) → (…, out).
# * It holds ``in × out`` weights plus ``out`` biases; 2 → 3, 3 → 1 and 4 → 1 without
#   bias hold 6 + 3 + 4 = 13.
# * The bias lets the output move away from zero; without it every line passes through
#   the origin.
# * Training is forward, loss, backward, step — repeated. A model with far more
#   parameters than examples will eventually fit the noise: watch a held-out loss.

# %%
# Run as a script, this file opens every figure; the animation plays in its window.

plt.show()
