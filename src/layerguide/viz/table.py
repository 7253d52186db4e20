"""Result tables for the pages: real HTML tables, not text aligned with spaces.

Text aligned with spaces breaks in Korean (Hangul is double width). A :class:`Table` renders
as an HTML ``<table>`` wherever HTML is shown (sphinx-gallery captures ``_repr_html_``,
like the tracer's tables; Jupyter does too) and as plain text in a terminal.

>>> t = Table(["k", "output"], [[3, 26], [5, 24]], caption="28 × 28 input")
>>> t.column("output")
[26, 24]
>>> print(t)
28 × 28 input
k  output
3      26
5      24
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from numbers import Number
from typing import Any

from layerguide.errors import ArgumentError
from layerguide.i18n import display_width

__all__ = ["Table"]


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, Number):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}" if abs(value) >= 10_000 else str(value)
    if isinstance(value, float):
        return f"{value:.4g}" if float(value) != int(value) or abs(value) >= 1e6 else f"{value:.1f}"
    return str(value)


@dataclass
class Table:
    """A small table of results with a header in the reader's language.

    Parameters
    ----------
    header : sequence of str
        Column titles (already in the page's language).
    rows : sequence of sequence
        One sequence per row, as long as ``header``. Numbers are right-aligned; ints of
        10,000 and more get thousands separators.
    caption : str, optional
        Shown above the table.
    """

    header: Sequence[str]
    rows: Sequence[Sequence[Any]]
    caption: str = ""
    _numeric: list[bool] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.header = list(self.header)
        self.rows = [list(r) for r in self.rows]
        for i, row in enumerate(self.rows):
            if len(row) != len(self.header):
                raise ArgumentError(
                    f"Table: row {i} has {len(row)} cells but the header has "
                    f"{len(self.header)} ({self.header})"
                )
        self._numeric = [
            bool(self.rows)
            and all(isinstance(r[c], Number) and not isinstance(r[c], bool) for r in self.rows)
            for c in range(len(self.header))
        ]

    def column(self, name: str) -> list[Any]:
        """The raw values of one column, by its header text."""
        try:
            c = list(self.header).index(name)
        except ValueError:
            raise ArgumentError(f"Table: no column {name!r}; columns are {self.header}") from None
        return [r[c] for r in self.rows]

    def to_html(self) -> str:
        """The table as a self-contained HTML fragment (class ``layerguide-table``)."""

        def cell(tag: str, value: Any, col: int) -> str:
            cls = ' class="lg-num"' if self._numeric[col] else ""
            return f"<{tag}{cls}>{html.escape(_text(value))}</{tag}>"

        head = "".join(cell("th", h, i) for i, h in enumerate(self.header))
        body = "".join(
            "<tr>" + "".join(cell("td", v, i) for i, v in enumerate(r)) + "</tr>\n"
            for r in self.rows
        )
        caption = f"<caption>{html.escape(self.caption)}</caption>" if self.caption else ""
        # The wrapper scrolls sideways when the table is wide: a region in the tab order, so
        # keyboard users can reach and scroll it, named in the page's language by the caption
        # (or, without one, by the column titles).
        label = html.escape(self.caption or ", ".join(_text(h) for h in self.header))
        return (
            f'<div class="layerguide-table" role="region" tabindex="0" aria-label="{label}">'
            f"<table>{caption}\n"
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table></div>\n"
        )

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        cells = [list(self.header)] + [[_text(v) for v in r] for r in self.rows]
        widths = [max(display_width(row[c]) for row in cells) for c in range(len(self.header))]

        def line(row: list[str]) -> str:
            out = []
            for c, text in enumerate(row):
                pad = " " * (widths[c] - display_width(text))
                out.append(pad + text if self._numeric[c] and row is not cells[0] else text + pad)
            return "  ".join(out).rstrip()

        lines = [line(r) for r in cells]
        return "\n".join(([self.caption] if self.caption else []) + lines)
