"""Stochastic gradient descent (``torch.optim.SGD``) for the NumPy layers."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import NDArray

from layerguide.errors import ArgumentError, ArgumentTypeError
from layerguide.layers._base import Parameter

__all__ = ["SGD"]


class SGD:
    """Plain SGD with optional momentum and weight decay, like ``torch.optim.SGD``.

    ``step()`` moves every parameter against its gradient:
    ``v = momentum·v + (grad + weight_decay·data)`` then ``data -= lr·v``
    (with ``momentum=0`` this is just ``data -= lr·grad``). Parameters whose ``grad`` is
    ``None`` are skipped.

    See https://pytorch.org/docs/stable/generated/torch.optim.SGD.html.

    Parameters
    ----------
    params : list of Parameter
        Usually ``model.parameters()``.
    lr : float
        Learning rate (> 0).
    momentum : float, default 0
    weight_decay : float, default 0

    Examples
    --------
    >>> from layerguide.layers import Linear
    >>> layer = Linear(1, 1, bias=False)
    >>> layer.weight.data[:] = 1.0
    >>> layer.weight.grad = np.array([[0.5]], dtype=np.float32)
    >>> SGD(layer.parameters(), lr=0.1).step()
    >>> layer.weight.data
    array([[0.95]], dtype=float32)
    """

    def __init__(
        self,
        params: Iterable[Parameter],
        lr: float,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        self.params = list(params)
        for i, p in enumerate(self.params):
            if not isinstance(p, Parameter):
                raise ArgumentTypeError(
                    f"SGD: params[{i}] must be a Parameter, got {type(p).__name__}; "
                    "pass model.parameters()"
                )
        if not lr > 0:  # written so that NaN fails too
            raise ArgumentError(f"SGD: lr must be > 0, got {lr}")
        for arg, value in (("momentum", momentum), ("weight_decay", weight_decay)):
            if not value >= 0:
                raise ArgumentError(f"SGD: {arg} must be >= 0, got {value}")
        self.lr = float(lr)
        self.momentum = float(momentum)
        self.weight_decay = float(weight_decay)
        self._velocity: dict[int, NDArray[np.floating]] = {}

    def __repr__(self) -> str:
        return f"SGD(lr={self.lr}, momentum={self.momentum}, weight_decay={self.weight_decay})"

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to ``None``."""
        for p in self.params:
            p.grad = None

    def step(self) -> None:
        """Update every parameter once from its current gradient."""
        for p in self.params:
            if p.grad is None:
                continue
            d = p.grad
            if self.weight_decay:
                d = d + self.weight_decay * p.data
            if self.momentum:
                v = self._velocity.get(id(p))
                if v is None:
                    v = self._velocity[id(p)] = np.array(d, dtype=p.data.dtype)
                else:
                    v *= self.momentum
                    v += d
                d = v
            p.data -= (self.lr * d).astype(p.data.dtype, copy=False)
