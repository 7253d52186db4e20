"""A trained autoencoder as a list of steps that a page can run: :func:`program`.

Each :class:`Step` is one operation of the forward pass (a convolution, a max pooling, a
batch norm, an upsampling …) with its settings, the names of the tensors it reads from
the model's ``state_dict`` and, as ``layerguide.trace`` prints them, its name and its
output shape. The explorer's JavaScript (``docs/_static/explorer.js``) runs the steps one
after the other; :func:`run_torch` runs the same steps with the model's own modules, so
every intermediate of the page can be compared with PyTorch.

The encoder's steps also carry their receptive-field geometry (:class:`Geometry`): for an
output position ``i`` the input rows ``i·jump − offset … i·jump − offset + rf − 1``
(clipped to the image), derived from the layer stack the way :mod:`layerguide.tracer.field`
derives ``rf`` and ``jump``, plus the offset that the padding adds.

>>> from layerguide.autoencoder import AutoencoderConfig, build_autoencoder
>>> steps = program(build_autoencoder(AutoencoderConfig(decoder="max_unpool")))
>>> [(s.name, s.shape) for s in steps][9:11]
[('encoder.stages.2.pool', (1, 96, 4, 4)), ('encoder.stages.2.norm', (1, 96, 4, 4))]
>>> steps[9].geometry.window(3, 28)
(17, 27)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import torch
from torch import nn

from layerguide.autoencoder.decoders import (
    FullyConnectedDecoder,
    TransposedConvDecoder,
    UpsamplingDecoder,
)
from layerguide.autoencoder.models import Autoencoder
from layerguide.autoencoder.upsampling import bed_of_nails, max_unpool, nearest
from layerguide.errors import ArgumentTypeError, StateError
from layerguide.tracer import trace

__all__ = ["Geometry", "Step", "program", "run_torch"]

INPUT = (1, 1, 28, 28)  # the explorer runs one digit at a time


@dataclass(frozen=True)
class Geometry:
    """Where an encoder step's output position looks in the input (one axis; H and W agree).

    ``rf`` input pixels wide, neighbours ``jump`` pixels apart, position 0 starting at
    input pixel ``-offset`` (the padding makes it start before the image).
    """

    rf: int
    jump: int
    offset: int

    def then(self, kernel: int, stride: int, padding: int, dilation: int = 1) -> Geometry:
        """The geometry after a window of ``kernel`` taps every ``stride`` positions."""
        return Geometry(
            self.rf + (kernel - 1) * dilation * self.jump,
            self.jump * stride,
            self.offset + padding * self.jump,
        )

    def window(self, i: int, size: int) -> tuple[int, int]:
        """Inclusive input range seen by output position ``i``, clipped to ``0 … size − 1``."""
        start = i * self.jump - self.offset
        return max(start, 0), min(start + self.rf - 1, size - 1)


@dataclass
class Step:
    """One operation of the forward pass, as the page runs it."""

    op: str  # conv2d, conv_transpose2d, max_pool2d, batch_norm, gelu, upsample, flatten, ...
    module: str  # the module whose tensors it uses ("" for a functional step)
    name: str = ""  # the step's name as layerguide.trace prints it
    kind: str = ""  # trace's kind: the module class (Conv2d) or the op (Tensor.view)
    shape: tuple[int, ...] = ()  # its output shape as layerguide.trace prints it
    part: str = "encoder"  # encoder or decoder
    args: dict[str, Any] = field(default_factory=dict)  # settings (stride, mode, slot, ...)
    tensors: dict[str, str] = field(default_factory=dict)  # role → state_dict key
    geometry: Geometry | None = None  # encoder steps only
    trace_field: tuple[int, int] | None = None  # trace's receptive field (H, W)

    def to_json(self) -> dict[str, Any]:
        """Plain form for the page (tuples as lists)."""
        out = asdict(self)
        out["shape"] = list(self.shape)
        out["trace_field"] = list(self.trace_field) if self.trace_field else None
        return out


def _pair(v: int | str | tuple[int, ...]) -> int:
    if isinstance(v, str):
        raise ArgumentTypeError(f"program: only numeric padding is supported, got {v!r}")
    if isinstance(v, tuple):
        if len(set(v)) != 1:
            raise ArgumentTypeError(f"program: only square settings are supported, got {v}")
        return int(v[0])
    return int(v)


def _module_step(path: str, module: nn.Module, part: str) -> Step:
    """The step of one leaf module."""
    args: dict[str, Any]
    if isinstance(module, nn.ConvTranspose2d):
        args = {"stride": _pair(module.stride), "padding": _pair(module.padding),
                "output_padding": _pair(module.output_padding)}  # fmt: skip
        op = "conv_transpose2d"
    elif isinstance(module, nn.Conv2d):
        args = {"stride": _pair(module.stride), "padding": _pair(module.padding),
                "kernel": _pair(module.kernel_size), "dilation": _pair(module.dilation)}  # fmt: skip
        op = "conv2d"
    elif isinstance(module, nn.MaxPool2d):
        args = {"kernel": _pair(module.kernel_size), "stride": _pair(module.stride),
                "padding": _pair(module.padding), "ceil_mode": bool(module.ceil_mode)}  # fmt: skip
        op = "max_pool2d"
    elif isinstance(module, nn.BatchNorm2d):
        args, op = {"eps": float(module.eps)}, "batch_norm"
    elif isinstance(module, nn.GELU):
        if module.approximate != "none":
            raise ArgumentTypeError("program: only the exact (erf) GELU is supported")
        args, op = {}, "gelu"
    elif isinstance(module, nn.Linear):
        args, op = {}, "linear"
    elif isinstance(module, nn.Flatten):
        args, op = {}, "flatten"
    else:
        raise ArgumentTypeError(f"program: no step for {type(module).__name__} ({path})")
    roles = {"weight": "weight", "bias": "bias", "running_mean": "mean", "running_var": "var"}
    tensors = {
        role: f"{path}.{key}"
        for key, role in roles.items()
        if getattr(module, key, None) is not None
    }
    return Step(op, path, part=part, args=args, tensors=tensors)


def _leaves(root: nn.Module, prefix: str, part: str) -> list[Step]:
    return [
        _module_step(f"{prefix}.{name}" if name else prefix, m, part)
        for name, m in root.named_modules()
        if not list(m.children())
    ]


def _decoder_steps(decoder: nn.Module) -> list[Step]:
    if isinstance(decoder, UpsamplingDecoder):
        steps = _leaves(decoder.from_code, "decoder.from_code", "decoder")
        for k, (size, slot) in enumerate(((7, 2), (14, 1), (28, 0))):
            steps.append(Step("upsample", "", part="decoder",
                              args={"mode": decoder.mode, "size": size, "slot": slot}))  # fmt: skip
            if k < 2:
                steps += _leaves(decoder.stages[k], f"decoder.stages.{k}", "decoder")
        return steps + _leaves(decoder.head, "decoder.head", "decoder")
    if isinstance(decoder, TransposedConvDecoder):
        return _leaves(decoder.net, "decoder.net", "decoder")
    if isinstance(decoder, FullyConnectedDecoder):
        steps = _leaves(decoder.net, "decoder.net", "decoder")
        return [*steps, Step("reshape", "", part="decoder", args={"shape": [1, 1, 28, 28]})]
    raise ArgumentTypeError(f"program: unknown decoder {type(decoder).__name__}")


def program(model: Autoencoder) -> list[Step]:
    """The forward pass of ``model`` (encoder, then decoder) as steps, named as ``trace`` names them.

    A functional step (an upsampling, the final reshape) is named after the last ``trace``
    row before the next module (``decoder.getitem``, ``decoder.view``): the row whose output
    is the step's output.
    """
    if not isinstance(model, Autoencoder):
        raise ArgumentTypeError(f"program: need an Autoencoder, got {type(model).__name__}")
    steps: list[Step] = []
    for k, stage in enumerate(model.encoder.stages):
        steps += _leaves(stage, f"encoder.stages.{k}", "encoder")
        steps[-3].args["slot"] = k  # the pooling keeps its indices for max_unpool
    steps += _leaves(model.encoder.to_code, "encoder.to_code", "encoder")
    steps[-1].args["code"] = True
    steps += _decoder_steps(model.decoder)

    rows = trace(model, INPUT).rows
    modules = [i for i, r in enumerate(rows) if r.name in {s.module for s in steps}]
    at = 0  # index into rows
    for s in steps:
        if s.module:
            while rows[at].name != s.module:
                at += 1
            row = rows[at]
            at += 1
        else:  # the last row before the next module row
            nxt = next((i for i in modules if i >= at), len(rows))
            row = rows[nxt - 1]
            at = nxt
        s.name, s.kind, s.shape = row.name, row.kind, tuple(row.output_shape)
        s.trace_field = row.receptive_field
    geometry = Geometry(1, 1, 0)
    for s in steps:
        if s.part != "encoder":
            break
        if s.op in ("conv2d", "max_pool2d"):
            a = s.args
            geometry = geometry.then(a["kernel"], a["stride"], a["padding"], a.get("dilation", 1))
        s.geometry = geometry
    return steps


def run_torch(model: Autoencoder, steps: list[Step], x: torch.Tensor) -> list[torch.Tensor]:
    """Run ``steps`` with ``model``'s own modules on ``x`` (1, 1, 28, 28): every step's output.

    The last output is the logits; it equals ``model(x)`` (checked here), so the steps are
    the model. Run ``model.eval()`` first for the page's behaviour (batch norm's running
    statistics).
    """
    modules = dict(model.named_modules())
    slots: dict[int, torch.Tensor] = {}
    outs: list[torch.Tensor] = []
    with torch.no_grad():
        y = x
        for s in steps:
            if s.op == "max_pool2d":
                y, slots[s.args["slot"]] = modules[s.module](y)
            elif s.op == "upsample":
                mode, size = s.args["mode"], s.args["size"]
                if mode == "max_unpool":
                    y = max_unpool(y, slots[s.args["slot"]], size)
                else:
                    y = (bed_of_nails if mode == "bed_of_nails" else nearest)(y, size)
            elif s.op == "reshape":
                y = y.reshape(s.args["shape"])
            else:
                y = modules[s.module](y)
            if tuple(y.shape) != s.shape:
                raise StateError(f"run_torch: {s.name} gave {tuple(y.shape)}, trace says {s.shape}")
            outs.append(y)
        whole = model(x)
    if not torch.equal(whole, outs[-1]):
        raise StateError("run_torch: the steps do not reproduce model(x)")
    return outs
