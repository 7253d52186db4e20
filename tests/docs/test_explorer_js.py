"""The explorer's forward pass in JavaScript (docs/_static/explorer.js) equals PyTorch.

explorer.js runs under node on the data that ``layerguide.autoencoder.export`` writes for
the page (float16 weights, packed): every intermediate of every step, for all five decoders
and for inputs with many exact ties (a blank image, a digit on a blank background), must
equal :func:`~layerguide.autoencoder.program.run_torch` of the same model with the same
float16-rounded weights to 1e-5, the pooling indices exactly. The models here have
random weights and batch-norm statistics (no training needed); the trained models of the
chapters are checked the same way in the browser (tests/browser/test_explorer.py), and
also here when the build's cache already holds them.

Also: erf/GELU against float64 torch, BCE and sigmoid against torch, the receptive-field
window against :class:`~layerguide.autoencoder.program.Geometry`, and MNIST's
preprocessing of a drawing.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from layerguide.autoencoder import DECODERS, AutoencoderConfig, build_autoencoder
from layerguide.autoencoder.export import export_data, rounded
from layerguide.autoencoder.models import Autoencoder
from layerguide.autoencoder.program import Geometry, program, run_torch

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "docs" / "_static" / "explorer.js"
NODE = shutil.which("node")
TOL = 1e-5

pytestmark = pytest.mark.skipif(
    NODE is None, reason="node is not installed: the explorer's JavaScript cannot be run"
)

HARNESS = r"""
const ex = require(process.argv[1]);
let text = "";
process.stdin.on("data", (chunk) => { text += chunk; });
process.stdin.on("end", async () => {
  const job = JSON.parse(text);
  const out = {};
  if (job.data) {
    const weights = await ex.decodeWeights(job.data);
    out.passes = {};
    for (const name of Object.keys(job.data.models)) {
      const tensors = ex.modelTensors(job.data, weights, name);
      const steps = job.data.models[name].steps;
      out.passes[name] = job.inputs.map((pixels) => {
        const outs = ex.forward(steps, tensors, pixels);
        const logits = outs[outs.length - 1].data;
        return {
          outs: outs.map((o) => ({ shape: o.shape, data: Array.from(o.data) })),
          indices: Object.keys(outs.indices).sort().map((k) => Array.from(outs.indices[k])),
          bce: ex.bce(logits, pixels),
          recon: Array.from(logits, ex.sigmoid),
        };
      });
    }
  }
  if (job.gelu) out.gelu = job.gelu.map(ex.geluValue);
  if (job.erf) out.erf = job.erf.map(ex.erf);
  if (job.windows) out.windows = job.windows.map(([g, i]) => ex.fieldWindow(g, i, 28));
  if (job.drawings) {
    out.drawings = job.drawings.map((d) => Array.from(ex.prepareDrawing(d.ink, d.rows, d.cols)));
  }
  if (job.levels) out.levels = Array.from(ex.digitPixels(job.levels));
  process.stdout.write(JSON.stringify(out));
});
"""


def run_node(job: dict[str, Any]) -> dict[str, Any]:
    assert NODE is not None
    done = subprocess.run(
        [NODE, "-e", HARNESS, str(SCRIPT)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def random_models() -> dict[str, Autoencoder]:
    models: dict[str, Autoencoder] = {}
    for k, name in enumerate(DECODERS):
        torch.manual_seed(k)
        model = build_autoencoder(AutoencoderConfig(decoder=name))
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, torch.nn.BatchNorm2d):
                    assert m.running_mean is not None
                    assert m.running_var is not None
                    m.running_mean.uniform_(-0.5, 0.5)
                    m.running_var.uniform_(0.2, 3.0)
                    m.weight.uniform_(0.5, 1.5)
                    m.bias.uniform_(-0.3, 0.3)
        models[name] = model.eval()
    return models


def inputs() -> list[np.ndarray]:
    """A blank image (ties everywhere), a ring on a blank background, uniform noise."""
    blank = np.zeros((28, 28), dtype=np.float32)
    yy, xx = np.mgrid[:28, :28]
    radius = np.hypot(yy - 13.2, xx - 14.6)
    ring = np.clip(1.6 - np.abs(radius - 7.0), 0, 1)
    ring = (np.rint(ring * 255) / 255).astype(np.float32)  # grey levels, like MNIST
    noise = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    return [blank, ring, noise]


def check_passes(models: dict[str, Autoencoder], meta: dict, result: dict) -> dict[str, float]:
    """Every step's output, the indices, reconstruction and BCE: JS against torch.

    The page computes in float64. Against torch in float64 (same float16-rounded weights)
    every value agrees to 1e-9. Against torch as the chapters run it (float32), each
    step's values agree to 1e-5 of the step's scale, max(1, largest |value|): float32
    itself rounds logits near 25 in steps of 2e-6. The pooling indices are equal to both.
    Returns the largest float32 difference per decoder.
    """
    worst: dict[str, float] = {}
    for name, model in models.items():
        twin, twin64 = rounded(model), rounded(model).double()
        steps = program(model)
        assert meta["models"][name]["steps"] == [s.to_json() for s in steps]
        for x, got in zip(inputs(), result["passes"][name], strict=True):
            xt = torch.from_numpy(x).reshape(1, 1, 28, 28)
            outs, outs64 = run_torch(twin, steps, xt), run_torch(twin64, steps, xt.double())
            assert len(got["outs"]) == len(outs) == len(steps)
            for step, want, want64, js in zip(steps, outs, outs64, got["outs"], strict=True):
                assert [1, *js["shape"]] == list(want.shape), step.name
                values = np.array(js["data"])
                assert np.abs(values - want64.numpy().ravel()).max() <= 1e-9, (name, step.name)
                err = float(np.abs(values - want.numpy().ravel()).max())
                scale = max(1.0, float(want.abs().max()))
                assert err <= TOL * scale, (name, step.name, err, scale)
                worst[name] = max(worst.get(name, 0.0), err)
            for net in (twin, twin64):
                _, indices = net.encoder(xt.to(next(net.parameters()).dtype))
                for js_idx, want_idx in zip(got["indices"], indices, strict=True):
                    assert np.array_equal(np.array(js_idx), want_idx.numpy().ravel()), name
            logits = outs[-1]
            recon = torch.sigmoid(logits).numpy().ravel()
            assert np.abs(np.array(got["recon"]) - recon).max() <= TOL
            loss = float(F.binary_cross_entropy_with_logits(logits, xt))
            assert abs(got["bce"] - loss) <= TOL
    return worst


def job_for(models: dict[str, Autoencoder]) -> tuple[dict, dict]:
    labels = np.arange(10)
    images = np.zeros((10, 1, 28, 28), dtype=np.float32)
    meta, packed = export_data(models, images, labels)
    data = {**meta, "packed": len(packed), "weights": base64.b85encode(packed, pad=True).decode()}
    return meta, {"data": data, "inputs": [x.ravel().tolist() for x in inputs()]}


def test_every_intermediate_equals_torch_for_all_five_decoders() -> None:
    models = random_models()
    meta, job = job_for(models)
    worst = check_passes(models, meta, run_node(job))
    assert set(worst) == set(DECODERS)


def _cached_models() -> dict[str, Autoencoder] | None:
    """The chapters' trained models if the build's cache holds all five (no training)."""
    from layerguide.autoencoder._files import cache_dir
    from layerguide.autoencoder.cache import cache_key
    from layerguide.autoencoder.checkpoint import load_checkpoint
    from layerguide.autoencoder.train_config import PAGE_BUDGET

    built = ROOT / "docs" / "_build" / "cache"  # where `nox -s docs` caches them
    root = Path(os.environ["LAYERGUIDE_CACHE"]) if "LAYERGUIDE_CACHE" in os.environ else None
    root = root or (built if built.is_dir() else cache_dir())
    models = {}
    for name in DECODERS:
        config = AutoencoderConfig(decoder=name)
        path = root / "models" / f"{name}-{cache_key(config, PAGE_BUDGET, 'mnist-train')}.pt"
        if not path.is_file():
            return None
        models[name] = load_checkpoint(path, expect=config)[0].eval()
    return models


def test_the_chapters_trained_models_when_cached() -> None:
    models = _cached_models()
    if models is None:
        pytest.skip(
            "the build's cache has not got the five trained models (the browser test checks them)"
        )
    meta, job = job_for(models)
    check_passes(models, meta, run_node(job))


def test_float16_weights_cost_little() -> None:
    """The page's float16 weights against the chapters' float32 models, on 2,000 test digits."""
    models = _cached_models()
    if models is None:
        pytest.skip("the build's cache has not got the five trained models")
    from layerguide.autoencoder import load_mnist

    images = torch.from_numpy(load_mnist("test").images[:2000])
    for name, model in models.items():
        with torch.no_grad():
            full, half = model(images), rounded(model)(images)
        change = abs(
            float(F.binary_cross_entropy_with_logits(half, images))
            - float(F.binary_cross_entropy_with_logits(full, images))
        )
        assert change <= 1e-5, (name, change)


def test_erf_and_gelu_equal_float64_torch() -> None:
    grid = np.concatenate([np.linspace(-12, 12, 2001), [0.0, -0.0, 1e-9, -1e-9, 3.535, -3.536]])
    result = run_node({"gelu": grid.tolist(), "erf": grid.tolist()})
    t = torch.from_numpy(grid)
    assert np.abs(np.array(result["gelu"]) - F.gelu(t).numpy()).max() < 1e-13
    assert np.abs(np.array(result["erf"]) - torch.erf(t).numpy()).max() < 1e-14


def test_field_windows_equal_the_geometry() -> None:
    steps = [s for s in program(random_models()["fc"]) if s.part == "encoder"]
    cases: list[tuple[Geometry, int]] = []
    for s in steps:
        assert s.geometry is not None
        cases += [(s.geometry, i) for i in range(s.shape[-1])]
    got = run_node({"windows": [[vars(g), i] for g, i in cases]})["windows"]
    assert [tuple(w) for w in got] == [g.window(i, 28) for g, i in cases]


def test_digit_levels_are_mnists_float32_pixels() -> None:
    levels = list(range(256))
    got = np.array(run_node({"levels": levels})["levels"])
    assert np.array_equal(got, (np.arange(256) / 255).astype(np.float32).astype(np.float64))


def drawing(rows: int, cols: int, box: tuple[int, int, int, int]) -> np.ndarray:
    """A filled rectangle with a diagonal stroke, on a blank rows × cols drawing."""
    ink = np.zeros((rows, cols))
    r0, r1, c0, c1 = box
    ink[r0:r1, c0 : c0 + 8] = 1.0
    for k in range(r1 - r0):
        c = c0 + (c1 - c0) * k // (r1 - r0)
        ink[r0 + k, c : c + 6] = 0.5
    return ink


@pytest.mark.parametrize("box", [(40, 240, 120, 170), (10, 60, 20, 270), (0, 280, 0, 280)])
def test_a_drawing_is_prepared_like_mnist(box: tuple[int, int, int, int]) -> None:
    ink = drawing(280, 280, box)
    got = run_node({"drawings": [{"ink": ink.ravel().tolist(), "rows": 280, "cols": 280}]})
    image = np.array(got["drawings"][0]).reshape(28, 28)
    assert image.min() >= 0
    assert image.max() <= 1
    assert np.array_equal(image.astype(np.float32).astype(np.float64), image)  # float32 values
    rows = np.nonzero(image.any(axis=1))[0]
    cols = np.nonzero(image.any(axis=0))[0]
    h, w = rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1
    assert max(h, w) == 20  # fitted into 20 × 20, the longer side touches it
    ink_rows, ink_cols = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
    bh, bw = ink_rows[-1] - ink_rows[0] + 1, ink_cols[-1] - ink_cols[0] + 1
    assert abs(h / w - bh / bw) <= 0.15 * max(bh / bw, 1)  # aspect ratio kept
    mass = image.sum()
    cy = (image.sum(axis=1) * np.arange(28)).sum() / mass
    cx = (image.sum(axis=0) * np.arange(28)).sum() / mass
    # Centred by centre of mass, unless that would push ink out of the 28 × 28 field.
    assert abs(cy - 14) <= 0.5 or rows[0] == 0 or rows[-1] == 27
    assert abs(cx - 14) <= 0.5 or cols[0] == 0 or cols[-1] == 27
    assert abs(cy - 14) <= 0.5 or abs(cx - 14) <= 0.5
    blank = run_node({"drawings": [{"ink": [0] * 100, "rows": 10, "cols": 10}]})["drawings"][0]
    assert blank == [0] * 784


def load_extension() -> Any:
    import importlib.util
    import sys

    path = ROOT / "docs" / "_ext" / "explorer.py"
    spec = importlib.util.spec_from_file_location("explorer", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_markup_holds_the_contract(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import re

    from layerguide.i18n import section

    ext = load_extension()
    monkeypatch.setattr(ext, "digits", lambda: ((3, 0), (2, 1), (1, 2)))
    html = ext.explorer_html("lg-ex-9", lang, "../_shared/explorer/autoencoder.js")
    assert 'data-explorer="autoencoder"' in html
    assert f'lang="{lang}"' in html
    for needle in ('select id="lg-ex-9-digit" name="digit"', 'name="decoder"',
                   'canvas data-input="draw"', 'button type="button" name="clear"',
                   'data-output="input"', 'data-output="code"', 'data-output="reconstruction"',
                   'data-output="bce"', 'data-output="field"'):  # fmt: skip
        assert needle in html, needle
    assert re.findall(r'<option value="(\d+)"', html) == ["3", "2", "1"]
    assert re.findall(r'<option value="([a-z_]+)"', html) == list(ext.DECODER_ORDER)
    assert set(ext.DECODER_ORDER) == set(DECODERS)
    for control in ("digit", "decoder"):
        assert f'<label for="lg-ex-9-{control}">' in html
    found = re.search(r"data-explorer-data>(.*?)</script>", html)
    assert found is not None
    payload = json.loads(found.group(1))
    assert payload["strings"] == section(lang, "explorer")
    assert '<script src="../_shared/explorer/autoencoder.js"></script>' in html


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_numbers_in_the_words_are_the_models(lang: str) -> None:
    """The page's prose and the explorer's words quote the model's own sizes."""
    from layerguide.i18n import section

    steps = program(random_models()["transpose"])
    pools = [s.shape[-1] for s in steps if s.op == "max_pool2d"]
    code = next(s.shape for s in steps if s.args.get("code"))
    sizes = [28, *pools]
    assert sizes == [28, 14, 7, 4]
    words = section(lang, "explorer")
    assert " → ".join(map(str, sizes)) in words["encoder"]
    c, h, w = code[1:]
    assert f"{c}" in words["code"]
    assert f"{h} × {w}" in words["code"]
    assert f"{c * h * w}" in words["code"]
    prose = (ROOT / "docs" / lang / "explorer.md").read_text(encoding="utf-8")
    for n in sizes[:3]:
        assert f"{n} × {n}" in prose
    assert f"{c} × {h} × {w} = {c * h * w}" in prose
    assert "20 × 20" in words["input_drawn"]  # prepareDrawing's box (tested above)
