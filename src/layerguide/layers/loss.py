"""Losses: one number that says how far the output is from the target."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from layerguide.errors import ArgumentError, StateError
from layerguide.layers._base import Saved
from layerguide.layers._checks import check_array

__all__ = ["BCELoss", "Loss", "MSELoss"]

REDUCTIONS = ("mean", "sum", "none")


class Loss:
    """Base of the losses: ``loss(output, target)``, then ``loss.backward()`` → d loss / d output.

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"
        Average the per-element losses, add them up, or return them all.
    """

    def __init__(self, reduction: str = "mean") -> None:
        name = type(self).__name__
        if reduction not in REDUCTIONS:
            raise ArgumentError(f"{name}: reduction must be one of {REDUCTIONS}, got {reduction!r}")
        self.reduction = reduction
        self._memo = Saved(name)

    def __call__(self, output: Any, target: Any) -> NDArray[np.floating]:
        return self.forward(output, target)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(reduction={self.reduction!r})"

    def _check(self, output: Any, target: Any) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
        name = type(self).__name__
        output = check_array(name, output, "output")
        target = check_array(name, target, "target")
        if output.shape != target.shape:
            raise ArgumentError(
                f"{name}: output shape {output.shape} and target shape {target.shape} differ; "
                "they must match element for element"
            )
        return output, target.astype(output.dtype, copy=False)

    def _reduce(self, per_element: NDArray[np.floating]) -> NDArray[np.floating]:
        if self.reduction == "mean":
            return per_element.mean()
        if self.reduction == "sum":
            return per_element.sum()
        return per_element

    def forward(self, output: Any, target: Any) -> NDArray[np.floating]:
        raise NotImplementedError

    def _grad_scale(self, grad_out: Any, shape: tuple[int, ...], dtype: np.dtype) -> Any:
        """d reduction / d element, times the incoming gradient (1 for a scalar loss)."""
        name = type(self).__name__
        if self.reduction == "none":
            if grad_out is None:
                raise ArgumentError(f"{name}.backward: reduction='none' needs grad_out")
            grad_out = check_array(f"{name}.backward", grad_out, "grad_out")
            if grad_out.shape != shape:
                raise ArgumentError(
                    f"{name}.backward: grad_out has shape {grad_out.shape} but the loss has "
                    f"shape {shape}"
                )
            return grad_out
        scale = 1.0 if grad_out is None else float(grad_out)
        if self.reduction == "mean":
            scale /= max(int(np.prod(shape)), 1)
        return np.asarray(scale, dtype=dtype)

    def _saved(self) -> dict[str, Any]:
        if self._memo.values is None:
            raise StateError(
                f"{type(self).__name__}: backward called before forward; "
                "call the loss on (output, target) first"
            )
        return self._memo.values


class MSELoss(Loss):
    """Mean squared error ``mean((output - target)²)``, like ``torch.nn.MSELoss``.

    See https://pytorch.org/docs/stable/generated/torch.nn.MSELoss.html.

    Shape
    -----
    - output, target: any shape, the same for both.
    - Result: a 0-d array (or the input shape with ``reduction="none"``).

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"

    Examples
    --------
    >>> loss = MSELoss()
    >>> float(loss(np.array([1.0, 2.0]), np.array([0.0, 0.0])))
    2.5
    >>> loss.backward()
    array([1., 2.])
    """

    def forward(self, output: Any, target: Any) -> NDArray[np.floating]:
        output, target = self._check(output, target)
        diff = output - target
        self._memo.save(diff=diff, out_shape=output.shape)
        return self._reduce(diff * diff)

    def backward(self, grad_out: Any = None) -> NDArray[np.floating]:
        """Gradient of the loss with respect to ``output``."""
        diff = self._saved()["diff"]
        return (2 * diff * self._grad_scale(grad_out, diff.shape, diff.dtype)).astype(diff.dtype)


class BCELoss(Loss):
    """Binary cross-entropy ``-mean(t·log(o) + (1 - t)·log(1 - o))``, like ``torch.nn.BCELoss``.

    ``output`` must be probabilities in [0, 1] (for example after :class:`Sigmoid`). As in
    torch, each log is clamped at -100 so a confident wrong answer costs 100, not infinity.

    See https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html.

    Shape
    -----
    - output, target: any shape, the same for both; values in [0, 1].
    - Result: a 0-d array (or the input shape with ``reduction="none"``).

    Parameters
    ----------
    reduction : {"mean", "sum", "none"}, default "mean"

    Examples
    --------
    >>> loss = BCELoss()
    >>> round(float(loss(np.array([0.5, 0.9]), np.array([1.0, 1.0]))), 4)
    0.3993
    >>> loss.backward().round(4)
    array([-1.    , -0.5556])
    """

    def forward(self, output: Any, target: Any) -> NDArray[np.floating]:
        output, target = self._check(output, target)
        name = type(self).__name__
        if output.size and (output.min() < 0 or output.max() > 1):
            raise ArgumentError(
                f"{name}: output must hold probabilities in [0, 1], got values from "
                f"{output.min()} to {output.max()}; put a Sigmoid before the loss"
            )
        with np.errstate(divide="ignore"):
            log_o = np.maximum(np.log(output), -100)
            log_1mo = np.maximum(np.log(1 - output), -100)
        self._memo.save(output=output, target=target, out_shape=output.shape)
        return self._reduce(-(target * log_o + (1 - target) * log_1mo))

    def backward(self, grad_out: Any = None) -> NDArray[np.floating]:
        """Gradient of the loss with respect to ``output`` (torch's formula, eps = 1e-12)."""
        saved = self._saved()
        o, t = saved["output"], saved["target"]
        denom = np.maximum((1 - o) * o, 1e-12)
        grad = (o - t) / denom * self._grad_scale(grad_out, o.shape, o.dtype)
        return grad.astype(o.dtype, copy=False)
