"""Trace a NumPy model from :mod:`layerguide.layers` with shape arithmetic alone.

Each layer's ``output_shape`` gives the shapes (nothing is allocated), the rule registered
for its class (:mod:`~layerguide.tracer.rules`) gives MACs and the receptive field, and its
``weight``/``bias`` parameters give the counts. A ``Sequential`` is traced layer by layer.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from layerguide.tracer._text import formula
from layerguide.tracer.errors import TraceError, TraceInputError
from layerguide.tracer.field import Field
from layerguide.tracer.rules import LayerRule, rule_for
from layerguide.tracer.table import Row, Shape, Trace


def _factors(rule: LayerRule | None, name: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Sizes in reading order: ``in×out`` for Linear, ``in×out×kH×kW`` for Conv2d."""
    if name == "weight" and rule is not None and rule.weight_in_first and len(shape) >= 2:
        return (shape[1], shape[0], *shape[2:])
    return shape


def _params(layer: Any) -> list[tuple[str, Any]]:
    found = []
    for name in ("weight", "bias"):
        p = getattr(layer, name, None)
        if p is not None and hasattr(p, "data"):
            found.append((name, p))
    return found


def _field(
    rule: LayerRule | None, layer: Any, f: Field, shape_in: Shape, shape_out: Shape
) -> tuple[Field, bool]:
    """Field after ``layer``, and whether its rule knew (else: it mixes everything)."""
    after = rule.field(layer, f, shape_in, shape_out) if rule is not None else None
    if after is not None:
        return after, True
    hw_in = shape_in[-2:]
    return f.mix(hw_in) if len(shape_out) == 4 else f.mix(hw_in).flat(hw_in), False


def trace_layers(model: Any, input_shapes: list[Shape], lang: str = "en") -> Trace:
    """Trace a layerguide NumPy layer or ``Sequential`` on an input of the given shape."""
    if len(input_shapes) != 1:
        raise TraceInputError(
            f"trace: a layerguide.layers model takes one input, got {len(input_shapes)} shapes"
        )
    layers = list(model.layers) if hasattr(model, "layers") else [model]
    named = [(str(i) if hasattr(model, "layers") else "", layer) for i, layer in enumerate(layers)]
    shape = input_shapes[0]
    fld: Field | None = Field.input() if len(shape) == 4 else None
    counted: dict[int, str] = {}
    rows: list[Row] = []
    unknown: dict[str, None] = {}
    dtype = np.dtype(np.float32)
    for name, layer in named:
        kind = type(layer).__name__
        rule = rule_for(layer)
        name = name or kind
        try:
            out = tuple(int(d) for d in layer.output_shape(shape))
        except Exception as exc:
            partial = _result(rows, input_shapes, dtype, unknown, lang)
            raise TraceError(partial, name, kind, (shape,), exc) from exc
        terms, shared, params = [], [], 0
        for pname, p in _params(layer):
            dtype = p.data.dtype
            if id(p) in counted:
                shared.append(counted[id(p)])
                continue
            counted[id(p)] = name
            terms.append(_factors(rule, pname, tuple(p.data.shape)))
            params += int(p.data.size)
        text = formula(terms)
        if shared:
            text = (text + " " if text else "") + "(shared with " + ", ".join(shared) + ")"
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
