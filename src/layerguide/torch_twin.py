"""The PyTorch twin of a NumPy layer: the same arguments and a copy of the same weights.

Every layer in :mod:`layerguide.layers` mirrors the ``torch.nn`` layer of the same name, with
the same weight layout, so a page (or a reader) can hand a NumPy layer to PyTorch and
compare the two outputs:

>>> import numpy as np, torch
>>> from layerguide.layers import Conv2d
>>> conv = Conv2d(1, 4, 3, stride=2, padding=1, rng=0)
>>> twin = torch_twin(conv)
>>> twin
Conv2d(1, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))
>>> x = np.random.default_rng(0).random((2, 1, 9, 9), dtype=np.float32)
>>> bool(np.allclose(conv(x), twin(torch.from_numpy(x)).detach().numpy(), atol=1e-6))
True

Nothing here knows a particular layer: each layer names its ``torch_class`` and its
constructor arguments (:meth:`~layerguide.layers.Module.torch_arguments`), and the
parameters are copied by name (``weight``, ``0.bias``; see
:meth:`~layerguide.layers.Module.named_parameters`). The weights are copied, so training
one does not move the other. Subclasses of a layer get the twin of the layer they extend.
Losses and the optimizer have no twin.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from layerguide.errors import ArgumentTypeError
from layerguide.layers import Module

__all__ = ["max_difference", "torch_twin"]


def torch_twin(layer: Module) -> Any:
    """A ``torch.nn`` module that computes what ``layer`` computes, with copied weights.

    Parameters
    ----------
    layer : Module
        A layer (or a ``Sequential`` of layers) from :mod:`layerguide.layers`.

    Returns
    -------
    torch.nn.Module
        Of the same name and arguments, its parameters in the layer's dtype.

    Raises
    ------
    layerguide.errors.ArgumentTypeError
        For a layer with no twin here (a loss, a layer of your own that names no
        ``torch_class``), or whose parameters do not match the twin's names and shapes.
    """
    from torch import nn

    name = getattr(type(layer), "torch_class", None)
    arguments = layer.torch_arguments() if name is not None else None
    if name is None or arguments is None:
        described = repr(layer) if name is not None else type(layer).__name__
        raise ArgumentTypeError(f"torch_twin: no PyTorch twin for {described}")
    args, kwargs = arguments
    twin = getattr(nn, name)(
        *(_to_torch(a) for a in args), **{k: _to_torch(v) for k, v in kwargs.items()}
    )
    _copy_parameters(layer, twin)
    return twin


def _to_torch(value: Any) -> Any:
    """A layer's twin for a layer, torch's dtype for a NumPy dtype; anything else as is."""
    import torch

    if isinstance(value, Module):
        return torch_twin(value)
    if isinstance(value, np.dtype):
        return getattr(torch, value.name)
    return value


def _copy_parameters(layer: Module, twin: Any) -> None:
    """Copy every parameter into the twin's parameter of the same name and shape."""
    import torch

    ours = dict(layer.named_parameters())
    theirs = dict(twin.named_parameters())
    kind = type(layer).__name__
    if ours.keys() != theirs.keys():
        raise ArgumentTypeError(
            f"torch_twin: {kind} has parameters {sorted(ours)} but torch.nn."
            f"{type(twin).__name__} has {sorted(theirs)}"
        )
    with torch.no_grad():
        for pname, p in ours.items():
            if tuple(theirs[pname].shape) != p.shape:
                raise ArgumentTypeError(
                    f"torch_twin: {kind}.{pname} has shape {p.shape} but torch's has "
                    f"{tuple(theirs[pname].shape)}"
                )
            theirs[pname].copy_(torch.from_numpy(p.data))


def max_difference(layer: Module, x: Any) -> float:
    """Largest absolute difference between ``layer(x)`` and its twin's output on ``x``.

    >>> import numpy as np
    >>> from layerguide.layers import Linear
    >>> max_difference(Linear(3, 2, rng=0, dtype=np.float64), np.ones((4, 3))) < 1e-12
    True
    """
    import torch

    x = np.asarray(x)
    with torch.no_grad():
        theirs = torch_twin(layer)(torch.from_numpy(x)).numpy()
    return float(np.abs(np.asarray(layer(x)) - theirs).max())
