"""What every layer shares: parameters, the module protocol, errors and argument checks.

A layer here is a small object with three methods:

- ``forward(x)`` (also ``layer(x)``) computes the output and keeps what ``backward`` needs;
- ``backward(grad_out)`` returns the gradient with respect to the input and adds the
  gradient of every parameter into ``param.grad`` (like torch, gradients accumulate until
  :meth:`Module.zero_grad`);
- ``output_shape(input_shape)`` does the shape arithmetic of ``forward`` — with the same
  checks and the same error messages — without allocating anything, so a model can be
  traced on inputs far too large for memory.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any, ClassVar, Self

import numpy as np
from numpy.typing import DTypeLike, NDArray

from layerguide.errors import ArgumentError, StateError
from layerguide.layers._checks import Shape, check_array

__all__ = [
    "Module",
    "Parameter",
    "Shape",
    "manual_seed",
]


_rng = np.random.default_rng()


def manual_seed(seed: int) -> None:
    """Seed the generator that initialises new layers (like ``torch.manual_seed``).

    >>> manual_seed(0)
    >>> from layerguide.layers import Linear
    >>> a = Linear(2, 3).weight.data
    >>> manual_seed(0)
    >>> b = Linear(2, 3).weight.data
    >>> bool((a == b).all())
    True
    """
    global _rng
    _rng = np.random.default_rng(seed)


def _generator(rng: np.random.Generator | int | None) -> np.random.Generator:
    if rng is None:
        return _rng
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


class Parameter:
    """A trainable array and its gradient, like ``torch.nn.Parameter``.

    Attributes
    ----------
    data : ndarray
        The values.
    grad : ndarray or None
        The gradient of the loss with respect to ``data``; ``None`` until a ``backward``
        fills it.

    >>> p = Parameter(np.zeros((3, 2), dtype=np.float32))
    >>> p.shape, p.numel(), p.grad is None
    ((3, 2), 6, True)
    """

    def __init__(self, data: NDArray[np.floating]) -> None:
        self.data = data
        self.grad: NDArray[np.floating] | None = None

    @property
    def shape(self) -> Shape:
        """Shape of ``data``."""
        return tuple(self.data.shape)

    def numel(self) -> int:
        """Number of values (``data.size``)."""
        return int(self.data.size)

    def accumulate(self, grad: NDArray[np.floating]) -> None:
        """Add ``grad`` into ``self.grad`` (creating it on the first call)."""
        if self.grad is None:
            self.grad = grad.astype(self.data.dtype, copy=True)
        else:
            self.grad += grad

    def __repr__(self) -> str:
        return f"Parameter(shape={self.shape}, dtype={self.data.dtype})"


def uniform_init(
    shape: Shape, fan_in: int, dtype: DTypeLike, rng: np.random.Generator | int | None
) -> Parameter:
    """torch's default for Linear/Conv weights and biases: U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    (``kaiming_uniform_(a=sqrt(5))`` on the weight works out to the same bound.)
    """
    bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
    values = _generator(rng).uniform(-bound, bound, size=shape)
    return Parameter(values.astype(dtype))


class Module:
    """Base class of the NumPy layers.

    Subclasses implement :meth:`forward`, :meth:`backward` and :meth:`output_shape`.
    Calling a layer, ``layer(x)``, first checks that ``x`` is a floating-point ndarray (an
    error names the layer), then runs ``forward(x)``. ``forward`` keeps what ``backward``
    needs with :meth:`save_for_backward`; ``backward`` gets it back, with its ``grad_out``
    checked against the output's shape, from :meth:`saved_for_backward`.
    Parameters are found by walking the attributes (a :class:`Parameter`, a
    :class:`Module`, or a list of modules) and named as torch names them (``weight``,
    ``0.bias``).

    A layer also describes itself, so that nothing outside its own file needs to know it:

    - ``torch_class`` and :meth:`torch_arguments`: the ``torch.nn`` layer it teaches and
      how to build it (:func:`layerguide.torch_twin.torch_twin` copies the parameters by
      name);
    - :meth:`field` and :meth:`macs`: what :func:`layerguide.tracer.trace` shows beyond the
      shapes (the defaults: unknown receptive field, no multiply-accumulates);
    - ``output_is_view``: whether its output shares the input's memory (a reshape or a
      transpose), so the tracer's activation memory counts it as 0 bytes.
    """

    #: Whether ``layer(x)`` checks ``x`` (a container leaves it to its first layer).
    checks_input = True
    #: Name of the ``torch.nn`` class this layer mirrors (``None``: it has no twin).
    torch_class: ClassVar[str | None] = None
    #: Whether the tracer writes the weight as ``in×out×…`` (torch stores it out-first).
    weight_in_first: ClassVar[bool] = False
    #: Whether the output is a view of the input (no new activation memory).
    output_is_view: ClassVar[bool] = False

    def __call__(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        if self.checks_input:
            x = check_array(type(self).__name__, x)
        return self.forward(x, *args, **kwargs)

    def forward(self, x: Any, *args: Any, **kwargs: Any) -> Any:
        """Compute the output; keep what :meth:`backward` needs."""
        raise NotImplementedError

    def save_for_backward(self, out_shape: Shape, **values: Any) -> None:
        """Keep ``values`` (and the output's shape) for the next :meth:`backward`."""
        self._saved = Saved(type(self).__name__)
        self._saved.save(out_shape=tuple(out_shape), **values)

    def saved_for_backward(self, grad_out: Any) -> dict[str, Any]:
        """What the last ``forward`` saved; ``grad_out`` must match its output's shape."""
        saved: Saved = getattr(self, "_saved", None) or Saved(type(self).__name__)
        return saved.load(grad_out)

    def backward(self, grad_out: NDArray[np.floating]) -> NDArray[np.floating]:
        """Return the gradient w.r.t. the input; add parameter gradients into ``.grad``."""
        raise NotImplementedError

    def output_shape(self, input_shape: Shape) -> Shape:
        """Shape of ``forward``'s output for an input of ``input_shape`` (allocates nothing)."""
        raise NotImplementedError

    def parameters(self) -> list[Parameter]:
        """Every parameter of this layer and the layers inside it, in order, each once."""
        return [p for _, p in self.named_parameters()]

    def named_parameters(self) -> list[tuple[str, Parameter]]:
        """``(name, parameter)`` pairs, named like torch's: ``weight``, ``0.bias``, …

        A layer's own parameters come first, then those of the layers inside it; a
        parameter shared by two layers is listed once, under its first name.
        """
        found: list[tuple[str, Parameter]] = []
        seen: set[int] = set()
        for name, p in self._walk(""):
            if id(p) not in seen:
                seen.add(id(p))
                found.append((name, p))
        return found

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The layers inside this one, with their names (an attribute, or ``attr.i``)."""
        for name, value in vars(self).items():
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def _walk(self, prefix: str) -> Iterator[tuple[str, Parameter]]:
        for name, value in vars(self).items():
            if isinstance(value, Parameter):
                yield prefix + name, value
        for name, child in self.named_children():
            yield from child._walk(f"{prefix}{name}.")

    def torch_arguments(self) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
        """Positional and keyword arguments that build the ``torch_class`` twin.

        A layer among them stands for its own twin and a NumPy dtype for torch's;
        ``None`` means that these settings have no torch twin.
        """
        return (), {}

    def field(self, f: Any, shape_in: Shape, shape_out: Shape) -> Any:
        """The receptive field after this layer, given the tracer's field ``f`` before it.

        Returns a :class:`~layerguide.tracer.field.Field`, or ``None`` when the layer does
        not know (the default): the tracer then assumes it mixes every pixel.
        """
        return None

    def macs(self, shape_in: Shape, shape_out: Shape) -> int:
        """Multiply-accumulates of one forward pass on ``shape_in`` (default 0)."""
        return 0

    def zero_grad(self) -> None:
        """Forget every parameter gradient (set ``.grad`` to ``None``, as torch does)."""
        for p in self.parameters():
            p.grad = None

    def to(self, dtype: DTypeLike) -> Self:
        """Convert every parameter to ``dtype`` in place; return ``self``."""
        for p in self.parameters():
            p.data = p.data.astype(dtype)
            p.grad = None if p.grad is None else p.grad.astype(dtype)
        return self

    def extra_repr(self) -> str:
        """The arguments shown between the parentheses of ``repr``."""
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.extra_repr()})"


class Saved:
    """What ``forward`` keeps for ``backward`` (torch's ``ctx.save_for_backward``).

    Raises if ``backward`` comes before ``forward``, or if ``grad_out`` does not have the
    shape of the last output (saved as ``out_shape``).
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: dict[str, Any] | None = None

    def save(self, **values: Any) -> None:
        self.values = values

    def load(self, grad_out: Any) -> dict[str, Any]:
        if self.values is None:
            raise StateError(
                f"{self.name}: backward called before forward; call the layer on an input first"
            )
        check_array(f"{self.name}.backward", grad_out, "grad_out")
        expected = self.values["out_shape"]
        if tuple(grad_out.shape) != tuple(expected):
            raise ArgumentError(
                f"{self.name}.backward: grad_out has shape {tuple(grad_out.shape)} but the last "
                f"forward returned shape {tuple(expected)}"
            )
        return self.values
