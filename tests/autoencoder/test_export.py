"""The explorer's export: the model as steps (program.py) and the packed weights (export.py).

- every step's name and shape are trace's, and the steps run by torch reproduce the model;
- the encoder's receptive-field windows equal trace's field and stride, and hold exactly
  the input pixels whose gradient is non-zero (an experiment with autograd);
- the packed float16 weights unpack to the model's weights rounded to float16, and the
  digits are the first test digit of each class, exact.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from layerguide.autoencoder import DECODERS, AutoencoderConfig, build_autoencoder
from layerguide.autoencoder.export import (
    export_data,
    export_script,
    first_of_each_class,
    rounded,
    unpack_weights,
    weights_bytes,
)
from layerguide.autoencoder.models import Autoencoder
from layerguide.autoencoder.program import Geometry, program, run_torch
from layerguide.errors import ArgumentError, ArgumentTypeError
from layerguide.tracer import trace


def model_for(name: str, seed: int = 0) -> Autoencoder:
    torch.manual_seed(seed)
    model = build_autoencoder(AutoencoderConfig(decoder=name))
    with torch.no_grad():  # batch norm statistics that are not the identity
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                assert m.running_mean is not None
                assert m.running_var is not None
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
    return model.eval()


@pytest.mark.parametrize("name", list(DECODERS))
def test_steps_are_traces_rows_and_reproduce_the_model(name: str) -> None:
    model = model_for(name)
    steps = program(model)
    rows = {(r.name, tuple(r.output_shape)) for r in trace(model, (1, 1, 28, 28)).rows}
    assert [(s.name, s.shape) for s in steps if (s.name, s.shape) not in rows] == []
    modules = [r.name for r in trace(model, (1, 1, 28, 28)).rows if r.kind[0].isupper()
               and not r.kind.startswith(("F.", "Tensor."))]  # fmt: skip
    assert [s.module for s in steps if s.module] == modules
    outs = run_torch(model, steps, torch.rand(1, 1, 28, 28))  # raises if not model(x)
    assert [tuple(o.shape) for o in outs] == [s.shape for s in steps]
    assert sum(1 for s in steps if s.args.get("code")) == 1
    code = next(o for o, s in zip(outs, steps, strict=True) if s.args.get("code"))
    assert code.numel() == 128


def test_upsampling_steps_use_the_encoders_indices() -> None:
    steps = program(model_for("max_unpool"))
    pools = [s.args["slot"] for s in steps if s.op == "max_pool2d"]
    ups = [(s.args["size"], s.args["slot"]) for s in steps if s.op == "upsample"]
    assert pools == [0, 1, 2]
    assert ups == [(7, 2), (14, 1), (28, 0)]


def test_geometry_equals_the_tracers_field_and_stride() -> None:
    model = model_for("transpose")
    rows = {r.name: r for r in trace(model, (1, 1, 28, 28)).rows}
    encoder = [s for s in program(model) if s.part == "encoder"]
    assert len(encoder) == 13
    for s in encoder:
        assert s.geometry is not None
        assert (s.geometry.rf, s.geometry.rf) == rows[s.name].receptive_field == s.trace_field
        assert (s.geometry.jump, s.geometry.jump) == rows[s.name].effective_stride
    # NOTES.md: after the third pooling output i covers rows 8i − 7 … 8i + 14, clipped.
    last = encoder[-1].geometry
    assert last is not None
    assert [last.window(i, 28) for i in range(4)] == [(0, 14), (1, 22), (9, 27), (17, 27)]
    assert Geometry(1, 1, 0).then(3, 1, 1).window(0, 28) == (0, 1)


def _nonzero_rows_cols(model: Autoencoder, upto: int, c: int, i: int, j: int):
    """Input rows and columns with a non-zero gradient of one output, over 48 inputs."""
    steps = program(model)[: upto + 1]
    torch.manual_seed(1)
    x = torch.rand(48, 1, 28, 28, requires_grad=True)
    y, modules = x, dict(model.named_modules())
    for s in steps:
        y = modules[s.module](y)
        if s.op == "max_pool2d":
            y = y[0]
    y[:, c, i, j].sum().backward()
    assert x.grad is not None
    hit = (x.grad.abs() > 0).any(dim=0)[0]  # (28, 28)
    rows = torch.nonzero(hit.any(dim=1)).ravel().tolist()
    cols = torch.nonzero(hit.any(dim=0)).ravel().tolist()
    return rows, cols


@pytest.mark.parametrize("upto", [0, 1, 4, 5, 8, 9, 11, 12])
def test_window_holds_exactly_the_pixels_with_a_gradient(upto: int) -> None:
    model = model_for("fc")
    step = program(model)[upto]
    n = step.shape[-1]
    assert step.geometry is not None
    for i, j in {(0, 0), (n - 1, n - 1), (n // 2, 1), (1, n // 2)}:
        rows, cols = _nonzero_rows_cols(model, upto, 0, i, j)
        (r0, r1), (c0, c1) = step.geometry.window(i, 28), step.geometry.window(j, 28)
        assert rows == list(range(r0, r1 + 1)), (step.name, i, j)
        assert cols == list(range(c0, c1 + 1)), (step.name, i, j)


def test_program_refuses_what_it_cannot_run() -> None:
    with pytest.raises(ArgumentTypeError, match="need an Autoencoder"):
        program(torch.nn.Conv2d(1, 1, 3))  # type: ignore[arg-type]


def test_first_of_each_class() -> None:
    assert first_of_each_class([3, 1, 1, 0, 2, 3]) == [3, 1, 4, 0]


def test_packed_weights_are_the_models_rounded_to_float16() -> None:
    models = {name: model_for(name, seed=k) for k, name in enumerate(DECODERS)}
    rng = np.random.default_rng(0)
    levels = rng.integers(0, 256, size=(30, 1, 28, 28))
    images = (levels / 255).astype(np.float32)
    labels = np.arange(30) % 10
    meta, packed = export_data(models, images, labels)
    flat = unpack_weights(packed, meta["count"])
    assert meta["dtype"] == "float16"
    assert flat.dtype == np.float16
    for name, model in models.items():
        twin = rounded(model).state_dict()
        for key, (offset, shape) in meta["models"][name]["tensors"].items():
            got = flat[offset : offset + int(np.prod(shape))].reshape(shape)
            want = model.state_dict()[key].numpy()
            assert np.array_equal(got, want.astype(np.float16)), key
            assert np.array_equal(got.astype(np.float32), twin[key].numpy()), key
        assert meta["models"][name]["steps"] == [s.to_json() for s in program(model)]
    assert [d["index"] for d in meta["digits"]] == list(range(10))
    assert [d["label"] for d in meta["digits"]] == list(range(10))
    for d in meta["digits"]:
        pixels = (np.array(d["levels"]) / 255).astype(np.float32)
        assert np.array_equal(pixels, images[d["index"]].ravel())
    with pytest.raises(ArgumentError, match="grey levels"):
        export_data(models, images + 0.001, labels)
    with pytest.raises(ArgumentError, match="unknown decoders"):
        export_data({"wide": models["fc"]}, images, labels)


def test_the_script_sets_one_global_and_is_written_once(tmp_path) -> None:
    models = {"fc": model_for("fc")}
    images = np.zeros((10, 1, 28, 28), dtype=np.float32)
    path = tmp_path / "explorer.js"
    first = export_script(path, models, images, np.arange(10))
    stamp = path.stat().st_mtime_ns
    assert export_script(path, models, images, np.arange(10)) == first
    assert path.stat().st_mtime_ns == stamp  # unchanged content is not rewritten
    text = path.read_text()
    prefix = "window.layerguideExplorerData = "
    assert text.startswith(prefix)
    assert text.endswith(";\n")
    data = json.loads(text[len(prefix) : -2])
    flat = unpack_weights(weights_bytes(data["weights"], data["packed"]), data["count"])
    assert flat.size == sum(p.numel() for p in models["fc"].state_dict().values()
                            if p.is_floating_point())  # fmt: skip
