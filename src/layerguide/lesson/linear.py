"""The lesson's Linear examples: two quadrilaterals, the 13-parameter network, noisy curves.

The lesson summarises a quadrilateral — four (x, y) points, a (4, 2) matrix — as one
number in two steps: a (2, 1) weight turns each point into one number, (4, 2) → (4, 1),
and a (4, 1) weight then mixes the four points, (4, 1) → (1, 1). A layer acts on the
*last* axis, so the four points must first be moved onto that axis: the transpose
(4, 1) → (1, 4) is forced by the shapes. Its richer version widens the first step to three
numbers per point: (4, 2) → (4, 3) → (4, 1) → (1, 1), three weights holding
2×3 + 3×1 + 4×1 = 13 parameters. Without an activation between them those layers collapse
into one linear map of the quadrilateral (:func:`collapsed_weight`).

>>> model = richer_network()
>>> model.output_shape((4, 2))
(1, 1)
>>> sum(p.numel() for p in model.parameters())
13
>>> sum(p.numel() for p in richer_network(bias=True).parameters())
18
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from layerguide.errors import ArgumentError, StateError
from layerguide.layers import SGD, Linear, MSELoss, Sequential
from layerguide.layers._base import Module, Shape

if TYPE_CHECKING:
    from torch import nn

__all__ = [
    "QUADRILATERALS",
    "Fit",
    "Transpose",
    "collapsed_weight",
    "fit",
    "keras_pytorch_pairs",
    "least_squares_linear",
    "noisy_sine",
    "parameter_counts",
    "richer_network",
    "richer_network_torch",
    "two_step_network",
    "two_step_network_torch",
    "xor_square",
]

#: The lesson's two quadrilaterals, each four (x, y) corners in drawing order (a (4, 2) matrix).
QUADRILATERALS: dict[str, NDArray[np.float32]] = {
    "A": np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]], dtype=np.float32),
    "B": np.array([[0.0, 0.0], [3.0, 0.5], [2.0, 2.5], [0.5, 1.5]], dtype=np.float32),
}


class Transpose(Module):
    """Swap the last two axes, like ``x.transpose(-2, -1)`` (``x.T`` for a matrix).

    No parameters. The lesson's network needs it between its (4, 1) and the (4, 1) weight:
    a Linear layer reads the last axis, so the four points must move there first.

    Shape
    -----
    - Input: (…, a, b), at least 2 axes.
    - Output: (…, b, a).

    Examples
    --------
    >>> Transpose().output_shape((4, 1))
    (1, 4)
    """

    output_is_view = True  # np.swapaxes returns a view: no new activation memory

    def output_shape(self, input_shape: Shape) -> Shape:
        shape = tuple(int(d) for d in input_shape)
        if len(shape) < 2:
            raise ArgumentError(
                f"Transpose: input needs at least 2 axes to swap the last two, got shape {shape}"
            )
        return (*shape[:-2], shape[-1], shape[-2])

    def forward(self, x: Any) -> NDArray[np.floating]:
        self.output_shape(x.shape)  # at least two axes
        out = np.swapaxes(x, -1, -2)
        self.save_for_backward(out.shape)
        return out

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        self.saved_for_backward(grad_out)  # checks grad_out against the output's shape
        return np.swapaxes(grad_out, -1, -2)


def two_step_network(*, bias: bool = False) -> Sequential:
    """(4, 2) → (4, 1) → (1, 4) → (1, 1): the lesson's (2, 1) weight, then its (4, 1) weight."""
    return Sequential(Linear(2, 1, bias=bias), Transpose(), Linear(4, 1, bias=bias))


def richer_network(*, bias: bool = False) -> Sequential:
    """(4, 2) → (4, 3) → (4, 1) → (1, 4) → (1, 1): 6 + 3 + 4 = 13 weights without bias."""
    return Sequential(
        Linear(2, 3, bias=bias), Linear(3, 1, bias=bias), Transpose(), Linear(4, 1, bias=bias)
    )


def parameter_counts(model: Sequential) -> list[int]:
    """Parameters of each layer that has any (weights and biases), in order.

    >>> parameter_counts(richer_network(bias=True))
    [9, 4, 5]
    """
    counts = [sum(p.numel() for p in layer.parameters()) for layer in model.layers]
    return [n for n in counts if n]


