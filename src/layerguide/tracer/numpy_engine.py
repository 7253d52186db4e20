"""Trace a NumPy model from :mod:`layerguide.layers` with shape arithmetic alone.

Each layer's ``output_shape`` gives the shapes (nothing is allocated), its ``field`` and
``macs`` (or a rule registered for its class, :mod:`~layerguide.tracer.rules`) give MACs
and the receptive field, and its ``named_parameters()`` give the counts, whatever the
parameters are called. A ``Sequential`` is traced layer by layer, and a ``Sequential``
inside it too: its layers' rows are named as torch names them (``0.0``, ``0.1``, ``1``).

A row's ``output_bytes`` is its output's shape × the itemsize of the parameters' dtype
(float32 for a model without parameters), or 0 for a layer whose output is a view of its
input: ``Flatten``, a layer whose class sets ``output_is_view = True``, or one
registered with ``register_layer(..., view=True)``.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from layerguide.errors import ArgumentError, ArgumentTypeError
from layerguide.layers import Flatten, Module, Sequential
from layerguide.tracer._text import formula
from layerguide.tracer.errors import TraceError
from layerguide.tracer.field import Field
from layerguide.tracer.rules import LayerRule, rule_for
from layerguide.tracer.table import Row, Shape, Trace


def _factors(layer: Module, name: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Sizes in reading order: ``in×out`` for Linear, ``in×out×kH×kW`` for Conv2d.

    ``name`` is the parameter's dotted name inside ``layer``; the layer that owns it (the
    inner Linear of ``inner.weight``) says whether its weight is stored out-first.
    """
    path, _, leaf = name.rpartition(".")
    owner = dict(_modules(layer)).get(path, layer)
    rule = rule_for(owner)
    if leaf == "weight" and rule is not None and rule.weight_in_first and len(shape) >= 2:
        return (shape[1], shape[0], *shape[2:])
    return shape


def _modules(layer: Module, path: str = "") -> Iterator[tuple[str, Module]]:
    """``(dotted path, module)`` for ``layer`` (path ``""``) and every layer inside it."""
    yield path, layer
    for name, child in layer.named_children():
        yield from _modules(child, f"{path}.{name}" if path else name)


def _rows_of(model: Any, prefix: str = "") -> Iterator[tuple[str, Module]]:
    """``(name, layer)`` for every layer that gets a row: a Sequential's layers, recursively.

    Named like torch's ``named_modules``: ``0``, ``1``, and ``0.0``, ``0.1`` inside a
    nested Sequential. Anything that is not a layer is refused by name.
    """
    if not isinstance(model, Module):
        where = f" (at {prefix.rstrip('.')})" if prefix else ""
        raise ArgumentTypeError(
            f"trace: cannot trace {type(model).__name__}{where}: a layerguide.layers model is "
            "made of Module subclasses with an output_shape method"
        )
    if isinstance(model, Sequential):
        for name, child in model.named_children():
            yield from _rows_of(child, f"{prefix}{name}.")
    else:
        yield prefix.rstrip("."), model


def _field(
    rule: LayerRule | None, layer: Any, f: Field, shape_in: Shape, shape_out: Shape
) -> tuple[Field, bool]:
    """Field after ``layer``, and whether its rule knew (else: it mixes everything)."""
    after = rule.field(layer, f, shape_in, shape_out) if rule is not None else None
    if after is not None:
        return after, True
    hw_in = shape_in[-2:]
    return f.mix(hw_in) if len(shape_out) == 4 else f.mix(hw_in).flat(hw_in), False


def _is_view(layer: Any, rule: LayerRule | None) -> bool:
    """Whether ``layer`` returns a view of its input (no new memory)."""
    declared = bool(getattr(layer, "output_is_view", False))
    return declared or isinstance(layer, Flatten) or (rule is not None and rule.view)


def trace_layers(model: Any, input_shapes: list[Shape], lang: str = "en") -> Trace:
    """Trace a layerguide NumPy layer or ``Sequential`` on an input of the given shape."""
    if len(input_shapes) != 1:
        raise ArgumentError(
            f"trace: a layerguide.layers model takes one input, got {len(input_shapes)} shapes"
        )
    named = list(_rows_of(model))
    shape = input_shapes[0]
    fld: Field | None = Field.input() if len(shape) == 4 else None
    counted: dict[int, str] = {}
    rows: list[Row] = []
    unknown: dict[str, None] = {}
    floats = (p.data.dtype for _, lay in named for _, p in lay.named_parameters())
    dtype = np.dtype(next(floats, np.float32))
    for name, layer in named:
        kind = type(layer).__name__
        rule = rule_for(layer)
        name = name or kind
        if type(layer).output_shape is Module.output_shape:
            raise ArgumentTypeError(
                f"trace: {name} ({kind}) has no output_shape method; a layer must say what "
                "shape it returns for an input shape to be traced"
            )
        try:
            out = tuple(int(d) for d in layer.output_shape(shape))
        except Exception as exc:
            partial = _result(rows, input_shapes, dtype, unknown, lang)
            raise TraceError(partial, name, kind, (shape,), exc) from exc
        terms, shared, params = [], [], 0
        for pname, p in layer.named_parameters():
            if id(p) in counted:
                shared.append(counted[id(p)])
                continue
            counted[id(p)] = name
            terms.append(_factors(layer, pname, tuple(p.data.shape)))
            params += int(p.data.size)
        text = formula(terms)
        if shared:
            note = "(shared with " + ", ".join(dict.fromkeys(shared)) + ")"
            text = f"{text} {note}" if text else note
        if fld is not None:
            fld, known = _field(rule, layer, fld, shape, out)
            if not known:
                unknown[kind] = None
            if len(out) != 4:
                fld = fld.flat(shape[-2:])
        rows.append(
            Row(
                name=name,
                kind=kind,
                input_shape=shape,
                output_shape=out,
                params=params,
                param_formula=text,
                macs=rule.macs(layer, shape, out) if rule is not None else 0,
                receptive_field=fld.receptive_field(input_shapes[0]) if fld else None,
                effective_stride=fld.effective_stride if fld else None,
                input_shapes=(shape,),
                output_bytes=0 if _is_view(layer, rule) else math.prod(out) * dtype.itemsize,
            )
        )
        shape = out
    return _result(rows, input_shapes, dtype, unknown, lang)


def _result(
    rows: list[Row], shapes: list[Shape], dtype: np.dtype, unknown: dict[str, None], lang: str
) -> Trace:
    return Trace(
        rows=list(rows),
        input_shapes=tuple(shapes),
        dtype=str(dtype),
        itemsize=dtype.itemsize,
        lang=lang,
        meta_device=False,
        unknown_ops=tuple(unknown),
    )
