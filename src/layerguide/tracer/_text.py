"""How numbers, shapes and sizes print in a trace table: ``(1, 3, 224, 224)``, ``4.09G``,
``24.9 MB``, ``3×16×5×5 + 16 = 1,216``.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TypeAlias

from layerguide.shapes import format_bytes

__all__ = [
    "Outputs",
    "bytes_text",
    "formula",
    "human",
    "outputs_text",
    "pair_text",
    "shape_leaves",
    "shape_text",
    "with_human",
]

Shape = tuple[int, ...]
#: What a model returned, each tensor as its shape: a tuple or list of outputs as a list,
#: a dict as a dict, anything that is not a tensor as the text of its type (``"int"``).
Outputs: TypeAlias = Shape | list["Outputs"] | dict[str, "Outputs"] | str


def shape_text(shape: Shape) -> str:
    """``(1, 3, 224, 224)`` — the way ``tuple(tensor.shape)`` prints."""
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def outputs_text(outputs: Outputs) -> str:
    """Every output shape, nesting kept.

    >>> outputs_text({"logits": (2, 3), "hidden": [(2, 8), (2, 8)], "step": "int"})
    'logits: (2, 3), hidden: [(2, 8), (2, 8)], step: int'
    >>> outputs_text([(4, 8), {"a": (1,)}])
    '[(4, 8), {a: (1,)}]'
    """

    def text(node: Outputs, top: bool) -> str:
        if isinstance(node, tuple):
            return shape_text(node)
        if isinstance(node, dict):
            body = ", ".join(f"{k}: {text(v, False)}" for k, v in node.items())
            return body if top else "{" + body + "}"
        if isinstance(node, list):
            return "[" + ", ".join(text(v, False) for v in node) + "]"
        return node

    return text(outputs, True)


def shape_leaves(outputs: Outputs) -> list[Shape]:
    """The shapes in ``outputs``, depth first.

    >>> shape_leaves({"a": [(2, 3), "None"], "b": (4,)})
    [(2, 3), (4,)]
    """
    if isinstance(outputs, tuple):
        return [outputs]
    if isinstance(outputs, dict):
        return [s for v in outputs.values() for s in shape_leaves(v)]
    if isinstance(outputs, list):
        return [s for v in outputs for s in shape_leaves(v)]
    return []


def pair_text(pair: tuple[int | Fraction, int | Fraction] | None) -> str:
    """``195×195``, ``1/2×1/2``, or ``—`` when there is none."""
    if pair is None:
        return "—"
    return "×".join(str(v) for v in pair)


def human(n: int) -> str:
    """Short count with a decimal prefix: 118.0M, 4.09G."""
    for unit, scale in (("T", 10**12), ("G", 10**9), ("M", 10**6), ("k", 10**3)):
        if abs(n) >= scale:
            return f"{n / scale:.3g}{unit}" if n < 100 * scale else f"{n / scale:,.0f}{unit}"
    return str(n)


def with_human(n: int) -> str:
    """``4,089,184,256 (4.09G)``; small numbers alone."""
    return f"{n:,} ({human(n)})" if n >= 1000 else str(n)


def bytes_text(n: int) -> str:
    """``849,346,560,000 B (849.3 GB)``; small sizes alone."""
    return f"{n:,} B ({format_bytes(n, binary=False)})" if n >= 1000 else f"{n} B"


def formula(terms: list[tuple[int, ...]], most: int | None = None) -> str:
    """How a parameter count arises: ``3×16×5×5 + 16 = 1,216``.

    Each term is one parameter tensor, its sizes in the order the lesson reads them.
    With more than ``most`` terms (a module folded into one row), the first two and ``…``.

    >>> formula([(3, 16, 5, 5), (16,)])
    '3×16×5×5 + 16 = 1,216'
    >>> formula([(6220800, 1), (1,)])
    '6,220,800×1 + 1 = 6,220,801'
    >>> formula([(64,)])
    '64'
    >>> formula([(8, 8), (8,), (8, 8), (8,), (4,)], most=4)
    '8×8 + 8 + … = 148'
    """
    if not terms:
        return ""
    shown = terms if most is None or len(terms) <= most else terms[:2]
    text = " + ".join("×".join(f"{d:,}" for d in t) if t else "1" for t in shown)
    if len(shown) < len(terms):
        text += " + …"
    total = sum(math.prod(t) for t in terms)
    return text if text == f"{total:,}" else f"{text} = {total:,}"