def collapsed_weight(model: Sequential) -> NDArray[np.floating]:
    """The one (points, features) matrix M with ``model(x) == (M * x).sum()`` for every x.

    ``model`` is :func:`richer_network` or :func:`two_step_network` without biases: bias-free
    Linear layers acting on each point, ending in one number per point, then ``Transpose``
    and one Linear layer mixing the points. The point layers multiply into one (1, in)
    row ``v = W₂W₁``; the mixing weight ``w`` is (1, points); so the whole network is the
    single linear map x ↦ Σ Mᵢⱼ xᵢⱼ with ``M = wᵀ v`` — an outer product, of rank 1.

    >>> collapsed_weight(richer_network()).shape
    (4, 2)
    """
    if not all(isinstance(layer, Linear | Transpose) for layer in model.layers):
        names = [type(layer).__name__ for layer in model.layers]
        raise ArgumentError(
            f"collapsed_weight: model must hold only Linear and Transpose, got {names}"
        )
    if any(layer.bias is not None for layer in model.layers if isinstance(layer, Linear)):
        raise ArgumentError(
            "collapsed_weight: model has a bias; only bias-free layers collapse to M"
        )
    kinds = [isinstance(layer, Transpose) for layer in model.layers]
    if kinds.count(True) != 1 or kinds.index(True) != len(kinds) - 2 or len(kinds) < 3:
        raise ArgumentError(
            f"collapsed_weight: need point layers, one Transpose, then one Linear; got {kinds}"
        )
    linears = [layer for layer in model.layers if isinstance(layer, Linear)]
    *point_layers, mixer = linears
    v = point_layers[0].weight.data  # (out₁, in)
    for layer in point_layers[1:]:
        v = layer.weight.data @ v  # (outₖ, outₖ₋₁) @ (outₖ₋₁, in) = (outₖ, in)
    if v.shape[0] != 1:
        raise ArgumentError(
            f"collapsed_weight: the point layers must end in 1 value, got {v.shape[0]}"
        )
    mix = mixer.weight.data  # (1, points)
    return mix.T @ v  # (points, 1) @ (1, in) = (points, in)


def xor_square() -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Quadrilateral A's corners (4, 2) and a target per corner (4, 1): 1 where x ≠ y, else 0.

    Opposite corners share a target, like XOR; no line through the square separates them.
    """
    points = QUADRILATERALS["A"].astype(np.float64)
    return points, (points[:, :1] != points[:, 1:]).astype(np.float64)


def least_squares_linear(x: NDArray[np.floating], y: NDArray[np.floating]) -> Linear:
    """The ``Linear(in, out)`` (with bias) of least squared error on (x, y), solved exactly.

    Least squares is convex, so no linear layer — trained or not — scores below this one.

    >>> x, y = xor_square()
    >>> least_squares_linear(x, y)(x).ravel()
    array([0.5, 0.5, 0.5, 0.5])
    """
    if x.ndim != 2 or y.ndim != 2 or len(x) != len(y):
        raise ArgumentError(
            f"least_squares_linear: x and y must be (N, in) and (N, out), got {x.shape}, {y.shape}"
        )
    design = np.hstack([x, np.ones((len(x), 1))])  # (N, in + 1): a column of ones for the bias
    solution = np.linalg.lstsq(design, y, rcond=None)[0]  # (in + 1, out)
    layer = Linear(x.shape[1], y.shape[1]).to(np.float64)
    layer.weight.data = solution[:-1].T.copy()  # (out, in)
    if layer.bias is None:  # cannot happen: built with bias=True
        raise StateError("least_squares_linear: the Linear layer was built without a bias")
    layer.bias.data = solution[-1].copy()
    return layer


def _torch_copy(model: Sequential) -> nn.Sequential:
    """The same network in torch, holding the same numbers as ``model``."""
    import torch
    from torch import nn

    class Transpose(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x.transpose(-2, -1)

    layers: list[nn.Module] = []
    for layer in model.layers:
        if isinstance(layer, Linear):
            lin = nn.Linear(layer.in_features, layer.out_features, bias=layer.bias is not None)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(layer.weight.data))
                if layer.bias is not None:
                    lin.bias.copy_(torch.from_numpy(layer.bias.data))
            layers.append(lin)
        else:
            layers.append(Transpose())
    return nn.Sequential(*layers)


def two_step_network_torch(numpy_model: Sequential) -> nn.Sequential:
    """``torch.nn`` twin of :func:`two_step_network` with the same weights."""
    return _torch_copy(numpy_model)


def richer_network_torch(numpy_model: Sequential) -> nn.Sequential:
    """``torch.nn`` twin of :func:`richer_network` with the same weights."""
    return _torch_copy(numpy_model)


def noisy_sine(
    n_train: int = 12, n_held: int = 200, *, noise: float = 0.25, seed: int = 0
) -> tuple[NDArray[np.float64], ...]:
    """Points of sin(3x) on [-1, 1] plus Gaussian noise: (x_train, y_train, x_held, y_held)."""
    if n_train < 1 or n_held < 1:
        raise ArgumentError(f"noisy_sine: n_train and n_held must be >= 1, got {n_train}, {n_held}")
    rng = np.random.default_rng(seed)
    x_train = rng.uniform(-1, 1, (n_train, 1))
    y_train = np.sin(3 * x_train) + noise * rng.standard_normal(x_train.shape)
    x_held = rng.uniform(-1, 1, (n_held, 1))
    y_held = np.sin(3 * x_held) + noise * rng.standard_normal(x_held.shape)
    return x_train, y_train, x_held, y_held


@dataclass
class Fit:
    """Loss curves of one training run and the model's curve at its best and last step."""

    train: list[float] = field(default_factory=list)  # training loss before each step
    held: list[float] = field(default_factory=list)  # held-out loss after each step
    best_step: int = 0  # step with the lowest held-out loss
    best_curve: NDArray[np.floating] | None = None  # model(grid) at best_step
    last_curve: NDArray[np.floating] | None = None  # model(grid) after the last step


