"""Trace a ``torch.nn.Module``: leaf modules and functional calls become rows.

Three hooks work together while the model runs once:

- module forward hooks open and close a row for every *leaf* module (one without
  children) and remember which container is running;
- a ``TorchFunctionMode`` opens a row for a functional call made directly inside a
  container's ``forward`` (``F.relu``, ``torch.flatten``, ``x + y``, ``x.view``…);
- a ``TorchDispatchMode`` sees every ATen operation underneath and updates the
  receptive field of each tensor, the MACs and the parameters of the open row.

On the meta device (the default) tensors have shapes but no storage: the parameters
are swapped for meta tensors with :func:`torch.func.functional_call` (the model is not
modified or copied), so even an 849 GB input costs nothing.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves

from layerguide.tracer import torch_rules
from layerguide.tracer.errors import TraceError
from layerguide.tracer.field import Field
from layerguide.tracer.table import Row, Shape, Trace, formula


@dataclass
class _Frame:
    """A row being recorded (or a container module that is running)."""

    name: str  # row name
    kind: str
    path: str  # module path ("" for the root); functional rows use their parent's
    inputs: list[Shape]
    leaf: bool  # rows are made for leaf modules and functional calls
    prev: _Frame | None = None  # the row that was current before this one
    macs: int = 0
    terms: list[tuple[int, ...]] = field(default_factory=list)  # new parameters, as factors
    params: int = 0
    shared: list[str] = field(default_factory=list)  # rows that used a parameter first
    uses: list[_Param] = field(default_factory=list)  # parameters its operations read
    touched: bool = False  # saw an operation on data


@dataclass
class _Param:
    name: str
    factors: tuple[int, ...]  # sizes in the order a formula reads them
    numel: int


class _Recorder:
    def __init__(self, params: dict[int, tuple[torch.Tensor, _Param]]) -> None:
        # id -> (tensor, field); holding the tensor keeps its id from being reused
        self.fields: dict[int, tuple[torch.Tensor, Field | None]] = {}
        self.params = params
        self.first_use: dict[str, _Frame] = {}  # parameter name -> row that used it first
        self.carry: list[_Param] = []  # read by a call on no data (``w.t()``): next row's
        self.rows: list[Row] = []
        self.stack: list[_Frame] = []  # running modules, innermost last
        self.current: _Frame | None = None  # row that operations are charged to
        self.unknown: dict[str, None] = {}
        self.input_hw: tuple[int, int] | None = None  # (H, W) of the first 4-D input

    # -- tensors ----------------------------------------------------------------------

    def add_input(self, t: torch.Tensor) -> None:
        self.fields[id(t)] = (t, Field.input() if t.ndim == 4 else None)
        if t.ndim == 4 and self.input_hw is None:
            self.input_hw = (int(t.shape[-2]), int(t.shape[-1]))

    def data_shapes(self, tree: Any) -> list[Shape]:
        with torch._C.DisableTorchFunction():
            return [
                tuple(int(n) for n in t.shape)
                for t in tree_leaves(tree)
                if isinstance(t, torch.Tensor) and id(t) in self.fields
            ]

    # -- rows ---------------------------------------------------------------------------

    def finish(self, frame: _Frame, output: Any) -> None:
        for param in [*self.carry, *frame.uses]:
            self.use_param(frame, param)
        self.carry = []
        with torch._C.DisableTorchFunction():
            outs = [t for t in tree_leaves(output) if isinstance(t, torch.Tensor)]
            data = [t for t in outs if id(t) in self.fields]
            out = (data or outs)[0] if outs else None
            fld = self.fields[id(out)][1] if data else None
            shape = tuple(int(n) for n in out.shape) if out is not None else ()
        text = formula(frame.terms)
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
            )
        )

    def use_param(self, frame: _Frame, param: _Param) -> None:
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
            # whose forward is all functional calls worth showing one by one.
            leaf = next(iter(module.children()), None) is None and not (
                module is root and not type(module).__module__.startswith("torch.")
            )
            frame = _Frame(path or kind, kind, path, self.data_shapes((args, kwargs)), leaf)
            frame.prev = self.current
            self.stack.append(frame)
            self.current = frame if leaf else None

        return hook

    def post_hook(self, module: nn.Module, args: Any, kwargs: Any, output: Any) -> None:
        frame = self.stack.pop()
        self.current = frame.prev
        if frame.leaf:
            self.finish(frame, output)

    # -- operations ---------------------------------------------------------------------

    def on_function(self, func: Callable[..., Any], args: Any, kwargs: Any) -> Any:
        if self.current is not None:  # inside a leaf module: its row gets the work
            return func(*args, **kwargs)
        op = _op_name(func)
        parent = self.stack[-1].path if self.stack else ""
        name = f"{parent}.{op}" if parent else op
        frame = _Frame(name, _op_kind(func), parent, self.data_shapes((args, kwargs)), True)
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

    def failure(self, exc: BaseException, partial: Trace) -> TraceError:
        frame = self.current or (self.stack[-1] if self.stack else None)
        if frame is None:
            return TraceError(partial, "forward", "forward", (), exc)
        return TraceError(partial, frame.name, frame.kind, tuple(frame.inputs), exc)


class _FunctionMode(TorchFunctionMode):
    def __init__(self, recorder: _Recorder) -> None:
        super().__init__()
        self.recorder = recorder

    def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        return self.recorder.on_function(func, args, kwargs or {})


class _DispatchMode(TorchDispatchMode):
    def __init__(self, recorder: _Recorder) -> None:
        super().__init__()
        self.recorder = recorder

    # torch wraps these (and a subclass's __torch_dispatch__) in ``_disable_dynamo``,
    # whose first call imports torch._dynamo and sympy: seconds and ~75 MB for nothing
    # here, since nothing is compiled. Same answers, no wrapper.
    @classmethod
    def is_infra_mode(cls) -> bool:
        return False

    @classmethod
    def ignore_compile_internals(cls) -> bool:
        return False

    @classmethod
    def _should_skip_dynamo(cls) -> bool:
        return False

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        self.recorder.on_aten(func, args, kwargs, out)
        return out


def _op_name(func: Callable[..., Any]) -> str:
    name = getattr(func, "__name__", type(func).__name__)
    if name == "__get__":
        return "getattr"
    return name.strip("_") if name.startswith("__") else name


def _op_kind(func: Callable[..., Any]) -> str:
    name = _op_name(func)
    module = getattr(func, "__module__", None) or ""
    qualname = getattr(func, "__qualname__", "") or ""
    if module.startswith("torch.nn.functional") or module == "torch._C._nn":
        return f"F.{name}"
    if qualname.startswith(("TensorBase.", "Tensor.", "getset_descriptor")):
        return f"Tensor.{name}"
    if module == "torch" or qualname.startswith("_VariableFunctionsClass"):
        return f"torch.{name}"
    return name


def _factors(module: nn.Module, pname: str, p: torch.Tensor) -> tuple[int, ...]:
    """Parameter sizes in reading order: ``in×out`` for Linear, ``in×out×kH×kW`` for Conv."""
    shape = tuple(int(n) for n in p.shape)
    if pname == "weight" and isinstance(module, nn.Linear) and len(shape) == 2:
        return (shape[1], shape[0])
    if (
        pname == "weight"
        and isinstance(module, nn.modules.conv._ConvNd)
        and not module.transposed
        and len(shape) >= 3
    ):
        return (shape[1], shape[0], *shape[2:])
    return shape


def trace_module(
    model: nn.Module,
    inputs: Sequence[torch.Tensor] | None = None,
    input_shapes: Sequence[Shape] = (),
    dtype: torch.dtype = torch.float32,
    lang: str = "en",
) -> Trace:
    """Trace ``model`` once: on the meta device from ``input_shapes``, or on ``inputs``.

    Giving real ``inputs`` runs a real forward pass (it allocates memory); the tests use
    it to check that meta shapes equal real ones.
    """
    meta = inputs is None
    if inputs is None:
        inputs = [torch.empty(s, dtype=dtype, device="meta") for s in input_shapes]
    state: dict[str, torch.Tensor] = {}
    params: dict[int, tuple[torch.Tensor, _Param]] = {}
    for qualname, p in model.named_parameters():
        owner_name, _, pname = qualname.rpartition(".")
        owner = model.get_submodule(owner_name)
        t = torch.empty_like(p, device="meta") if meta else p
        state[qualname] = t
        params[id(t)] = (t, _Param(qualname, _factors(owner, pname, p), p.numel()))
    if meta:
        for qualname, b in model.named_buffers():
            state[qualname] = torch.empty_like(b, device="meta")

    recorder = _Recorder(params)
    for t in inputs:
        recorder.add_input(t)
    names: dict[nn.Module, str] = {}
    for path, module in model.named_modules():
        names.setdefault(module, path)
    training = [(m, m.training) for m in model.modules()]
    handles = []
    for module in names:
        handles.append(
            module.register_forward_pre_hook(recorder.pre_hook(names, model), with_kwargs=True)
        )
        handles.append(module.register_forward_hook(recorder.post_hook, with_kwargs=True))
    model.eval()
    try:
        with torch.no_grad(), _device(meta), _FunctionMode(recorder), _DispatchMode(recorder):
            if meta:
                torch.func.functional_call(model, state, tuple(inputs), strict=True)
            else:
                model(*inputs)
    except Exception as exc:
        raise recorder.failure(exc, _result(recorder, inputs, meta, lang)) from exc
    finally:
        for handle in handles:
            handle.remove()
        for m, mode in training:
            m.train(mode)
    return _result(recorder, inputs, meta, lang)


def _result(recorder: _Recorder, inputs: Sequence[torch.Tensor], meta: bool, lang: str) -> Trace:
    dtype_name = str(inputs[0].dtype).removeprefix("torch.") if inputs else "float32"
    return Trace(
        rows=list(recorder.rows),
        input_shapes=tuple(tuple(int(n) for n in t.shape) for t in inputs),
        dtype=dtype_name,
        itemsize=inputs[0].element_size() if inputs else 4,
        lang=lang,
        meta_device=meta,
        unknown_ops=tuple(recorder.unknown),
    )


def _device(meta: bool) -> Any:
    """Factory calls inside ``forward`` (``torch.zeros(...)``) make meta tensors too."""
    return torch.device("meta") if meta else contextlib.nullcontext()
