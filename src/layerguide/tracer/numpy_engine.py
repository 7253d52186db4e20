"""Trace a NumPy model from :mod:`layerguide.layers` with shape arithmetic alone.

Each layer's ``output_shape`` gives the shapes (nothing is allocated), its public
attributes (``kernel_size``, ``stride``…) give MACs and the receptive field, and its
``weight``/``bias`` parameters give the counts. A ``Sequential`` is traced layer by layer.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from layerguide.tracer.errors import TraceError, TraceInputError
from layerguide.tracer.field import Field, transposed_footprint, window_footprint
from layerguide.tracer.table import Row, Shape, Trace, formula


def _factors(kind: str, name: str, shape: tuple[int, ...]) -> tuple[int, ...]:
    """Sizes in reading order: ``in×out`` for Linear, ``in×out×kH×kW`` for Conv2d."""
    if name == "weight" and kind in {"Linear", "Conv2d"} and len(shape) >= 2:
        return (shape[1], shape[0], *shape[2:])
    return shape


def _params(layer: Any) -> list[tuple[str, Any]]:
    found = []
    for name in ("weight", "bias"):
        p = getattr(layer, name, None)
        if p is not None and hasattr(p, "data"):
            found.append((name, p))
    return found


def _macs(layer: Any, kind: str, shape_in: Shape, shape_out: Shape) -> int:
    if kind == "Linear":
        return math.prod(shape_out[:-1]) * layer.in_features * layer.out_features
    if kind == "Conv2d":
        kh, kw = layer.kernel_size
        groups = getattr(layer, "groups", 1)
        return math.prod(shape_out) * (layer.in_channels // groups) * kh * kw
    if kind == "ConvTranspose2d":
        kh, kw = layer.kernel_size
        groups = getattr(layer, "groups", 1)
        return math.prod(shape_in) * (layer.out_channels // groups) * kh * kw
    return 0


def _field(
    layer: Any, kind: str, f: Field, shape_in: Shape, shape_out: Shape
) -> tuple[Field, bool]:
    """Field after ``layer``, and whether the layer kind is known."""
    hw_in = shape_in[-2:]
    grid = f.jump is not None and len(shape_in) == 4
    if kind in {"Conv2d", "MaxPool2d"} and grid:
        dilation = getattr(layer, "dilation", (1, 1))
        fp = [window_footprint(k, d) for k, d in zip(layer.kernel_size, dilation, strict=True)]
        return f.window(hw_in, fp, [Fraction(s) for s in layer.stride]), True
    if kind == "ConvTranspose2d" and grid:
        dilation = getattr(layer, "dilation", (1, 1))
        fp = [
            transposed_footprint(k, s, d)
            for k, s, d in zip(layer.kernel_size, layer.stride, dilation, strict=True)
        ]
        return f.window(hw_in, fp, [Fraction(1, s) for s in layer.stride]), True
    if kind in {"Upsample", "MaxUnpool2d"} and grid:
        step = [Fraction(a, b) for a, b in zip(hw_in, shape_out[-2:], strict=True)]
        return f.window(hw_in, [1, 1], step), True
    if kind in {"ReLU", "Sigmoid", "Flatten"}:
        keep = len(shape_out) == 4 and shape_out[-2:] == hw_in
        return (f if keep else f.flat(hw_in)), True
    if kind == "Linear":
        if grid:  # acts on the last axis (W) only
            return f.mix(hw_in, (False, True)), True
        return f.mix(hw_in), True
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
            terms.append(_factors(kind, pname, tuple(p.data.shape)))
            params += int(p.data.size)
        text = formula(terms)
        if shared:
            text = (text + " " if text else "") + "(shared with " + ", ".join(shared) + ")"
        if fld is not None:
            fld, known = _field(layer, kind, fld, shape, out)
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
                macs=_macs(layer, kind, shape, out),
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
