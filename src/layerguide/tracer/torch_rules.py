"""How each ATen operation changes the receptive field, and how many MACs it costs.

The tracer sees a torch model at the ATen level (``aten.convolution``, ``aten.addmm``,
``aten.view``…), below ``torch.nn.functional``: a few dozen operations cover every model,
and ``F.relu``, ``torch.flatten`` and ``x + y`` inside ``forward`` arrive here like the
modules do. Operations not listed are assumed to mix everything (their output element
sees the whole span of their input); the trace names them.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import torch

from layerguide.tracer.field import (
    Field,
    adaptive_footprint,
    merge,
    transposed_footprint,
    window_footprint,
)

Data = list[tuple[torch.Tensor, Field]]

POOLS = {"max_pool2d_with_indices", "max_pool2d", "avg_pool2d"}
ADAPTIVE = {"_adaptive_avg_pool2d", "adaptive_max_pool2d", "adaptive_avg_pool2d"}
UPSAMPLE = {
    "upsample_nearest2d": 1,
    "_upsample_nearest_exact2d": 1,
    "upsample_bilinear2d": 2,
    "_upsample_bilinear2d_aa": 2,
    "upsample_bicubic2d": 4,
}
PADS = {"constant_pad_nd", "reflection_pad2d", "replication_pad2d", "pad", "circular_pad2d"}
REDUCTIONS = {
    "mean", "sum", "amax", "amin", "max", "min", "std", "var", "var_mean", "std_mean",
    "logsumexp", "prod", "norm", "linalg_vector_norm", "argmax", "argmin", "any", "all",
}  # fmt: skip
SOFTMAX = {"_softmax", "_log_softmax", "softmax", "log_softmax"}
MATMUL = {"mm", "addmm", "bmm", "baddbmm", "mv", "addmv", "dot", "matmul", "linear"}
VIEWS = {
    "view", "_unsafe_view", "reshape", "_reshape_alias", "clone", "_to_copy", "contiguous",
    "alias", "detach", "expand", "lift_fresh", "lift_fresh_copy", "squeeze", "unsqueeze",
    "flatten", "unflatten", "copy", "copy_", "native_dropout", "dropout", "select",
    "index_select", "split", "split_with_sizes", "chunk", "unbind", "narrow", "repeat",
    "_unsafe_index", "index", "masked_fill", "where", "fill", "fill_", "zero_",
    "as_strided", "new_empty", "empty_like", "zeros_like", "ones_like", "_prelu_kernel",
    "hardswish", "hardswish_", "hardsigmoid", "hardsigmoid_", "native_batch_norm",
    "_native_batch_norm_legit", "_native_batch_norm_legit_no_training",
    "_native_batch_norm_legit_functional", "batch_norm", "cudnn_batch_norm", "max_unpool2d",
}  # fmt: skip
PERMUTES = {"permute", "transpose", "t", "numpy_T", "movedim", "swapaxes"}
MERGES = {"cat", "stack", "concat", "hstack", "vstack"}


def _two(value: Any, default: int = 1) -> tuple[int, int]:
    """Expand an int or a 1- or 2-element list to an (H, W) pair; absent means ``default``."""
    if value is None or (isinstance(value, Sequence) and len(value) == 0):
        return (default, default)
    if isinstance(value, int):
        return (value, value)
    values = [int(v) for v in value]
    return (values[0], values[-1])


def _arg(args: tuple[Any, ...], kwargs: dict[str, Any], index: int, key: str) -> Any:
    if len(args) > index:
        return args[index]
    return kwargs.get(key)


def _hw(t: torch.Tensor) -> tuple[int, int]:
    h, w = (int(n) for n in t.shape[-2:])
    return (h, w)


def _spatial_axes(dims: Any, ndim: int) -> tuple[bool, bool]:
    """Which of H and W (the last two axes of a 4-D tensor) are among ``dims``."""
    if dims is None or (isinstance(dims, Sequence) and len(dims) == 0):
        return (True, True)
    dims = [dims] if isinstance(dims, int) else list(dims)
    norm = {d % ndim for d in dims}
    return (ndim - 2 in norm, ndim - 1 in norm)


def _slice_begin(begin: Any, n: int) -> int:
    """Index of the first element ``x[begin:]`` keeps along an axis of length ``n``."""
    if begin is None:
        return 0
    begin = int(begin)
    return max(begin + n, 0) if begin < 0 else min(begin, n)


def _keep_or_flat(field: Field, x: torch.Tensor, out: torch.Tensor) -> Field:
    """Keep the grid when the output is 4-D with the same (H, W); else flatten."""
    if out.ndim == 4 and x.ndim == 4 and _hw(out) == _hw(x):
        return field
    return field.flat(_hw(x))


def _mix_all(data: Data) -> Field:
    span = tuple(max(f.extent(_hw(t))[a] for t, f in data) for a in (0, 1))
    return Field((span[0], span[1]), None, (span[0], span[1]))


def _window_field(
    name: str, args: tuple[Any, ...], kwargs: dict[str, Any], data: Data, out: torch.Tensor
) -> Field | None:
    """Operations that slide or stretch a window over an (N, C, H, W) grid."""
    x, f = data[0]
    if name == "convolution" and args[0] is x and args[1].ndim == 4:
        k = _two(list(args[1].shape[2:]))
        stride, dilation = _two(args[3], 1), _two(args[5], 1)
        if args[6]:  # transposed
            fp = [transposed_footprint(k[a], stride[a], dilation[a]) for a in (0, 1)]
            return f.window(_hw(x), fp, [Fraction(1, s) for s in stride])
        fp = [window_footprint(k[a], dilation[a]) for a in (0, 1)]
        return f.window(_hw(x), fp, [Fraction(s) for s in stride], _two(args[4], 0))
    if name in POOLS:
        kernel = _two(_arg(args, kwargs, 1, "kernel_size"))
        given = _arg(args, kwargs, 2, "stride")
        stride = _two(given) if given else kernel  # PyTorch: stride defaults to kernel_size
        dilation = _two(_arg(args, kwargs, 4, "dilation"), 1) if "max" in name else (1, 1)
        fp = [window_footprint(kernel[a], dilation[a]) for a in (0, 1)]
        padding = _two(_arg(args, kwargs, 3, "padding"), 0)
        return f.window(_hw(x), fp, [Fraction(s) for s in stride], padding)
    if name in ADAPTIVE:  # the first window starts at the first element
        n_in, n_out = _hw(x), _hw(out)
        fp = [adaptive_footprint(n_in[a], n_out[a]) for a in (0, 1)]
        step = [Fraction(n_in[a], max(n_out[a], 1)) for a in (0, 1)]
        return f.window(_hw(x), fp, step, (0, 0))
    if name in UPSAMPLE:  # nearest: output 0 copies input 0; interpolation: not placed
        n_in, n_out = _hw(x), _hw(out)
        fp = [UPSAMPLE[name]] * 2
        step = [Fraction(n_in[a], max(n_out[a], 1)) for a in (0, 1)]
        return f.window(_hw(x), fp, step, (0, 0) if UPSAMPLE[name] == 1 else None)
    if name == "max_unpool2d":
        n_in, n_out = _hw(x), _hw(out)
        merged = merge([(g, _hw(t)) for t, g in data], _hw(x))
        step = [Fraction(n_in[a], n_out[a]) for a in (0, 1)]
        return merged.window(_hw(x), [1, 1], step, (0, 0))
    return None


def _layout_field(
    name: str, pointwise: bool, args: tuple[Any, ...], kwargs: dict[str, Any], data: Data,
    out: torch.Tensor, grid: bool,
) -> Field | None:  # fmt: skip
    """Padding, reductions, norms, products, permutes, slices, merges and views."""
    x, f = data[0]
    if name in PADS:
        return _keep_or_flat(f, x, out) if out.ndim == 4 else f.flat(_hw(x))
    if name in REDUCTIONS or name in SOFTMAX:
        dims = _arg(args, kwargs, 1, "dim")
        if x.ndim == 4:
            axes = _spatial_axes(dims, x.ndim)
            return _keep_or_flat(f.mix(_hw(x), axes), x, out)
        if isinstance(dims, int):
            dims = [dims]
        only_batch = dims is not None and len(dims) > 0 and {d % x.ndim for d in dims} == {0}
        return f if only_batch else f.mix(_hw(x))
    if name == "native_layer_norm":
        n = len(args[1])
        if x.ndim == 4:
            return f.mix(_hw(x), (n >= 2, n >= 1))
        return f.mix(_hw(x))
    if name == "native_group_norm":
        return f.mix(_hw(x)) if x.ndim == 4 else f
    if name in MATMUL:
        return _mix_all(data)
    if name in PERMUTES:
        keep = False
        if out.ndim == 4 and x.ndim == 4:
            if name == "permute":
                keep = [d % 4 for d in args[1]][2:] == [2, 3]
            elif name == "transpose":
                keep = not ({args[1] % 4, args[2] % 4} & {2, 3})
        return f if keep and grid else f.flat(_hw(x))
    if name == "slice" and grid and f.jump is not None:
        dim = _arg(args, kwargs, 1, "dim") or 0
        step = _arg(args, kwargs, 4, "step") or 1
        axes = _spatial_axes(dim, x.ndim)
        jump = tuple(j * step if a else j for j, a in zip(f.jump, axes, strict=True))
        start = None
        if f.start is not None:  # the slice's first element is element ``begin`` of x
            hw = _hw(x)
            begin = [_slice_begin(_arg(args, kwargs, 2, "start"), n) for n in hw]
            start = tuple(
                s + b * j if a else s
                for s, b, j, a in zip(f.start, begin, f.jump, axes, strict=True)
            )
        return Field(
            f.rf, (jump[0], jump[1]), start=None if start is None else (start[0], start[1])
        )
    if name in MERGES or pointwise:
        merged = merge([(g, _hw(t)) for t, g in data], _hw(out))
        return merged if out.ndim == 4 else merged.flat(_hw(out))
    if name in VIEWS or name == "slice":
        return _keep_or_flat(f, x, out)
    return None


def output_field(
    name: str, pointwise: bool, args: tuple[Any, ...], kwargs: dict[str, Any], data: Data,
    out: torch.Tensor,
) -> tuple[Field, bool]:  # fmt: skip
    """Field of ``out``, and whether the operation was known (else assumed to mix all)."""
    x, f = data[0]
    grid = f.jump is not None and x.ndim == 4
    known = _window_field(name, args, kwargs, data, out) if grid else None
    if known is None:
        known = _layout_field(name, pointwise, args, kwargs, data, out, grid)
    if known is not None:
        return known, True
    # Unknown: assume each output element may see everything its inputs see.
    mixed = _mix_all(data)
    if grid and f.jump is not None and out.ndim == 4 and _hw(out) == _hw(x):
        return Field(mixed.rf, f.jump), False
    return mixed, False


def macs(name: str, args: tuple[Any, ...], out: torch.Tensor) -> int:
    """Multiply–accumulates of one ATen operation (0 for everything but products)."""
    if name == "convolution":
        x, weight, transposed = args[0], args[1], args[6]
        per = int(weight.shape[1]) * int(torch.Size(weight.shape[2:]).numel())
        return (x.numel() if transposed else out.numel()) * per
    if name in {"mm", "addmm"}:
        a, b = (args[0], args[1]) if name == "mm" else (args[1], args[2])
        return int(a.shape[0]) * int(a.shape[1]) * int(b.shape[1])
    if name in {"bmm", "baddbmm"}:
        a, b = (args[0], args[1]) if name == "bmm" else (args[1], args[2])
        return int(a.shape[0]) * int(a.shape[1]) * int(a.shape[2]) * int(b.shape[2])
    if name in {"mv", "addmv"}:
        a = args[0] if name == "mv" else args[1]
        return int(a.shape[0]) * int(a.shape[1])
    if name == "dot":
        return int(args[0].numel())
    return 0
