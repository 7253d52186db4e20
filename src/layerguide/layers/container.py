"""Flatten and Sequential: reshaping between layers and chaining them."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from layerguide.errors import ArgumentError, ArgumentTypeError
from layerguide.layers._base import Module
from layerguide.layers._checks import Shape, check_array

__all__ = ["Flatten", "Sequential"]


class Flatten(Module):
    """Merge the axes ``start_dim … end_dim`` into one, like ``torch.nn.Flatten``.

    No numbers change; only the shape does. It is the bridge from a convolution's
    (N, C, H, W) feature maps to a Linear layer's (N, features).

    See https://pytorch.org/docs/stable/generated/torch.nn.Flatten.html.

    Shape
    -----
    - Input: ``(*, S_start, …, S_end, *)``
    - Output: ``(*, S_start × … × S_end, *)``

    Parameters
    ----------
    start_dim : int, default 1
        First axis to merge (the batch axis 0 is kept by default).
    end_dim : int, default -1
        Last axis to merge (negative counts from the end).

    Examples
    --------
    >>> Flatten()(np.zeros((2, 16, 5, 5))).shape
    (2, 400)
    >>> Flatten(0, 1).output_shape((2, 16, 5, 5))
    (32, 5, 5)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        for arg, value in (("start_dim", start_dim), ("end_dim", end_dim)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise ArgumentTypeError(
                    f"{type(self).__name__}: {arg} must be an int, got {value!r}"
                )
        self.start_dim = int(start_dim)
        self.end_dim = int(end_dim)

    torch_class = "Flatten"

    def torch_arguments(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return (self.start_dim, self.end_dim), {}

    def field(self, f: Any, shape_in: Shape, shape_out: Shape) -> Any:
        from layerguide.tracer.rules import elementwise_field

        return elementwise_field(f, shape_in, shape_out)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"

    def output_shape(self, input_shape: Shape) -> Shape:
        shape = tuple(int(d) for d in input_shape)
        rank = max(len(shape), 1)  # torch treats a 0-d input as 1-d here
        start = self.start_dim + rank if self.start_dim < 0 else self.start_dim
        end = self.end_dim + rank if self.end_dim < 0 else self.end_dim
        if not (0 <= start < rank and 0 <= end < rank):
            raise ArgumentError(
                f"{type(self).__name__}: start_dim={self.start_dim}, end_dim={self.end_dim} out of range "
                f"for a {len(shape)}-D input of shape {shape}"
            )
        if start > end:
            raise ArgumentError(
                f"{type(self).__name__}: start_dim={self.start_dim} comes after end_dim={self.end_dim} "
                f"(axes {start} > {end}) for input shape {shape}"
            )
        if not shape:
            return (1,)
        return (*shape[:start], math.prod(shape[start : end + 1]), *shape[end + 1 :])

    def forward(self, x: Any) -> NDArray[np.floating]:
        out_shape = self.output_shape(x.shape)
        self.save_for_backward(out_shape, in_shape=x.shape)
        return x.reshape(out_shape)

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        return grad_out.reshape(self.saved_for_backward(grad_out)["in_shape"])


class Sequential(Module):
    """Layers applied one after another, like ``torch.nn.Sequential``.

    ``forward`` runs the layers in order; ``backward`` runs their ``backward`` in reverse
    order (the chain rule); ``output_shape`` chains their shape arithmetic.

    See https://pytorch.org/docs/stable/generated/torch.nn.Sequential.html.

    Shape
    -----
    - Input: whatever the first layer takes.
    - Output: whatever the last layer returns.

    Attributes
    ----------
    layers : list of Module
        The layers, in order. A Sequential is also iterable and indexable.

    Examples
    --------
    >>> from layerguide.layers import Linear, ReLU
    >>> model = Sequential(Linear(2, 3), ReLU(), Linear(3, 1))
    >>> model(np.zeros((4, 2), dtype=np.float32)).shape
    (4, 1)
    >>> len(model), type(model[0]).__name__, sum(p.numel() for p in model.parameters())
    (3, 'Linear', 13)
    """

    checks_input = False  # the first layer checks the input, and names itself
    torch_class = "Sequential"

    def __init__(self, *layers: Module) -> None:
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise ArgumentTypeError(
                    f"Sequential: argument {i} must be a layer (Module), got {type(layer).__name__}"
                )
        self.layers: list[Module] = list(layers)

    def torch_arguments(self) -> tuple[tuple[Any, ...], dict[str, Any]]:
        return tuple(self.layers), {}

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """``("0", first layer), ("1", second layer), …``, as torch names them."""
        for i, layer in enumerate(self.layers):
            yield str(i), layer

    def __iter__(self) -> Iterator[Module]:
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    @overload
    def __getitem__(self, index: int) -> Module: ...
    @overload
    def __getitem__(self, index: slice) -> Sequential: ...
    def __getitem__(self, index: int | slice) -> Module | Sequential:
        if isinstance(index, slice):
            return Sequential(*self.layers[index])
        return self.layers[index]

    def append(self, layer: Module) -> Sequential:
        """Add a layer at the end; return ``self``."""
        if not isinstance(layer, Module):
            raise ArgumentTypeError(
                f"Sequential: can only append a layer, got {type(layer).__name__}"
            )
        self.layers.append(layer)
        return self

    def __repr__(self) -> str:
        if not self.layers:
            return "Sequential()"
        lines = [f"  ({i}): {layer!r}".replace("\n", "\n  ") for i, layer in enumerate(self.layers)]
        return "Sequential(\n" + "\n".join(lines) + "\n)"

    def output_shape(self, input_shape: Shape) -> Shape:
        shape = tuple(int(d) for d in input_shape)
        for layer in self.layers:
            shape = layer.output_shape(shape)
        return shape

    def forward(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        if not self.layers:
            check_array("Sequential.backward", grad_out, "grad_out")
        for layer in reversed(self.layers):
            grad_out = layer.backward(grad_out)
        return grad_out
