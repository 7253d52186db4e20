"""Activation functions: element-wise, so the shape never changes."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from layerguide.layers._base import Module
from layerguide.layers._checks import Shape

__all__ = ["ReLU", "Sigmoid"]


class ReLU(Module):
    """Rectified linear unit ``max(x, 0)``, like ``torch.nn.ReLU``.

    See https://pytorch.org/docs/stable/generated/torch.nn.ReLU.html.

    Shape
    -----
    - Input: any shape.
    - Output: the same shape.

    Examples
    --------
    >>> relu = ReLU()
    >>> relu(np.array([[-1.0, 0.0, 2.0]]))
    array([[0., 0., 2.]])
    >>> relu.output_shape((8, 16, 28, 28))
    (8, 16, 28, 28)
    """

    torch_class = "ReLU"

    def field(self, f: Any, shape_in: Shape, shape_out: Shape) -> Any:
        from layerguide.tracer.rules import elementwise_field

        return elementwise_field(f, shape_in, shape_out)

    def output_shape(self, input_shape: Shape) -> Shape:
        return tuple(int(d) for d in input_shape)

    def forward(self, x: Any) -> NDArray[np.floating]:
        positive = x > 0
        self.save_for_backward(x.shape, positive=positive)
        return np.where(positive, x, 0).astype(x.dtype, copy=False)

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        positive = self.saved_for_backward(grad_out)["positive"]
        return np.where(positive, grad_out, 0).astype(grad_out.dtype, copy=False)


class Sigmoid(Module):
    """Logistic sigmoid ``1 / (1 + exp(-x))``, like ``torch.nn.Sigmoid``.

    Squashes any number into (0, 1), which is why it often ends a model whose targets are
    probabilities or pixel brightness. Computed without overflow for large ``|x|``.

    See https://pytorch.org/docs/stable/generated/torch.nn.Sigmoid.html.

    Shape
    -----
    - Input: any shape.
    - Output: the same shape.

    Examples
    --------
    >>> Sigmoid()(np.array([-1000.0, 0.0, 1000.0]))
    array([0. , 0.5, 1. ])
    >>> Sigmoid().output_shape((64, 1, 28, 28))
    (64, 1, 28, 28)
    """

    torch_class = "Sigmoid"

    def field(self, f: Any, shape_in: Shape, shape_out: Shape) -> Any:
        from layerguide.tracer.rules import elementwise_field

        return elementwise_field(f, shape_in, shape_out)

    def output_shape(self, input_shape: Shape) -> Shape:
        return tuple(int(d) for d in input_shape)

    def forward(self, x: Any) -> NDArray[np.floating]:
        e = np.exp(-np.abs(x))  # in (0, 1]: never overflows
        out = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)
        self.save_for_backward(x.shape, out=out)
        return out

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        out = self.saved_for_backward(grad_out)["out"]
        return grad_out * out * (1 - out)
