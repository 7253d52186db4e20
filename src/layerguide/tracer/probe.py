"""Measure a receptive field by experiment, to check the tracer's arithmetic.

The tracer *computes* the receptive field of one output from the layers' kernel sizes,
strides and dilations. :func:`probe_field` *measures* it on a copy of the model: with
every weight made positive and every bias zero, an input of zeros gives zeros everywhere,
and lighting up one input pixel changes exactly the outputs that can see it (positive
weights cannot cancel, and a max pooling window passes the one positive value it holds).
Lighting the pixels one at a time, the pixels that change the centre output are its
receptive field, clipped to the image.

:func:`effective_field` measures something else on a *trained* model: how strongly each
input pixel moves one output, on average over real inputs (the mean of
``|∂ output / ∂ input|``). It is zero outside the receptive field and, inside, usually
concentrated on a small part of it (Luo et al., 2016, *Understanding the effective
receptive field in deep convolutional neural networks*).

It runs one forward pass per input pixel, in batches, so it is meant for small inputs
(``H × W ≤ 4096``) and for models made of convolutions, poolings, upsampling and
element-wise activations that keep 0 at 0 (ReLU, GELU). A model whose output is not
zero on a zero input (BatchNorm with running statistics, a sigmoid) is refused.

>>> import torch
>>> stack = torch.nn.Sequential(torch.nn.Conv2d(1, 1, 3), torch.nn.MaxPool2d(2))
>>> probe_field(stack, (1, 1, 16, 16))
(4, 4)
"""

from __future__ import annotations

import copy
from typing import Any

from layerguide.errors import ArgumentError

__all__ = ["effective_field", "probe_field"]

MAX_PIXELS = 4096  # one forward pass per input pixel: keep the input small


def probe_field(
    model: Any, input_size: tuple[int, int, int, int], batch: int = 256
) -> tuple[int, int]:
    """(height, width) of the input pixels that can change the centre output.

    Parameters
    ----------
    model : torch.nn.Module
        Left untouched: a copy gets positive weights and zero biases.
    input_size : tuple of int
        ``(1, C, H, W)`` with ``H × W`` at most 4096.
    batch : int, optional
        Input pixels lit per forward pass.

    Returns
    -------
    tuple of int
        Height and width of the bounding box of the pixels that change the centre output
        (all output channels together), which is the receptive field wherever the field
        fits inside the image.
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise ArgumentError(
            f"probe_field: model must be a torch.nn.Module, got {type(model).__name__}"
        )
    if len(input_size) != 4 or input_size[0] != 1 or min(input_size) < 1:
        raise ArgumentError(f"probe_field: input_size must be (1, C, H, W), got {input_size}")
    _, c, h, w = (int(d) for d in input_size)
    if h * w > MAX_PIXELS:
        raise ArgumentError(
            f"probe_field: input of {h} × {w} = {h * w:,} pixels needs as many forward passes; "
            f"use at most {MAX_PIXELS:,}"
        )
    probe = copy.deepcopy(model).eval()
    with torch.no_grad():
        generator = torch.Generator().manual_seed(0)
        for name, p in probe.named_parameters():
            if name.endswith("bias"):
                p.zero_()
            else:
                p.copy_(torch.rand(p.shape, generator=generator) * 0.9 + 0.1)
        base = probe(torch.zeros(1, c, h, w))
        if base.ndim != 4:
            raise ArgumentError(
                f"probe_field: the output must be (N, C, H, W), got {tuple(base.shape)}"
            )
        if base.abs().max() > 0:
            raise ArgumentError(
                "probe_field: the model's output is not zero on a zero input (a layer adds a "
                "constant, e.g. BatchNorm's running mean or a sigmoid), so a lit pixel cannot be told apart"
            )
        ci, cj = base.shape[-2] // 2, base.shape[-1] // 2
        seen = torch.zeros(h * w, dtype=torch.bool)
        for start in range(0, h * w, batch):
            stop = min(start + batch, h * w)
            lit = torch.zeros(stop - start, c, h * w)
            lit[torch.arange(stop - start), :, torch.arange(start, stop)] = 1.0
            out = probe(lit.reshape(-1, c, h, w))
            seen[start:stop] = out[:, :, ci, cj].sum(dim=1) > 0
    if not seen.any():
        raise ArgumentError("probe_field: no input pixel changes the centre output")
    rows, cols = torch.nonzero(seen.reshape(h, w), as_tuple=True)
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)


def effective_field(forward: Any, images: Any, position: tuple[int, int]) -> Any:
    """Mean ``|∂ y / ∂ x|`` over ``images``, where ``y`` is one output position of ``forward``.

    Parameters
    ----------
    forward : callable
        Maps a float32 tensor (N, C, H, W) to a tensor (N, C', H', W'), each image on its
        own (a model in ``eval()`` mode: no batch statistics).
    images : array_like
        (N, C, H, W) real inputs.
    position : (int, int)
        The output row and column; its C' channels are summed into ``y``.

    Returns
    -------
    numpy.ndarray
        (H, W): for every input pixel the mean absolute gradient, summed over the input
        channels.
    """
    import numpy as np
    import torch

    x = torch.as_tensor(np.asarray(images), dtype=torch.float32)
    if x.ndim != 4:
        raise ArgumentError(f"effective_field: images must be (N, C, H, W), got {tuple(x.shape)}")
    x.requires_grad_(True)
    out = forward(x)
    i, j = (int(v) for v in position)
    if out.ndim != 4 or not (0 <= i < out.shape[-2] and 0 <= j < out.shape[-1]):
        raise ArgumentError(
            f"effective_field: position {(i, j)} is not in the output {tuple(out.shape)}"
        )
    (grad,) = torch.autograd.grad(out[:, :, i, j].sum(), x)  # (N, C, H, W), one per image
    return grad.abs().mean(dim=0).sum(dim=0).numpy()
