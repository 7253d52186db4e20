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

The rows are kept by ``Recorder`` (in ``tracer/_recorder.py``); this module runs the model
with the hooks and modes that feed it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import torch
from torch import nn
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from layerguide.tracer._recorder import Param, Recorder
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
        out = func(*args, **kwargs)
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
    params: dict[int, tuple[torch.Tensor, Param]] = {}
    for qualname, p in model.named_parameters():
        owner_name, _, pname = qualname.rpartition(".")
        owner = model.get_submodule(owner_name)
        t = torch.empty_like(p, device="meta") if meta else p
        state[qualname] = t
        params[id(t)] = (t, Param(qualname, _factors(owner, pname, p), p.numel()))
    if meta:
        for qualname, b in model.named_buffers():
            state[qualname] = torch.empty_like(b, device="meta")

    recorder = Recorder(params)
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


def _result(recorder: Recorder, inputs: Sequence[torch.Tensor], meta: bool, lang: str) -> Trace:
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
