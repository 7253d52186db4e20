"""``trace(model, input_size)``: pick the engine for the model and check the input."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from layerguide.tracer.errors import TraceInputError, TraceModelError
from layerguide.tracer.table import Shape, Trace, check_lang


def parse_input_size(input_size: Any) -> list[Shape]:
    """One shape or a list of shapes, as a list of int tuples.

    >>> parse_input_size((1, 3, 224, 224))
    [(1, 3, 224, 224)]
    >>> parse_input_size([(2, 6), (2, 4)])
    [(2, 6), (2, 4)]
    """
    if not isinstance(input_size, Sequence) or isinstance(input_size, str) or not input_size:
        raise TraceInputError(
            f"trace: input_size must be a shape like (1, 3, 224, 224) or a list of shapes, "
            f"got {input_size!r}"
        )
    if all(_is_dim(d) for d in input_size):
        return [tuple(int(d) for d in input_size)]
    shapes = []
    for shape in input_size:
        ok = isinstance(shape, Sequence) and not isinstance(shape, str)
        if not ok or not all(_is_dim(d) for d in shape):
            raise TraceInputError(
                f"trace: every size in input_size must be a non-negative int, got {shape!r} "
                f"in {input_size!r}"
            )
        shapes.append(tuple(int(d) for d in shape))
    return shapes


def _is_dim(d: Any) -> bool:
    return hasattr(d, "__index__") and not isinstance(d, bool) and int(d) >= 0


def trace(model: Any, input_size: Any, *, dtype: Any = None, lang: str = "en") -> Trace:
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
    dtype : torch.dtype, optional
        Input dtype for a torch model; by default that of its first floating-point
        parameter (``torch.float32`` when it has none). Pass ``torch.long`` for
        token ids. A NumPy model is traced in its parameters' dtype and refuses this
        argument.
    lang : {"en", "ko"}
        Language of the table headers.

    Returns
    -------
    Trace
        Rows in execution order and totals.

    Raises
    ------
    TraceError
        The model raised part-way; the error shows the rows traced so far, the failing
        row's input shape and the original message.
    TraceInputError
        ``input_size`` is not a shape.
    TraceModelError
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
    """
    check_lang(lang)
    shapes = parse_input_size(input_size)
    import torch

    if isinstance(model, torch.nn.Module):
        from layerguide.tracer.torch_engine import trace_module

        if dtype is None:  # follow the model: a float16 model gets a float16 input
            floats = (p.dtype for p in model.parameters() if p.is_floating_point())
            dtype = next(floats, torch.float32)
        return trace_module(model, None, shapes, dtype, lang)
    if hasattr(model, "output_shape"):
        from layerguide.tracer.numpy_engine import trace_layers

        if dtype is not None:
            raise TraceInputError(
                f"trace: dtype={dtype!r} applies to torch models only; a layerguide.layers "
                "model is traced in the dtype of its parameters"
            )

        return trace_layers(model, shapes, lang)
    raise TraceModelError(
        f"trace: model must be a torch.nn.Module or a layerguide.layers layer, "
        f"got {type(model).__name__}"
    )
