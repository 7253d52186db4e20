"""Shape tracer: watch data change shape through a model, layer by layer.

``trace(model, input_size)`` runs the model once without allocating its activations and
returns a :class:`Trace`: one :class:`Row` per layer or functional call, in execution
order, with input and output shapes, the memory of each output (``output_bytes``; their
sum is ``Trace.activation_bytes``), parameters and the formula they come from, MACs and
the receptive field of one output element.

>>> import torch
>>> from layerguide.tracer import trace
>>> model = torch.nn.Sequential(torch.nn.Conv2d(3, 16, 5, stride=5), torch.nn.Flatten())
>>> t = trace(model, (1, 3, 1080, 1920))
>>> t.rows[0].output_shape, t.rows[0].param_formula
((1, 16, 216, 384), '3×16×5×5 + 16 = 1,216')
>>> t.rows[-1].output_shape
(1, 1327104)
"""

from __future__ import annotations

from layerguide.tracer.core import parse_input_size, trace
from layerguide.tracer.errors import TraceError
from layerguide.tracer.rules import LayerRule, register_layer
from layerguide.tracer.table import Row, Trace

__all__ = [
    "LayerRule",
    "Row",
    "Trace",
    "TraceError",
    "parse_input_size",
    "register_layer",
    "trace",
]
