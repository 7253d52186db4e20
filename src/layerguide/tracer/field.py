"""Receptive-field arithmetic, one spatial axis pair (H, W) at a time.

Every tensor that depends on the model input carries a :class:`Field`: how many input
pixels one of its elements sees (``rf``) and how far apart, in input pixels, two
neighbouring elements sit (``jump``, the effective stride). A window of ``f`` elements
taken every ``step`` elements turns ``(rf, jump)`` into::

    rf'   = rf + (f - 1) · jump
    jump' = jump · step

Upsampling and transposed convolution have ``step < 1``, so jumps are fractions. When a
tensor stops being an (…, H, W) grid (flatten, a matrix product), ``jump`` becomes
``None`` and the field keeps ``span``: what all its elements see together. An operation
that mixes every element (a Linear layer after Flatten) then sees the whole span.
Each field also keeps ``start``: where the field of the first element (0, 0) begins, in
input pixels (negative when it starts in the padding), so element ``i`` sees pixels
``start + i·jump`` to ``start + i·jump + rf − 1`` along each axis. At a merge (``x + y``,
``torch.cat``) an element sees the *union* of what its branches see: with equal jumps the
windows of every element sit the same way, and the field runs from the leftmost start to
the rightmost end (the box around the union when the windows do not touch). Branches whose
windows are offset (a shortcut that skips the padding of the main path) thus see more than
either alone. Where a position is not known (``start`` is ``None``: after an operation
the tracer does not place, or branches whose jumps differ) a merge takes the larger field
per axis, which is the union only when one window lies inside the other.
:mod:`layerguide.tracer.windows` gives the windows of individual output positions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from layerguide.errors import ArgumentError

Pair = tuple[Fraction, Fraction]


def _pair(values: Iterable[int | Fraction]) -> Pair:
    h, w = (Fraction(v) for v in values)
    return (h, w)


@dataclass(frozen=True)
class Field:
    """Receptive field of the elements of one tensor, with respect to the model input."""

    rf: Pair  # input pixels seen by one element, (H, W)
    jump: Pair | None  # input pixels between neighbouring elements; None once not a grid
    span: Pair | None = None  # input pixels seen by all elements together (when jump is None)
    start: Pair | None = None  # first pixel seen by element (0, 0); None when not known

    @classmethod
    def input(cls) -> Field:
        """The model input: each pixel sees itself, neighbours are one pixel apart."""
        return cls(_pair((1, 1)), _pair((1, 1)), start=_pair((0, 0)))

    def extent(self, size: Sequence[int]) -> Pair:
        """Input pixels seen by all elements of a tensor whose last two sizes are ``size``."""
        if self.jump is None:
            if self.span is None:
                raise ArgumentError("Field: jump=None (no longer a grid) needs a span")
            return self.span
        return _pair(
            r + max(n - 1, 0) * j for r, n, j in zip(self.rf, size[-2:], self.jump, strict=True)
        )

    def window(
        self,
        size: Sequence[int],
        footprint: Sequence[int],
        step: Sequence[int | Fraction],
        padding: Sequence[int | Fraction] | None = None,
    ) -> Field:
        """A sliding window of ``footprint`` elements moved by ``step`` (conv, pooling).

        Its first window begins ``padding`` elements before the input's first element
        (``padding=None``: where is not known, and the result has no ``start``).
        """
        if self.jump is None:  # a window over something that is no longer a grid
            return self.mix(size)
        jump = self.jump
        rf = _pair(r + (f - 1) * j for r, f, j in zip(self.rf, footprint, jump, strict=True))
        start = None
        if padding is not None and self.start is not None:
            start = _pair(s - p * j for s, p, j in zip(self.start, padding, jump, strict=True))
        return Field(rf, _pair(j * s for j, s in zip(jump, step, strict=True)), start=start)

    def mix(self, size: Sequence[int], axes: tuple[bool, bool] = (True, True)) -> Field:
        """Every output element sees every input element along ``axes`` (H, W)."""
        ext = self.extent(size)
        rf = _pair(e if a else r for e, r, a in zip(ext, self.rf, axes, strict=True))
        if self.jump is None:
            return Field(rf, None, ext)
        return Field(rf, self.jump, start=self.start)  # every window starts where the first did

    def flat(self, size: Sequence[int]) -> Field:
        """Same elements, but no longer laid out on an (H, W) grid."""
        if self.jump is None:
            return self
        return Field(self.rf, None, self.extent(size))

    def end(self) -> Pair | None:
        """One past the last pixel element (0, 0) sees, ``start + rf``; None when not known."""
        if self.start is None:
            return None
        return _pair(s + r for s, r in zip(self.start, self.rf, strict=True))

    def receptive_field(self, input_size: Sequence[int] | None = None) -> tuple[int, int]:
        """``rf`` rounded up to whole pixels.

        On a grid this is the usual (unclipped) figure, which may exceed the input: the
        window runs over the padding. Once the grid is gone, an element can see at most
        the whole input, so the value is clipped to ``input_size`` (H, W) when given.
        """
        h, w = (math.ceil(r) for r in self.rf)
        if self.jump is None and input_size is not None:
            h, w = min(h, int(input_size[-2])), min(w, int(input_size[-1]))
        return (h, w)

    @property
    def effective_stride(self) -> tuple[int | Fraction, int | Fraction] | None:
        """``jump`` with whole numbers as ``int``; ``None`` once the grid is gone."""
        if self.jump is None:
            return None
        h, w = (int(j) if j.denominator == 1 else j for j in self.jump)
        return (h, w)


def merge(fields: Iterable[tuple[Field, Sequence[int]]], out_size: Sequence[int]) -> Field:
    """Field at a merge (add, multiply, concatenate): the union of the branches' windows.

    When every branch is a grid of the output's (H, W) with the same jump and a known
    ``start``, element (0, 0) sees from the leftmost start to the rightmost end of its
    branches' windows (and so does every element, shifted by the jump). Otherwise the
    larger field per axis, the union only when one window lies inside the other (see the
    module docstring).

    The grid survives when one input grid has the output's (H, W) and all grids agree on
    the jump; otherwise the result is flat and sees the union of the inputs.

    >>> a = Field.input().window((8, 8), (3, 3), (1, 1), padding=(1, 1))  # 3×3, padding 1
    >>> b = Field.input().window((8, 8), (3, 3), (1, 1), padding=(0, 0))  # 3×3, no padding
    >>> m = merge([(a, (8, 8)), (b, (6, 6))], (6, 6))  # b's windows sit one pixel later
    >>> m.receptive_field(), m.start
    ((4, 4), (Fraction(-1, 1), Fraction(-1, 1)))
    """
    pairs = list(fields)
    rf = _pair(max(f.rf[a] for f, _ in pairs) for a in (0, 1))
    grids = [f for f, size in pairs if f.jump is not None and tuple(size[-2:]) == tuple(out_size)]
    if grids and all(f.jump == grids[0].jump for f in grids):
        placed = all(f.jump == grids[0].jump and f.start is not None for f, _ in pairs)
        if not placed:
            return Field(rf, grids[0].jump)
        starts = [f.start for f, _ in pairs if f.start is not None]
        ends = [e for f, _ in pairs if (e := f.end()) is not None]
        low = _pair(min(s[a] for s in starts) for a in (0, 1))
        high = _pair(max(e[a] for e in ends) for a in (0, 1))
        union = _pair(h - lo for h, lo in zip(high, low, strict=True))
        return Field(union, grids[0].jump, start=low)
    span = _pair(max(f.extent(size)[a] for f, size in pairs) for a in (0, 1))
    return Field(rf, None, span)


def window_footprint(kernel: int, dilation: int = 1) -> int:
    """Input elements one output of a (dilated) window reaches across: d·(k − 1) + 1."""
    return dilation * (kernel - 1) + 1


def transposed_footprint(kernel: int, stride: int, dilation: int = 1) -> int:
    """Input elements one output of a transposed convolution depends on, across.

    Output ``o`` takes input ``i`` when ``o = i·s + d·m`` for a tap ``m`` in ``0…k−1``,
    so the inputs lie within ``⌊d·(k − 1) / s⌋ + 1`` consecutive positions.
    """
    return dilation * (kernel - 1) // stride + 1


def adaptive_footprint(n_in: int, n_out: int) -> int:
    """Largest window of adaptive pooling from ``n_in`` to ``n_out`` positions."""
    if n_out <= 0:
        return 1
    return max(-(-(i + 1) * n_in // n_out) - (i * n_in // n_out) for i in range(min(n_out, 4096)))
