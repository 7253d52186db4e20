"""Shared checks for the tracer tests: real forward passes and gradient support."""

from __future__ import annotations

from typing import TypeVar

import torch
from torch import nn

from layerguide.tracer import torch_engine

M = TypeVar("M", bound=nn.Module)


def unique_params(model) -> int:
    """``sum(p.numel() for p in model.parameters())``, a shared parameter once."""
    return sum({id(p): p.numel() for p in model.parameters()}.values())


def assert_total_is_unique_count(model, trace) -> None:
    """What a reader checks first: the table's total against the model's own count."""
    assert trace.total_params == unique_params(model), (
        f"{type(model).__name__}: total {trace.total_params:,} != "
        f"{unique_params(model):,} in model.parameters()"
    )


def real_trace(model: nn.Module, shape: tuple[int, ...], seed: int = 0):
    """Trace with a real forward pass on a random input (allocates; small inputs only)."""
    torch.manual_seed(seed)
    return torch_engine.trace_module(model, [torch.randn(shape)])  # module attribute: see conftest


def leaf_output_shapes(model: nn.Module, shape: tuple[int, ...]) -> list[tuple[str, tuple]]:
    """(name, output shape) of every leaf-module call in a plain forward pass."""
    seen: list[tuple[str, tuple]] = []
    handles = []
    for name, module in model.named_modules():
        if next(iter(module.children()), None) is None:

            def hook(m, args, out, name=name):
                out = out[0] if isinstance(out, tuple) else out
                seen.append((name or type(m).__name__, tuple(out.shape)))

            handles.append(module.register_forward_hook(hook))
    training = model.training
    model.eval()
    try:
        with torch.no_grad():
            model(torch.randn(shape))
    finally:
        for h in handles:
            h.remove()
        model.train(training)
    return seen


def positive_weights(model: M, seed: int = 0) -> M:
    """Weights in (0.1, 1) and zero biases, so no input pixel's gradient cancels out."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.zero_()
            else:
                p.copy_(torch.rand(p.shape, generator=g) * 0.9 + 0.1)
    return model.eval()


def support_boxes(
    model: nn.Module, shape: tuple[int, ...], block: int = 5
) -> dict[tuple[int, int], tuple]:
    """For the output positions (i, j) in a central ``block × block`` square, all channels
    together: the bounding box of the input pixels with a nonzero gradient, as
    (top, left, height, width). Central outputs see no padding, and a 5 × 5 block holds
    every phase of a stride of ½ or ⅓."""
    x = torch.rand(shape, dtype=torch.float64) + 0.5
    model = model.double()
    x.requires_grad_(True)
    out = model(x)
    boxes = {}
    h, w = out.shape[-2:]
    top, left = max((h - block) // 2, 0), max((w - block) // 2, 0)
    for i in range(top, min(top + block, h)):
        for j in range(left, min(left + block, w)):
            (grad,) = torch.autograd.grad(out[0, :, i, j].sum(), x, retain_graph=True)
            mask = grad.abs().sum((0, 1)) > 0
            rows = torch.nonzero(mask.any(1)).flatten()
            cols = torch.nonzero(mask.any(0)).flatten()
            r0, c0 = int(rows.min()), int(cols.min())
            boxes[(i, j)] = (r0, c0, int(rows.max()) - r0 + 1, int(cols.max()) - c0 + 1)
    return boxes
