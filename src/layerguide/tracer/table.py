"""What a trace returns: :class:`Row` and :class:`Trace`, and how they print.

A trace prints as a plain-text table (``str``), a Markdown table
(:meth:`Trace.to_markdown`) or an HTML table (``_repr_html_``, for notebooks and the
docs), with English or Korean headers. The text of single numbers, shapes and sizes comes
from ``tracer/_text.py``.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from fractions import Fraction

from layerguide.errors import ArgumentError
from layerguide.i18n import check_lang, display_width, section, text
from layerguide.shapes import format_bytes
from layerguide.tracer._text import (
    Outputs,
    bytes_text,
    human,
    outputs_text,
    pair_text,
    shape_leaves,
    shape_text,
    with_human,
)

__all__ = ["Row", "Trace"]

Shape = tuple[int, ...]
Stride = tuple[int | Fraction, int | Fraction]


@dataclass(frozen=True)
class Row:
    """One step of the forward pass: a leaf module call or a functional op.

    ``params`` counts the parameters this row used first (a shared parameter counts once,
    where it is first used); ``param_formula`` says how they add up. ``macs`` counts
    multiply–accumulates of convolutions and matrix products (bias additions,
    activations, normalisation and pooling count 0); ``flops`` is ``2 * macs``.
    ``receptive_field`` and ``effective_stride`` are ``(h, w)`` in input pixels, for one
    output element; ``effective_stride`` is ``None`` once the output is no longer an
    (…, H, W) grid (after Flatten), and both are ``None`` when the model input is not 4-D.

    ``output_bytes`` is the memory of what the row returns, shape × itemsize of each
    tensor in its dtype (a tuple or list of tensors: their sum), counting only memory no
    earlier row returned and that is not the model's input or a parameter: a row whose
    output shares memory with such a tensor — a view (``Flatten``, ``x.view``), an
    in-place operation (``ReLU(inplace=True)``, ``x += y``), ``Dropout`` when not
    training, ``Identity`` — has ``output_bytes == 0``. So summing the column counts each
    tensor once (:attr:`Trace.activation_bytes`).
    """

    name: str  # dotted module path, or parent path + op name for a functional call
    kind: str  # module class (``Conv2d``) or op (``torch.flatten``, ``Tensor.add``)
    input_shape: Shape  # first input that carries data
    output_shape: Shape  # first output tensor
    params: int = 0
    param_formula: str = ""
    macs: int = 0
    receptive_field: tuple[int, int] | None = None
    effective_stride: Stride | None = None
    input_shapes: tuple[Shape, ...] = ()  # every data input (a merge has several)
    output_bytes: int = 0  # new memory of the outputs: shape × itemsize, views count 0

    @property
    def flops(self) -> int:
        """Floating-point operations, counting 1 MAC = 2 FLOPs."""
        return 2 * self.macs


@dataclass
class Trace:
    """Rows of a traced forward pass, in execution order, with totals.

    ``str(trace)`` is a text table, :meth:`to_markdown` a Markdown one and
    ``_repr_html_`` an HTML one; ``lang="ko"`` gives Korean headers.

    Below the table: what the model returned (``outputs``, when the last row does not
    say it), the parameters the pass did not reach (``unused``, by module), and when the
    meta pass needed values, the operation that did (``needs_values``) and that the trace
    comes from one real pass on the CPU (``meta_device`` is then false).
    """

    rows: list[Row]
    input_shapes: tuple[Shape, ...]
    dtype: str = "float32"  # dtype of the (never allocated) input
    itemsize: int = 4  # bytes per input element
    lang: str = "en"
    meta_device: bool = True  # traced without allocating activations
    unknown_ops: tuple[str, ...] = field(default=())  # ops whose field was assumed global
    # What the model returned, tensors as shapes, nesting kept ([…] for a tuple or list,
    # {…} for a dict); None when only the rows are known (the NumPy engine).
    outputs: Outputs | None = None
    unused: tuple[tuple[str, int], ...] = ()  # (module or parameter, count) not reached
    input_bytes: int | None = None  # bytes of every input tensor (None: shapes × itemsize)
    needs_values: str = ""  # op that made the meta pass fall back to a real one
    random_inputs: bool = False  # that real pass ran on random inputs made from shapes
    depth: int | None = None  # modules deeper than this are one row each

    @property
    def total_params(self) -> int:
        """Every parameter of the model, each counted once.

        Those the rows used first, and those the pass did not reach (``unused``).
        """
        return sum(r.params for r in self.rows) + self.unused_params

    @property
    def unused_params(self) -> int:
        """Parameters the forward pass did not reach."""
        return sum(n for _, n in self.unused)

    @property
    def activation_bytes(self) -> int:
        """Activation memory, ``output_bytes`` summed over the rows.

        What one forward pass at this input size (batch included) holds if every row's
        output is kept, each tensor counted once: a view or an in-place row adds nothing
        (see :class:`Row`). Not the model's input, not the parameters; not the gradients
        or optimizer state of training, and not the peak of a run, which frees outputs
        as it goes (inference) or keeps more (training saves what backward needs). With
        ``depth``, a folded module counts only what it returns.
        """
        return sum(r.output_bytes for r in self.rows)

    @property
    def total_macs(self) -> int:
        """Multiply–accumulates of the whole forward pass."""
        return sum(r.macs for r in self.rows)

    @property
    def total_flops(self) -> int:
        """``2 * total_macs`` (1 MAC = 2 FLOPs)."""
        return 2 * self.total_macs

    @property
    def output_shapes(self) -> list[Shape]:
        """Shape of every tensor the model returned, in order (nesting flattened)."""
        if self.outputs is not None:
            return shape_leaves(self.outputs)
        return [self.output_shape]

    @property
    def output_shape(self) -> Shape:
        """Shape of the model's (first) output tensor.

        From what the model returned when that is known, else the last row's output
        (the input shape when there are no rows).
        """
        if self.outputs is not None:
            leaves = shape_leaves(self.outputs)
            if leaves:
                return leaves[0]
        return self.rows[-1].output_shape if self.rows else self.input_shapes[0]

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, key: int | str) -> Row:
        """A row by position, or the first row with this ``name``."""
        if isinstance(key, str):
            for row in self.rows:
                if row.name == key:
                    return row
            raise ArgumentError(f"Trace: no row is named {key!r}")
        return self.rows[key]

    # -- printing ---------------------------------------------------------------------

    def _cells(self, lang: str) -> tuple[list[str], list[list[str]], list[str]]:
        words = section(check_lang("Trace", lang), "tracer.table")
        header = [words[k] for k in COLUMNS]
        body = [row_cells(i, r) for i, r in enumerate(self.rows, 1)]
        return header, body, self._footer(words)

    def _footer(self, words: dict[str, str]) -> list[str]:
        input_bytes = self.input_bytes
        if input_bytes is None:
            input_bytes = sum(math.prod(s) for s in self.input_shapes) * self.itemsize
        lines = []
        last = self.rows[-1].output_shape if self.rows else None
        if self.outputs is not None and self.outputs != last:  # said by the last row
            lines.append(f"{words['output_all']}: {outputs_text(self.outputs)}")
        if self.unused:
            names = ", ".join(f"{name} ({n:,})" for name, n in self.unused)
            lines.append(f"{words['unused']}: {names}")
        lines += [
            f"{words['total_params']}: {self.total_params:,}",
            f"{words['total_macs']}: {with_human(self.total_macs)}",
            f"{words['flops']}: {with_human(self.total_flops)}",
            f"{words['input_size'].format(dtype=self.dtype)}: {bytes_text(input_bytes)}",
            f"{words['activation']}: {bytes_text(self.activation_bytes)}",
            words["activation_note"],
        ]
        if self.meta_device:
            lines.append(words["device"])
        if self.needs_values:
            inputs = words["real_random" if self.random_inputs else "real_given"]
            lines.append(words["real_pass"].format(op=self.needs_values, inputs=inputs))
        if self.depth is not None:
            lines.append(words["depth"].format(depth=self.depth))
        if self.unknown_ops:
            lines.append(f"{words['notes']}: {', '.join(self.unknown_ops)}")
        return lines

    def to_text(self, lang: str | None = None) -> str:
        """The table as aligned plain text (what ``str(trace)`` returns)."""
        header, body, footer = self._cells(lang or self.lang)
        widths = [max(display_width(c) for c in col) for col in zip(header, *body, strict=True)]

        def line(cells: list[str]) -> str:
            out = []
            for col, (cell, w) in enumerate(zip(cells, widths, strict=True)):
                pad = " " * (w - display_width(cell))
                out.append(pad + cell if COLUMNS[col] in RIGHT else cell + pad)
            return "  ".join(out).rstrip()

        rule = "=" * (sum(widths) + 2 * (len(widths) - 1))
        lines = [rule, line(header), "-" * len(rule), *(line(r) for r in body), rule]
        return "\n".join([*lines, *footer, rule])

    def __str__(self) -> str:
        return self.to_text()

    def to_markdown(self, lang: str | None = None) -> str:
        """The table in GitHub-flavoured Markdown, totals below it."""
        header, body, footer = self._cells(lang or self.lang)
        align = ["---:" if k in RIGHT else ":---" for k in COLUMNS]
        rows = [header, align, *body]
        table = "\n".join("| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows)
        return table + "\n\n" + "\n".join(f"- {f}" for f in footer) + "\n"

    def to_html(self, lang: str | None = None) -> str:
        """The table as a self-contained HTML ``<table>`` with a footer.

        The wrapper scrolls sideways on narrow screens, so it is a labelled region in the
        tab order (``tabindex="0"``): keyboard users can focus it and scroll with the arrows.
        """
        lang = check_lang("Trace", lang or self.lang)
        header, body, footer = self._cells(lang)
        label = text(lang, "tracer.table.label")

        def cell(tag: str, text: str, col: int) -> str:
            style = ' style="text-align:right"' if COLUMNS[col] in RIGHT else ""
            return f"<{tag}{style}>{html.escape(text)}</{tag}>"

        head = "".join(cell("th", h, i) for i, h in enumerate(header))
        rows = "".join(
            "<tr>" + "".join(cell("td", c, i) for i, c in enumerate(r)) + "</tr>\n" for r in body
        )
        foot = "<br>".join(html.escape(f) for f in footer)
        return (
            f'<div class="layerguide-trace" role="region" tabindex="0" lang="{lang}" '
            f'aria-label="{html.escape(label)}">\n<table>\n'
            f"<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n"
            f"<p>{foot}</p>\n</div>\n"
        )

    def _repr_html_(self) -> str:
        return self.to_html()


COLUMNS = (
    "index",
    "layer",
    "input",
    "output",
    "memory",
    "params",
    "formula",
    "macs",
    "rf",
    "stride",
)
RIGHT = {"index", "memory", "params", "macs"}


def row_cells(index: int, row: Row) -> list[str]:
    """The printed cells of one row."""
    layer = f"{row.name} ({row.kind})" if row.name != row.kind else row.kind
    inputs = row.input_shapes or (row.input_shape,)
    return [
        str(index),
        layer,
        "; ".join(shape_text(s) for s in inputs),
        shape_text(row.output_shape),
        format_bytes(row.output_bytes, binary=False),
        f"{row.params:,}" if row.params else "",
        row.param_formula,
        human(row.macs) if row.macs else "",
        pair_text(row.receptive_field),
        pair_text(row.effective_stride),
    ]