def fit(
    model: Module,
    data: tuple[NDArray[np.float64], ...],
    grid: NDArray[np.float64],
    *,
    steps: int = 3000,
    lr: float = 0.1,
    momentum: float = 0.9,
) -> Fit:
    """Train ``model`` with MSE and SGD; record both losses at every step (see ch. 2)."""
    if steps < 1:
        raise ArgumentError(f"fit: steps must be >= 1, got {steps}")
    x_train, y_train, x_held, y_held = data
    opt = SGD(model.parameters(), lr=lr, momentum=momentum)
    loss = MSELoss()
    result = Fit(best_curve=model(grid))
    for step in range(steps):
        opt.zero_grad()
        result.train.append(float(loss(model(x_train), y_train)))
        model.backward(loss.backward())
        opt.step()
        result.held.append(float(loss(model(x_held), y_held)))
        if result.held[-1] <= min(result.held):
            result.best_step, result.best_curve = step, model(grid)
    result.last_curve = model(grid)
    return result


def keras_pytorch_pairs() -> list[tuple[str, str, tuple[int, ...], tuple[int, ...]]]:
    """Keras call, PyTorch call, and the shape each stores (a weight, or ch. 1's batch).

    The PyTorch shapes come from real ``torch.nn`` layers (on the meta device); Keras keeps
    the same numbers with the axes in its own documented order: a ``Dense`` kernel is
    (in, out), a ``Conv2D`` kernel (kH, kW, C_in, C_out), images channels-last (N, H, W, C).
    """
    import torch
    from torch import nn

    linear = nn.Linear(2, 3, bias=True, device="meta")
    conv = nn.Conv2d(3, 16, 5, stride=5, device="meta")
    same = nn.Conv2d(3, 16, 3, padding="same", device="meta")
    batch = torch.empty(4, 600, 512, 3, device="meta")  # ch. 1's batch of photos, channels-last
    return [
        (
            "Dense(3, use_bias=True)",
            "nn.Linear(2, 3, bias=True)",
            tuple(linear.weight.T.shape),
            tuple(linear.weight.shape),
        ),
        (
            "Conv2D(16, 5, strides=5)",
            "nn.Conv2d(3, 16, 5, stride=5)",
            tuple(conv.weight.permute(2, 3, 1, 0).shape),
            tuple(conv.weight.shape),
        ),
        (
            'Conv2D(16, 3, padding="same")',
            'nn.Conv2d(3, 16, 3, padding="same")',
            tuple(same.weight.permute(2, 3, 1, 0).shape),
            tuple(same.weight.shape),
        ),
        (
            "(N, H, W, C)",
            "(N, C, H, W)",
            tuple(batch.shape),
            tuple(batch.permute(0, 3, 1, 2).shape),
        ),
    ]
