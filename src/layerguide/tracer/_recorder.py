"""The recorder behind :func:`~layerguide.tracer.torch_engine.trace_module`.

It keeps the rows of a trace while the model runs: module hooks open and close a row
(:class:`Frame`) for every leaf module, ``on_function`` opens one for a functional call made
inside a container's ``forward``, and ``on_aten`` charges every ATen operation's MACs,
parameters and receptive field to the open row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.utils._pytree import tree_leaves

from layerguide.tracer import torch_rules
from layerguide.tracer._text import formula
from layerguide.tracer.errors import TraceError
from layerguide.tracer.field import Field
from layerguide.tracer.table import Row, Shape, Trace

__all__ = ["Frame", "Param", "Recorder", "op_kind", "op_name"]


@dataclass
class Frame:
    """A row being recorded (or a container module that is running)."""

    name: str  # row name
    kind: str
    path: str  # module path ("" for the root); functional rows use their parent's
    inputs: list[Shape]
    leaf: bool  # rows are made for leaf modules and functional calls
    absorbed: bool = False  # runs inside another row (below ``depth``): no row of its own
    folded: bool = False  # a module with children shown as one row (at ``depth``)
    prev: Frame | None = None  # the row that was current before this one
    macs: int = 0
    terms: list[tuple[int, ...]] = field(default_factory=list)  # new parameters, as factors
    params: int = 0
    shared: list[str] = field(default_factory=list)  # rows that used a parameter first
    uses: list[Param] = field(default_factory=list)  # parameters its operations read
    touched: bool = False  # saw an operation on data


@dataclass
class Param:
    name: str
    factors: tuple[int, ...]  # sizes in the order a formula reads them
    numel: int


#: ATen operations that need the values of a tensor, which the meta device has not: a
#: Python number from a tensor (``if x.sum() > 0`` calls the first) and sequence lengths
#: read on the CPU. So does any op that raises ``NotImplementedError`` on meta tensors
#: (``nonzero``, ``unique``, copying to the CPU): its output shape depends on the values.
VALUE_OPS = {"_local_scalar_dense", "item", "is_nonzero", "equal", "_pack_padded_sequence"}
FOLDED_TERMS = 4  # a folded module's formula shows at most this many parameter tensors


class Recorder:
    def __init__(
        self, params: dict[int, tuple[torch.Tensor, Param]], depth: int | None = None
    ) -> None:
        self.depth = depth  # modules deeper than this are one row each (None: leaves)
        self.needs_values = False  # an operation needed values the meta device has not
        self.largest = 0  # bytes of the largest tensor an operation made
        # id -> (tensor, field); holding the tensor keeps its id from being reused
        self.fields: dict[int, tuple[torch.Tensor, Field | None]] = {}
        self.params = params
        self.first_use: dict[str, Frame] = {}  # parameter name -> row that used it first
        self.carry: list[Param] = []  # read by a call on no data (``w.t()``): next row's
        self.rows: list[Row] = []
        self.stack: list[Frame] = []  # running modules, innermost last
        self.current: Frame | None = None  # row that operations are charged to
        self.unknown: dict[str, None] = {}
        self.input_hw: tuple[int, int] | None = None  # (H, W) of the first 4-D input
        # storage -> one tensor on it (kept so the storage's address is not reused): the
        # input, parameters, buffers and every row output so far. A row's output on one
        # of these (a view, an in-place result) adds no memory.
        self.storages: dict[int, torch.Tensor] = {}

    # -- tensors ----------------------------------------------------------------------

    def add_input(self, t: torch.Tensor) -> None:
        self.fields[id(t)] = (t, Field.input() if t.ndim == 4 else None)
        self.new_bytes([t])
        if t.ndim == 4 and self.input_hw is None:
            self.input_hw = (int(t.shape[-2]), int(t.shape[-1]))

    def data_shapes(self, tree: Any) -> list[Shape]:
        with torch._C.DisableTorchFunction():
            return [
                tuple(int(n) for n in t.shape)
                for t in tree_leaves(tree)
                if isinstance(t, torch.Tensor) and id(t) in self.fields
            ]

    def new_bytes(self, tensors: list[torch.Tensor]) -> int:
        """Bytes of the tensors whose memory is not counted yet (shape × itemsize), and
        count it: a tensor sharing its storage with one seen before adds nothing."""
        total = 0
        with torch._C.DisableTorchFunction():
            for t in tensors:
                try:
                    key = t.untyped_storage()._cdata
                except (RuntimeError, NotImplementedError):  # no storage (sparse, nested…)
                    key = id(t)
                if key not in self.storages:
                    self.storages[key] = t
                    total += t.numel() * t.element_size()
        return total

    # -- rows ---------------------------------------------------------------------------

    def finish(self, frame: Frame, output: Any) -> None:
        for param in [*self.carry, *frame.uses]:
            self.use_param(frame, param)
        self.carry = []
        with torch._C.DisableTorchFunction():
            outs = [t for t in tree_leaves(output) if isinstance(t, torch.Tensor)]
            data = [t for t in outs if id(t) in self.fields]
            out = (data or outs)[0] if outs else None
            fld = self.fields[id(out)][1] if data else None
            shape = tuple(int(n) for n in out.shape) if out is not None else ()
        nbytes = self.new_bytes(outs)
        text = formula(frame.terms, most=FOLDED_TERMS if frame.folded else None)
        if frame.shared:
            shared = "shared with " + ", ".join(dict.fromkeys(frame.shared))
            text = f"{text} ({shared})" if text else shared
        self.rows.append(
            Row(
                name=frame.name,
                kind=frame.kind,
                input_shape=frame.inputs[0] if frame.inputs else (),
                output_shape=shape,
                params=frame.params,
                param_formula=text,
                macs=frame.macs,
                receptive_field=fld.receptive_field(self.input_hw) if fld else None,
                effective_stride=fld.effective_stride if fld else None,
                input_shapes=tuple(frame.inputs),
                output_bytes=nbytes,
            )
        )

    def use_param(self, frame: Frame, param: Param) -> None:
        first = self.first_use.get(param.name)
        if first is None:
            self.first_use[param.name] = frame
            frame.terms.append(param.factors)
            frame.params += param.numel
        elif first is not frame:
            frame.shared.append(first.name)

    # -- module hooks -----------------------------------------------------------------

    def pre_hook(self, names: dict[nn.Module, str], root: nn.Module) -> Callable[..., None]:
        def hook(module: nn.Module, args: Any, kwargs: Any) -> None:
            path = names.get(module, "")
            kind = type(module).__name__
            # A module without children is one row, except a user-written root model,
            # whose forward is all functional calls worth showing one by one; so is a
            # module at ``depth`` (the root is at 0, its children at 1…).
            level = path.count(".") + 1 if module is not root else 0
            leaf = (self.depth is not None and level >= self.depth) or (
                next(iter(module.children()), None) is None
                and not (module is root and not type(module).__module__.startswith("torch."))
            )
            frame = Frame(path or kind, kind, path, self.data_shapes((args, kwargs)), leaf)
            frame.folded = leaf and next(iter(module.children()), None) is not None
            frame.prev = self.current
            if self.current is not None:  # inside a row: that row gets the work
                frame.leaf, frame.absorbed = False, True
            self.stack.append(frame)
            if not frame.absorbed:
                self.current = frame if leaf else None

        return hook

    def post_hook(self, module: nn.Module, args: Any, kwargs: Any, output: Any) -> None:
        frame = self.stack.pop()
        if frame.absorbed:
            return
        self.current = frame.prev
        # Parameters the module returns as they are (``return self.weight``), or read
        # by calls on no data that no row took (``self.weight.t()``): its own row.
        with torch._C.DisableTorchFunction():
            returned = [self.params[id(t)][1] for t in tree_leaves(output) if self.is_param(t)]
        if frame.leaf:
            frame.uses += [p for p in returned if p not in frame.uses]
            self.finish(frame, output)
            return
        own = [p for p in [*self.carry, *returned] if p.name not in self.first_use]
        if own:
            self.carry = []
            row = Frame(frame.name, frame.kind, frame.path, frame.inputs, True)
            row.uses = list({p.name: p for p in own}.values())
            self.finish(row, output)

    def is_param(self, t: Any) -> bool:
        found = self.params.get(id(t))
        return found is not None and found[0] is t

    # -- operations ---------------------------------------------------------------------

    def on_function(self, func: Callable[..., Any], args: Any, kwargs: Any) -> Any:
        if self.current is not None:  # inside a leaf module: its row gets the work
            return func(*args, **kwargs)
        op = op_name(func)
        parent = self.stack[-1].path if self.stack else ""
        name = f"{parent}.{op}" if parent else op
        frame = Frame(name, op_kind(func), parent, self.data_shapes((args, kwargs)), True)
        self.current = frame
        out = func(*args, **kwargs)  # on an exception, frame stays current for the report
        self.current = None
        if frame.touched:
            self.finish(frame, out)
        else:
            self.carry.extend(frame.uses)
        return out

    def on_aten(self, func: Any, args: Any, kwargs: Any, out: Any) -> None:
        frame = self.current
        leaves = [t for t in tree_leaves((args, kwargs)) if isinstance(t, torch.Tensor)]
        if frame is not None:
            for t in leaves:
                found = self.params.get(id(t))
                if found is not None and found[0] is t and found[1] not in frame.uses:
                    frame.uses.append(found[1])
        data = [(t, self.fields[id(t)][1]) for t in leaves if id(t) in self.fields]
        outs = [t for t in tree_leaves(out) if isinstance(t, torch.Tensor)]
        for t in outs:
            self.largest = max(self.largest, t.numel() * t.element_size())
        if not data or not outs:
            return
        name = func.overloadpacket.__name__
        tracked = [(t, f) for t, f in data if f is not None]
        fld: Field | None = None
        if tracked:
            pointwise = torch.Tag.pointwise in func.tags
            fld, known = torch_rules.output_field(name, pointwise, args, kwargs, tracked, outs[0])
            if not known:
                self.unknown[name] = None
            if outs[0].ndim != 4 and fld.jump is not None:
                fld = fld.flat(tuple(tracked[0][0].shape[-2:]))
        for t in outs:
            self.fields[id(t)] = (t, fld)
        if frame is not None:
            frame.macs += torch_rules.macs(name, args, outs[0])
            frame.touched = True

    def on_aten_error(self, func: Any, args: Any, kwargs: Any, exc: BaseException) -> None:
        """Note an operation that failed for want of values on the meta device."""
        leaves = tree_leaves((args, kwargs))
        on_meta = any(isinstance(t, torch.Tensor) and t.is_meta for t in leaves)
        name = func.overloadpacket.__name__
        if on_meta and (name in VALUE_OPS or isinstance(exc, NotImplementedError)):
            self.needs_values = True

    def failure(self, exc: BaseException, partial: Trace) -> TraceError:
        frame = self.current or next((f for f in reversed(self.stack) if not f.absorbed), None)
        needs = self.needs_values
        if frame is None:
            return TraceError(partial, "forward", "forward", (), exc, needs_values=needs)
        inputs = tuple(frame.inputs)
        return TraceError(partial, frame.name, frame.kind, inputs, exc, needs_values=needs)


def op_name(func: Callable[..., Any]) -> str:
    name = getattr(func, "__name__", type(func).__name__)
    if name == "__get__":
        return "getattr"
    return name.strip("_") if name.startswith("__") else name


def op_kind(func: Callable[..., Any]) -> str:
    name = op_name(func)
    module = getattr(func, "__module__", None) or ""
    qualname = getattr(func, "__qualname__", "") or ""
    if module.startswith("torch.nn.functional") or module == "torch._C._nn":
        return f"F.{name}"
    if qualname.startswith(("TensorBase.", "Tensor.", "getset_descriptor")):
        return f"Tensor.{name}"
    if module == "torch" or qualname.startswith("_VariableFunctionsClass"):
        return f"torch.{name}"
    return name
