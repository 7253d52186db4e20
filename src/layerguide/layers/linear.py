"""Fully connected layer (``torch.nn.Linear``): y = x Wᵀ + b."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import DTypeLike, NDArray

from layerguide.errors import ArgumentError
from layerguide.layers._base import Module, uniform_init
from layerguide.layers._checks import Shape, check_int

__all__ = ["Linear"]


class Linear(Module):
    """Fully connected (linear) layer, like ``torch.nn.Linear``.

    Every output is a weighted sum of *all* inputs plus a bias:
    ``y = x @ weight.T + bias``. It holds ``in_features × out_features`` weights and
    ``out_features`` biases.

    See https://pytorch.org/docs/stable/generated/torch.nn.Linear.html.

    Shape
    -----
    - Input: ``(*, in_features)`` — any number of leading axes.
    - Output: ``(*, out_features)``.

    Parameters
    ----------
    in_features : int
        Size of the last axis of the input.
    out_features : int
        Size of the last axis of the output.
    bias : bool, default True
        Add a learned bias to every output.
    dtype : dtype, default float32
        dtype of the parameters.
    rng : numpy.random.Generator or int, optional
        Source of the initial weights (default: the generator set by ``manual_seed``).

    Attributes
    ----------
    weight : Parameter
        Shape (out_features, in_features), initialised U(-1/sqrt(in), +1/sqrt(in)).
    bias : Parameter or None
        Shape (out_features,), same initialisation.

    Examples
    --------
    >>> layer = Linear(2, 3)
    >>> layer.weight.shape, layer.bias.shape
    ((3, 2), (3,))
    >>> layer(np.ones((5, 2), dtype=np.float32)).shape
    (5, 3)
    >>> sum(p.numel() for p in layer.parameters())
    9
    """

    def __init__(
        self,
        in_features: int,
        out_features: int,
        bias: bool = True,
        *,
        dtype: DTypeLike = np.float32,
        rng: np.random.Generator | int | None = None,
    ) -> None:
        name = type(self).__name__
        self.in_features = check_int(name, "in_features", in_features, 0)
        self.out_features = check_int(name, "out_features", out_features, 0)
        self.weight = uniform_init(
            (self.out_features, self.in_features), self.in_features, dtype, rng
        )
        self.bias = (
            uniform_init((self.out_features,), self.in_features, dtype, rng) if bias else None
        )

    torch_class = "Linear"
    weight_in_first = True  # (out_features, in_features), like torch

    def torch_arguments(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        kwargs = {"bias": self.bias is not None, "dtype": self.weight.data.dtype}
        return (self.in_features, self.out_features), kwargs

    def field(self, f: Any, shape_in: Shape, shape_out: Shape) -> Any:
        from layerguide.tracer.rules import dense_field

        return dense_field(f, shape_in)

    def macs(self, shape_in: Shape, shape_out: Shape) -> int:
        """Every output value: in_features products."""
        return math.prod(shape_out) * self.in_features

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )

    def output_shape(self, input_shape: Shape) -> Shape:
        name, shape = type(self).__name__, tuple(int(d) for d in input_shape)
        if len(shape) == 0:
            raise ArgumentError(
                f"{name}: input must have at least 1 axis (*, in_features={self.in_features}), "
                "got a scalar shape ()"
            )
        if shape[-1] != self.in_features:
            raise ArgumentError(
                f"{name}: input's last axis has size {shape[-1]} (shape {shape}) "
                f"but in_features={self.in_features}"
            )
        return (*shape[:-1], self.out_features)

    def forward(self, x: Any) -> NDArray[np.floating]:
        out_shape = self.output_shape(x.shape)
        x2 = x.reshape(-1, self.in_features)  # (M, in), M = product of leading axes
        out = x2 @ self.weight.data.T.astype(x.dtype, copy=False)  # (M, out)
        if self.bias is not None:
            out += self.bias.data.astype(x.dtype, copy=False)
        self.save_for_backward(out_shape, x2=x2, in_shape=x.shape)
        return out.reshape(out_shape)

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        saved = self.saved_for_backward(grad_out)
        x2 = saved["x2"]
        g = grad_out.reshape(-1, self.out_features).astype(x2.dtype, copy=False)  # (M, out)
        self.weight.accumulate(g.T @ x2)  # (out, in)
        if self.bias is not None:
            self.bias.accumulate(g.sum(axis=0))  # (out,)
        grad_in = g @ self.weight.data.astype(x2.dtype, copy=False)  # (M, in)
        return grad_in.reshape(saved["in_shape"])
