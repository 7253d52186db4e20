"""``trace(model, input_size)`` or ``trace(model, input_data=…)``: pick the engine for the
model and check the input."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from layerguide.errors import ArgumentError, ArgumentTypeError
from layerguide.i18n import check_lang
from layerguide.tracer.table import Shape, Trace


def parse_input_size(input_size: Any) -> list[Shape]:
    """One shape or a list of shapes, as a list of int tuples.

    >>> parse_input_size((1, 3, 224, 224))
    [(1, 3, 224, 224)]
    >>> parse_input_size([(2, 6), (2, 4)])
    [(2, 6), (2, 4)]
    """
    if not isinstance(input_size, Sequence) or isinstance(input_size, str) or not input_size:
        raise ArgumentError(
            f"trace: input_size must be a shape like (1, 3, 224, 224) or a list of shapes, "
            f"got {input_size!r}"
        )
    if all(_is_dim(d) for d in input_size):
        return [tuple(int(d) for d in input_size)]
    shapes = []
    for shape in input_size:
        ok = isinstance(shape, Sequence) and not isinstance(shape, str)
        if not ok or not all(_is_dim(d) for d in shape):
            raise ArgumentError(
                f"trace: every size in input_size must be a non-negative int, got {shape!r} "
                f"in {input_size!r}"
            )
        shapes.append(tuple(int(d) for d in shape))
    return shapes


def _is_dim(d: Any) -> bool:
    return hasattr(d, "__index__") and not isinstance(d, bool) and int(d) >= 0


def trace(
    model: Any,
    input_size: Any = None,
    *,
    input_data: Any = None,
    dtype: Any = None,
    lang: str = "en",
    depth: int | None = None,
    **kwargs: Any,
) -> Trace:
    """Trace one forward pass of ``model`` on an input of shape ``input_size``.

    Parameters
    ----------
    model : torch.nn.Module or Module
        A torch module (traced on the meta device: no parameter copies, no memory for
        activations) or a NumPy layer / ``Sequential`` from ``layerguide.layers``
        (traced with its ``output_shape``).
    input_size : tuple of int, or list of tuple
        Shape of the input, batch axis included, e.g. ``(1, 3, 224, 224)``; a list of
        shapes for a model that takes several inputs.
    input_data : Tensor, list or tuple, or dict, optional
        Real inputs instead of ``input_size`` (torch models): a tensor is ``forward``'s
        one argument, a list or tuple its positional arguments (each any nesting of
        tensors), a dict its keyword arguments. Only their shapes and dtypes are used
        unless the pass falls back to a real one (below).
    dtype : torch.dtype, optional
        Input dtype for a torch model traced from ``input_size``; by default that of its
        first floating-point parameter (``torch.float32`` when it has none). Pass
        ``torch.long`` for token ids. A NumPy model is traced in its parameters' dtype
        and refuses this argument.
    lang : {"en", "ko"}
        Language of the table headers.
    depth : int, optional
        Show modules down to this nesting level; a deeper module is folded into the row
        of its ancestor at ``depth`` (parameters and MACs summed). The model is level 0,
        its children level 1: ``depth=0`` gives one row. Default: every leaf module.
    **kwargs
        More keyword arguments for ``forward`` (e.g. ``attention_mask=mask``).

    Returns
    -------
    Trace
        Rows in execution order and totals. ``total_params`` is always the model's
        unique parameter count: parameters the pass did not reach are listed under the
        table (``Trace.unused``).

    Raises
    ------
    TraceError
        The model raised part-way; the error shows the rows traced so far, the failing
        row's input shape and the original message. When the meta device stopped on an
        operation that needs values (``if x.sum() > 0``), the model is first run once
        for real on the CPU if that is small: parameters and buffers on the CPU, and the
        inputs and every tensor made before the stop each at most
        ``torch_engine.REAL_PASS_LIMIT`` bytes (64 MB). The table then says so.
    layerguide.errors.ArgumentError
        ``input_size`` is not a shape, both or neither of ``input_size`` and
        ``input_data`` are given, or ``depth`` is not a non-negative int.
    layerguide.errors.ArgumentTypeError
        ``model`` is not something this function can trace.

    Examples
    --------
    >>> import torch
    >>> movie = (162000, 1, 1024, 1280)  # 90 min at 30 frames/s, (T, C, H, W): 849 GB as float32
    >>> t = trace(torch.nn.Conv2d(1, 16, 5, stride=5), movie)
    >>> t.rows[0].output_shape
    (162000, 16, 204, 256)
    >>> t.total_params
    416
    >>> ids = torch.zeros(2, 7, dtype=torch.long)
    >>> trace(torch.nn.Embedding(100, 4), input_data=ids).output_shape
    (2, 7, 4)
    """
    check_lang("trace", lang)
    _check_depth(depth)
    if (input_size is None) == (input_data is None):
        given = "neither"
        if input_size is not None:
            given = f"both: input_size={input_size!r} and input_data={_describe(input_data)}"
        raise ArgumentError(
            f"trace: give input_size (a shape) or input_data (tensors), not both; got {given}"
        )
    import torch

    if isinstance(model, torch.nn.Module):
        from layerguide.tracer.torch_engine import trace_module

        if input_data is not None:
            if dtype is not None:
                raise ArgumentError(
                    f"trace: dtype={dtype!r} applies to input_size; input_data keeps the "
                    "dtypes of its tensors"
                )
            args, kw = _split_input_data(input_data, kwargs)
            return trace_module(model, args, (), lang=lang, kwargs=kw, depth=depth, meta=True)
        shapes = parse_input_size(input_size)
        if dtype is None:  # follow the model: a float16 model gets a float16 input
            floats = (p.dtype for p in model.parameters() if p.is_floating_point())
            dtype = next(floats, torch.float32)
        return trace_module(model, None, shapes, dtype, lang, kwargs=kwargs, depth=depth)
    if hasattr(model, "output_shape"):
        from layerguide.tracer.numpy_engine import trace_layers

        refused = {"dtype": dtype, "input_data": input_data, "depth": depth, **kwargs}
        for name, value in refused.items():
            if value is not None:
                raise ArgumentError(
                    f"trace: {name}={_describe(value)} applies to torch models only; a "
                    "layerguide.layers model is traced from input_size, in the dtype of "
                    "its parameters, one row per layer"
                )
        return trace_layers(model, parse_input_size(input_size), lang)
    raise ArgumentTypeError(
        f"trace: model must be a torch.nn.Module or a layerguide.layers layer, "
        f"got {type(model).__name__}"
    )


def _check_depth(depth: Any) -> None:
    ok = depth is None or (hasattr(depth, "__index__") and not isinstance(depth, bool))
    if not ok or (depth is not None and int(depth) < 0):
        raise ArgumentError(
            f"trace: depth must be an int >= 0 (0 folds the whole model into one row), "
            f"got depth={depth!r}"
        )


def _split_input_data(data: Any, kwargs: dict[str, Any]) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``forward``'s positional and keyword arguments from ``input_data`` and ``**kwargs``."""
    import torch

    if isinstance(data, torch.Tensor):
        return (data,), dict(kwargs)
    if isinstance(data, list | tuple):
        return tuple(data), dict(kwargs)
    if isinstance(data, Mapping):
        both = sorted(set(data) & set(kwargs))
        if both:
            raise ArgumentError(
                f"trace: {', '.join(both)} given both in input_data and as a keyword argument"
            )
        return (), {**data, **kwargs}
    raise ArgumentError(
        "trace: input_data must be a tensor, a list or tuple of forward's arguments, or a "
        f"dict of its keyword arguments, got {_describe(data)}"
    )


def _describe(value: Any) -> str:
    """Short text of an argument: a tensor by its shape and dtype, not its values."""
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "dtype"):
        return f"{type(value).__name__}(shape={tuple(shape)}, dtype={value.dtype})"
    if isinstance(value, list | tuple):
        inner = ", ".join(_describe(v) for v in value)
        return f"[{inner}]" if isinstance(value, list) else f"({inner})"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k!r}: {_describe(v)}" for k, v in value.items()) + "}"
    return repr(value)
