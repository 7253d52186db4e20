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

The weights are copied, so training one does not move the other. Subclasses of a layer get
the twin of the layer they extend. Losses and the optimizer have no twin.
"""

from __future__ import annotations

from typing import Any

from layerguide import LayerguideError
from layerguide.layers import (
    Conv2d,
    ConvTranspose2d,
    Flatten,
    Linear,
    MaxPool2d,
    MaxUnpool2d,
    Module,
    ReLU,
    Sequential,
    Sigmoid,
    Upsample,
)

__all__ = ["TwinError", "max_difference", "torch_twin"]


class TwinError(LayerguideError, TypeError):
    """A layer that has no PyTorch twin here."""


def _copy_weights(twin: Any, layer: Any) -> Any:
    import torch

    with torch.no_grad():
        twin.weight.copy_(torch.from_numpy(layer.weight.data))
        if layer.bias is not None:
            twin.bias.copy_(torch.from_numpy(layer.bias.data))
    return twin


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
    TwinError
        For a layer with no twin here (a loss, a layer of your own).
    """
    from torch import nn

    if isinstance(layer, Sequential):
        return nn.Sequential(*(torch_twin(child) for child in layer))
    if isinstance(layer, Linear):
        twin = nn.Linear(
            layer.in_features,
            layer.out_features,
            bias=layer.bias is not None,
            dtype=_torch_dtype(layer),
        )
        return _copy_weights(twin, layer)
    if isinstance(layer, Conv2d | ConvTranspose2d):
        common = {
            "kernel_size": layer.kernel_size,
            "stride": layer.stride,
            "padding": layer.padding,
            "dilation": layer.dilation,
            "bias": layer.bias is not None,
            "dtype": _torch_dtype(layer),
        }
        if isinstance(layer, ConvTranspose2d):
            cls: Any = nn.ConvTranspose2d
            common["output_padding"] = layer.output_padding
        else:
            cls = nn.Conv2d
        return _copy_weights(cls(layer.in_channels, layer.out_channels, **common), layer)
    if isinstance(layer, MaxPool2d):
        return nn.MaxPool2d(
            layer.kernel_size,
            layer.stride,
            layer.padding,
            layer.dilation,
            return_indices=layer.return_indices,
        )
    if isinstance(layer, MaxUnpool2d):
        return nn.MaxUnpool2d(layer.kernel_size, layer.stride, layer.padding)
    if isinstance(layer, Upsample):
        return nn.Upsample(
            scale_factor=tuple(float(s) for s in layer.scale_factor), mode=layer.mode
        )
    if isinstance(layer, ReLU):
        return nn.ReLU()
    if isinstance(layer, Sigmoid):
        return nn.Sigmoid()
    if isinstance(layer, Flatten):
        return nn.Flatten(layer.start_dim, layer.end_dim)
    raise TwinError(f"torch_twin: no PyTorch twin for {type(layer).__name__}")


def max_difference(layer: Module, x: Any) -> float:
    """Largest absolute difference between ``layer(x)`` and its twin's output on ``x``.

    >>> import numpy as np
    >>> from layerguide.layers import Linear
    >>> max_difference(Linear(3, 2, rng=0, dtype=np.float64), np.ones((4, 3))) < 1e-12
    True
    """
    import numpy as np
    import torch

    x = np.asarray(x)
    with torch.no_grad():
        theirs = torch_twin(layer)(torch.from_numpy(x)).numpy()
    return float(np.abs(np.asarray(layer(x)) - theirs).max())


def _torch_dtype(layer: Module) -> Any:
    """The torch dtype of the layer's first parameter (float32 when it has none)."""
    import torch

    for p in layer.parameters():
        return getattr(torch, str(p.data.dtype))
    return torch.float32
