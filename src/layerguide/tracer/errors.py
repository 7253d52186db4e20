"""Errors the tracer raises on purpose."""

from __future__ import annotations

from layerguide import i18n
from layerguide.errors import StateError
from layerguide.tracer._text import shape_text
from layerguide.tracer.table import Row, Shape, Trace


class TraceError(StateError):
    """The model raised part-way through the forward pass.

    Attributes
    ----------
    trace : Trace
        The rows traced before the failure (``trace.rows``), with their totals.
    name, kind : str
        The module (or op) that failed.
    input_shapes : tuple of tuple
        The shapes it was given.
    original : BaseException
        What the model raised (also chained as ``__cause__``).
    needs_values : bool
        The failure came from an operation that needs the tensors' values, which the
        meta device does not have (``if x.sum() > 0``, ``x.nonzero()``): a real forward
        pass could get past it.
    """

    def __init__(
        self,
        trace: Trace,
        name: str,
        kind: str,
        input_shapes: tuple[Shape, ...],
        original: BaseException,
        *,
        needs_values: bool = False,
    ) -> None:
        self.trace = trace
        self.needs_values = needs_values
        self.name = name
        self.kind = kind
        self.input_shapes = input_shapes
        self.original = original
        super().__init__(self._message())

    @property
    def rows(self) -> list[Row]:
        """Rows traced before the failure."""
        return self.trace.rows

    @property
    def input_shape(self) -> Shape | None:
        """First input shape of the failing step (``None`` if it had no tensor input)."""
        return self.input_shapes[0] if self.input_shapes else None

    def _message(self) -> str:
        where = f"{self.name} ({self.kind})" if self.name != self.kind else self.kind
        shapes = "; ".join(shape_text(s) for s in self.input_shapes) or "no tensor input"
        text = (
            f"trace failed at row {len(self.rows) + 1}, {where}, on input shape {shapes}: "
            f"{type(self.original).__name__}: {self.original}"
        )
        if self.rows:
            failed = i18n.text(self.trace.lang, "tracer.table.failed")
            text += f"\n{failed}\n{self.trace.to_text()}"
        return text
