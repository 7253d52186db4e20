"""Trace a ``torch.nn.Module``: leaf modules and functional calls become rows.

Three hooks work together while the model runs once:

- module forward hooks open and close a row for every *leaf* module (one without
  children) and remember which container is running;
- a ``TorchFunctionMode`` opens a row for a functional call made directly inside a
  container's ``forward`` (``F.relu``, ``torch.flatten``, ``x + y``, ``x.view``…);
- a ``TorchDispatchMode`` sees every ATen operation underneath and updates the
  receptive field of each tensor, the MACs and the parameters of the open row.

On the meta device (the default) tensors have shapes but no storage: for the pass, each
module's parameters and buffers are swapped for meta tensors and put back afterwards (the
model is not copied, and is left as it was), so even an 849 GB input costs nothing.

The rows are kept by ``Recorder`` (in ``tracer/_recorder.py``); this module runs the model
with the hooks and modes that feed it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils._pytree import tree_leaves, tree_map_only

from layerguide.tracer._recorder import Param, Recorder
from layerguide.tracer._text import Outputs
from layerguide.tracer.errors import TraceError
from layerguide.tracer.table import Shape, Trace


class _FunctionMode(TorchFunctionMode):
    def __init__(self, recorder: Recorder) -> None:
        super().__init__()
        self.recorder = recorder

    def __torch_function__(self, func, types, args=(), kwargs=None):  # type: ignore[no-untyped-def]
        return self.recorder.on_function(func, args, kwargs or {})


# TorchDispatchMode.__init_subclass__ and __init__ carry no annotations in torch.
class _DispatchMode(TorchDispatchMode):  # type: ignore[no-untyped-call]
    def __init__(self, recorder: Recorder) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
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
        try:
            out = func(*args, **kwargs)
        except Exception as exc:
            self.recorder.on_aten_error(func, args, kwargs, exc)
            raise
        self.recorder.on_aten(func, args, kwargs, out)
        return out


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


#: When the meta pass stops on an operation that needs values (``if x.sum() > 0``), the
#: trace runs the model once for real on the CPU instead, if the model's parameters and
#: buffers are on the CPU and the inputs together, and every tensor the meta pass made
#: before it stopped, each hold at most this many bytes (64 MB); otherwise it raises.
REAL_PASS_LIMIT = 64 * 10**6


def trace_module(
    model: nn.Module,
    inputs: Sequence[Any] | None = None,
    input_shapes: Sequence[Shape] = (),
    dtype: torch.dtype = torch.float32,
    lang: str = "en",
    *,
    kwargs: dict[str, Any] | None = None,
    depth: int | None = None,
    meta: bool | None = None,
) -> Trace:
    """Trace ``model`` once, called as ``model(*inputs, **kwargs)``.

    Without ``inputs``, they are made from ``input_shapes`` and ``dtype``. The pass runs
    on the meta device unless ``meta`` is false; by default it is false when ``inputs``
    are given (a real pass, which allocates memory: the tests use it to check that meta
    shapes equal real ones). A meta pass that needs values falls back to a real one
    within :data:`REAL_PASS_LIMIT`.
    """
    kwargs = dict(kwargs or {})
    random = inputs is None
    if meta is None:
        meta = inputs is None
    if inputs is None:
        args: tuple[Any, ...] = tuple(
            torch.empty(s, dtype=dtype, device="meta") for s in input_shapes
        )
    else:
        args = tuple(inputs)
    if not meta:
        return _run(Recorder({}, depth), model, args, kwargs, False, lang)
    recorder = Recorder({}, depth)
    try:
        return _run(recorder, model, _to_meta(args), _to_meta(kwargs), True, lang)
    except TraceError as err:
        if not err.needs_values or not _may_run(model, args, kwargs, recorder.largest):
            raise
        if random:
            args = tuple(_random_input(s, dtype) for s in input_shapes)
        else:  # forward may write into its inputs (x += …): not into the caller's tensors
            args, kwargs = tree_map_only(torch.Tensor, torch.clone, (args, kwargs))
        result = _run(Recorder({}, depth), model, args, kwargs, False, lang)
        result.needs_values = err.kind
        result.random_inputs = random
        return result


def _run(
    recorder: Recorder,
    model: nn.Module,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    meta: bool,
    lang: str,
) -> Trace:
    """One pass of ``model(*args, **kwargs)`` with the hooks and modes feeding ``recorder``."""
    swap: dict[int, torch.Tensor] = {}  # id of a parameter or buffer -> its meta stand-in
    for qualname, p in model.named_parameters():
        owner_name, _, pname = qualname.rpartition(".")
        owner = model.get_submodule(owner_name)
        t = torch.empty_like(p, device="meta") if meta else p
        swap[id(p)] = t
        recorder.params[id(t)] = (t, Param(qualname, _factors(owner, pname, p), p.numel()))
    for b in model.buffers():
        swap[id(b)] = torch.empty_like(b, device="meta")
    # Rows that return a parameter or a buffer (``return self.weight``) add no memory.
    recorder.new_bytes([*swap.values()] if meta else [*model.parameters(), *model.buffers()])

    inputs = _tensors((args, kwargs))
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
        with (
            torch.no_grad(),
            _swapped(model, swap, meta),
            _device(meta),
            _FunctionMode(recorder),
            _DispatchMode(recorder),
        ):
            out = model(*args, **kwargs)
    except Exception as exc:
        raise recorder.failure(exc, _result(recorder, inputs, meta, lang)) from exc
    finally:
        for handle in handles:
            handle.remove()
        for m, mode in training:
            m.train(mode)
    result = _result(recorder, inputs, meta, lang)
    result.outputs = _outputs(out)
    used = set(recorder.first_use)
    result.unused = unused_groups([(n, p.numel()) for n, p in model.named_parameters()], used)
    result.depth = recorder.depth
    return result


def unused_groups(params: Sequence[tuple[str, int]], used: set[str]) -> tuple[tuple[str, int], ...]:
    """The parameters not in ``used``, by the largest module none of whose parameters is.

    >>> unused_groups([("fc.weight", 6), ("fc.bias", 2), ("head.0.weight", 9),
    ...                ("head.0.bias", 3), ("head.1.weight", 4)], {"fc.weight"})
    (('fc.bias', 2), ('head', 16))
    """
    if not any(name not in used for name, _ in params):
        return ()
    spoiled: set[str] = set()  # modules that hold a used parameter
    for name, _ in params:
        if name in used:
            parts = name.split(".")[:-1]
            spoiled.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    groups: dict[str, int] = {}
    for name, n in params:
        if name in used:
            continue
        parts = name.split(".")
        prefixes = (".".join(parts[:i]) for i in range(1, len(parts)))
        group = next((q for q in prefixes if q not in spoiled), name)
        groups[group] = groups.get(group, 0) + n
    return tuple(groups.items())


def _tensors(tree: Any) -> list[torch.Tensor]:
    return [t for t in tree_leaves(tree) if isinstance(t, torch.Tensor)]


def _to_meta(tree: Any) -> Any:
    return tree_map_only(torch.Tensor, lambda t: torch.empty_like(t, device="meta"), tree)


def _random_input(shape: Shape, dtype: torch.dtype) -> torch.Tensor:
    """Normal values for a float input, zeros (a valid index everywhere) for ids."""
    g = torch.Generator().manual_seed(0)
    if dtype.is_floating_point or dtype.is_complex:
        return torch.randn(shape, dtype=dtype, generator=g)
    return torch.zeros(shape, dtype=dtype)


def _may_run(model: nn.Module, args: Any, kwargs: Any, largest: int) -> bool:
    """Whether a real pass fits :data:`REAL_PASS_LIMIT` (see there)."""
    tensors = [*model.parameters(), *model.buffers(), *_tensors((args, kwargs))]
    if any(t.device.type != "cpu" and not t.is_meta for t in tensors):
        return False
    if any(t.is_meta for t in [*model.parameters(), *model.buffers()]):
        return False
    size = sum(t.numel() * t.element_size() for t in _tensors((args, kwargs)))
    return max(size, largest) <= REAL_PASS_LIMIT


def _outputs(obj: Any) -> Outputs:
    """What the model returned, tensors as their shapes."""
    if isinstance(obj, torch.Tensor):
        return tuple(int(n) for n in obj.shape)
    if isinstance(obj, Mapping):
        return {str(k): _outputs(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_outputs(v) for v in obj]
    return type(obj).__name__


def _result(recorder: Recorder, inputs: Sequence[torch.Tensor], meta: bool, lang: str) -> Trace:
    dtypes = dict.fromkeys(str(t.dtype).removeprefix("torch.") for t in inputs)
    return Trace(
        rows=list(recorder.rows),
        input_shapes=tuple(tuple(int(n) for n in t.shape) for t in inputs),
        dtype=", ".join(dtypes) or "float32",
        itemsize=inputs[0].element_size() if inputs else 4,
        lang=lang,
        meta_device=meta,
        unknown_ops=tuple(recorder.unknown),
        input_bytes=sum(t.numel() * t.element_size() for t in inputs),
    )


@contextlib.contextmanager
def _swapped(model: nn.Module, swap: dict[int, torch.Tensor], meta: bool) -> Iterator[None]:
    """Run with every parameter and buffer replaced by its meta stand-in, then put back.

    Each module's own entries are swapped once, however many names reach the module
    (``torch.func.functional_call`` restored a module reused under two names, or an
    RNN's flat weights, to the meta tensors): the model is left as it was.
    """
    if not meta:
        yield
        return
    saved: list[tuple[dict[str, Any], str, torch.Tensor]] = []
    rnns = [m for m in model.modules() if isinstance(m, nn.RNNBase)]
    try:
        for module in model.modules():  # each module once
            tables: tuple[dict[str, Any], ...] = (module._parameters, module._buffers)
            for table in tables:
                for name, t in list(table.items()):
                    if t is not None and id(t) in swap:
                        saved.append((table, name, t))
                        table[name] = swap[id(t)]
        for rnn in rnns:  # nn.LSTM & co. keep a list of their weights: point it at ours
            rnn._init_flat_weights()
        yield
    finally:
        for table, name, t in reversed(saved):
            table[name] = t
        for rnn in rnns:
            rnn._init_flat_weights()


def _device(meta: bool) -> Any:
    """Factory calls inside ``forward`` (``torch.zeros(...)``) make meta tensors too."""
    return torch.device("meta") if meta else contextlib.nullcontext()
