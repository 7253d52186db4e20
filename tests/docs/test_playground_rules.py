"""The convolution playground (docs/_ext/conv_playground.py + _static/playground.js).

The page does its shape arithmetic and its filtering in JavaScript; these tests run that
JavaScript under node and compare it with layerguide's own layers:

- ``outputShape`` against ``Conv2d``, ``MaxPool2d`` and ``ConvTranspose2d.output_shape`` on
  thousands of settings — valid ones (same H and W) and invalid ones (the same rule refused,
  on the same axis or argument);
- every error message, in both languages, filled in without holes, NaN or negative numbers;
- ``convolve2d`` against ``layerguide.kernels.apply_kernel`` for every preset;
- the directive's markup against the contract of issue 11.
"""

from __future__ import annotations

import base64
import importlib.util
import itertools
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from layerguide.errors import ArgumentError, ArgumentTypeError
from layerguide.i18n import LANGS, section
from layerguide.kernels import KERNEL_ORDER, KERNELS, apply_kernel, grey_photo
from layerguide.layers import Conv2d, ConvTranspose2d, MaxPool2d

ROOT = Path(__file__).resolve().parents[2]
EXT = ROOT / "docs" / "_ext" / "conv_playground.py"
SCRIPT = ROOT / "docs" / "_static" / "playground.js"
NODE = shutil.which("node")

needs_node = pytest.mark.skipif(
    NODE is None, reason="node is not installed: the playground's JavaScript cannot be run"
)


def load_extension() -> ModuleType:
    spec = importlib.util.spec_from_file_location("conv_playground", EXT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


pg = load_extension()

# Runs playground.js as node module; reads a job from stdin, answers in JSON.
HARNESS = r"""
const pg = require(process.argv[1]);
let text = "";
process.stdin.on("data", (chunk) => { text += chunk; });
process.stdin.on("end", () => {
  const job = JSON.parse(text);
  const shapes = job.settings.map(([mode, st]) => pg.outputShape(mode, st));
  const messages = {};
  for (const lang of Object.keys(job.strings)) {
    messages[lang] = shapes.map((r) => (r.ok ? null : pg.describe(r.error, job.strings[lang],
                                                                   job.limits)));
  }
  const conv = job.convolutions.map((c) => {
    const r = pg.convolve2d(c.image, c.h, c.w, c.kernel, c.kh, c.kw, c.stride, c.padding);
    return r && { h: r.h, w: r.w, data: Array.from(r.data) };
  });
  process.stdout.write(JSON.stringify({ shapes, messages, conv }));
});
"""

MODES = ("conv", "pool", "transpose")
LAYER_ARG = {"kernel_size": "kernel"}  # Python argument name → playground control name


# ----------------------------------------------------------------------------- Python side


def python_shape(mode: str, st: dict[str, Any]) -> dict[str, Any]:
    """What layerguide's layer says about these settings, in the playground's terms."""
    try:
        if mode == "conv":
            layer: Any = Conv2d(1, 1, st["kernel"], stride=st["stride"], padding=st["padding"],
                                dilation=st["dilation"], bias=False)  # fmt: skip
        elif mode == "pool":
            layer = MaxPool2d(
                st["kernel"], stride=st["stride"], padding=st["padding"], dilation=st["dilation"]
            )
        else:
            layer = ConvTranspose2d(1, 1, st["kernel"], stride=st["stride"],
                                    padding=st["padding"], output_padding=st["output_padding"],
                                    dilation=st["dilation"], bias=False)  # fmt: skip
        _, _, h, w = layer.output_shape((1, 1, st["height"], st["width"]))
    except (ArgumentError, ArgumentTypeError) as error:
        return {"ok": False, **classify(str(error))}
    return {"ok": True, "h": h, "w": w}


def classify(message: str) -> dict[str, Any]:
    """The rule (and axis or argument) a layer's error message names."""
    patterns = [
        (r"output ([HW]) would be", "transpose_empty", "axis"),
        (r": (\w+) must be an int", "integer", "arg"),
        (r": (\w+) must be >=? 0", "minimum", "arg"),
        (r"at most half the kernel_size \(([HW]):", "pool_padding", "axis"),
        (r"larger than padded input .*\(([HW])=", "kernel_too_large", "axis"),
        (r"along ([HW]) lies entirely in the padding", "empty_window", "axis"),
        (r"output_padding \d+ must be smaller .*\(axis ([HW])\)", "output_padding", "axis"),
    ]
    for pattern, rule, key in patterns:
        m = re.search(pattern, message)
        if m:
            value = LAYER_ARG.get(m.group(1), m.group(1))
            return {"rule": rule, key: value}
    raise AssertionError(f"unclassified layer error: {message}")


def js_summary(result: dict[str, Any]) -> dict[str, Any]:
    if result["ok"]:
        return {"ok": True, "h": result["h"], "w": result["w"]}
    error = result["error"]
    key = "arg" if error["rule"] in ("integer", "minimum") else "axis"
    return {"ok": False, "rule": error["rule"], key: error[key]}


# ----------------------------------------------------------------------------- settings


def generated_settings() -> list[tuple[str, dict[str, Any]]]:
    """A full grid of small settings (where most refusals live) plus random ones."""
    found: list[tuple[str, dict[str, Any]]] = []
    rng = np.random.default_rng(11)
    for mode in MODES:
        ops = range(3) if mode == "transpose" else (0,)
        grid = itertools.product(range(1, 7), range(1, 6), range(1, 4), range(4), range(1, 4), ops)
        for n, k, s, p, d, op in grid:
            width = int(rng.integers(1, 13))
            found.append((mode, {"height": n, "width": width, "kernel": k, "stride": s,
                                 "padding": p, "dilation": d, "output_padding": op}))  # fmt: skip
    for _ in range(3000):
        mode = MODES[int(rng.integers(3))]
        small = rng.random() < 0.5
        st: dict[str, Any] = {
            "height": int(rng.integers(1, 9 if small else 65)),
            "width": int(rng.integers(1, 9 if small else 65)),
            "kernel": int(rng.integers(1, 12)),
            "stride": int(rng.integers(1, 6)),
            "padding": int(rng.integers(0, 6)),
            "dilation": int(rng.integers(1, 5)),
            "output_padding": int(rng.integers(0, 5)),
        }
        roll = rng.random()
        if roll < 0.06:  # an argument below its minimum
            name = ["kernel", "stride", "padding", "dilation", "output_padding"][
                int(rng.integers(5))
            ]
            st[name] = pg.LIMITS[name][0] - 1
        elif roll < 0.08:  # not a whole number
            name = ["kernel", "stride", "padding", "dilation", "output_padding"][
                int(rng.integers(5))
            ]
            st[name] = st[name] + 0.5
        found.append((mode, st))
    return found


SETTINGS = generated_settings()


def run_node(convolutions: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    assert NODE is not None
    job = {
        "settings": SETTINGS,
        "strings": {lang: section(lang, "playground") for lang in LANGS},
        "limits": {**pg.LIMITS, **pg.GALLERY_LIMITS},
        "convolutions": convolutions or [],
    }
    result = subprocess.run(
        [NODE, "-e", HARNESS, str(SCRIPT)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def node_results() -> dict[str, Any]:
    return run_node()


# ----------------------------------------------------------------------------- the tests


@needs_node
def test_js_shape_rules_agree_with_the_layers(node_results: dict[str, Any]) -> None:
    shapes = node_results["shapes"]
    assert len(shapes) == len(SETTINGS)
    mismatches = []
    for (mode, st), js in zip(SETTINGS, shapes, strict=True):
        expected, got = python_shape(mode, st), js_summary(js)
        if expected != got:
            mismatches.append((mode, st, expected, got))
    assert mismatches == [], f"{len(mismatches)} disagreements, first: {mismatches[:3]}"


def test_the_settings_cover_every_rule() -> None:
    """Enough settings, and every way to be refused, in every mode that has it."""
    outcomes = [python_shape(mode, st) for mode, st in SETTINGS]
    assert len(SETTINGS) >= 2000
    invalid = [o for o in outcomes if not o["ok"]]
    assert len(invalid) >= 500
    assert len(outcomes) - len(invalid) >= 1000
    seen = {(mode, o.get("rule")) for (mode, _), o in zip(SETTINGS, outcomes, strict=True)}
    for mode in MODES:
        assert (mode, None) in seen  # valid settings
        for rule in ("integer", "minimum"):
            assert (mode, rule) in seen
    assert ("conv", "kernel_too_large") in seen
    assert ("pool", "kernel_too_large") in seen
    assert ("pool", "pool_padding") in seen
    assert ("pool", "empty_window") in seen
    assert ("transpose", "output_padding") in seen
    assert ("transpose", "transpose_empty") in seen
    axes = {o.get("axis") for o in invalid}
    assert {"H", "W"} <= axes  # width-only failures are reported on W


@needs_node
def test_error_messages_are_complete_in_both_languages(node_results: dict[str, Any]) -> None:
    shapes = node_results["shapes"]
    for lang, messages in node_results["messages"].items():
        for js, message in zip(shapes, messages, strict=True):
            if js["ok"]:
                assert message is None
                continue
            assert message, js
            assert not re.search(r"\{\w+\}|NaN|undefined|null|Infinity", message), message
            assert not re.search(r"[-−]\d", message), f"negative number in {message!r}"
            if lang == "ko":
                assert re.search(r"[\uac00-\ud7a3]", message), message


def test_strings_tables_match() -> None:
    en, ko = section("en", "playground"), section("ko", "playground")
    assert set(en) == set(ko)
    fields = re.compile(r"\{(\w+)\}")
    for key in en:
        assert set(fields.findall(en[key])) == set(fields.findall(ko[key])), key
        assert en[key], key
        assert ko[key], key
    for rule in ("kernel_too_large", "pool_padding", "empty_window", "output_padding",
                 "transpose_empty"):  # fmt: skip
        assert "Rule:" in en[f"err_{rule}"]  # every refusal names its rule
        assert "규칙:" in ko[f"err_{rule}"]
    assert {"err_integer", "err_range"} <= set(en)


@needs_node
def test_js_filter_equals_conv2d_for_every_preset() -> None:
    photo = grey_photo(pg.PHOTO_SIZE)
    cases = [(name, s, p) for name in KERNEL_ORDER for s, p in ((1, 0), (1, 1), (2, 1), (5, 5))]
    cases.append(("custom", 3, 2))
    custom = np.array([[0.5, -1.25, 3.0], [2.0, 0.0, -0.75], [1e-3, 4.0, -2.5]], np.float32)
    convolutions = [
        {"image": photo.ravel().tolist(), "h": 60, "w": 60,
         "kernel": (KERNELS[name] if name != "custom" else custom).ravel().tolist(),
         "kh": 3, "kw": 3, "stride": s, "padding": p}
        for name, s, p in cases
    ]  # fmt: skip
    got = run_node(convolutions)["conv"]
    for (name, s, p), js in zip(cases, got, strict=True):
        kernel = KERNELS[name] if name != "custom" else custom
        expected = apply_kernel(photo, kernel, stride=s, padding=p)
        values = np.array(js["data"]).reshape(js["h"], js["w"])
        assert values.shape == expected.shape, (name, s, p)
        np.testing.assert_allclose(values, expected, rtol=0, atol=1e-5, err_msg=name)


def test_photo_payload_is_the_chapter_photo() -> None:
    payload = pg.photo_payload()
    values = np.frombuffer(base64.b64decode(payload["float32"]), dtype="<f4")
    assert (payload["h"], payload["w"]) == (60, 60)
    np.testing.assert_array_equal(values.reshape(60, 60), grey_photo(60))


def test_page_kernels_are_the_package_kernels() -> None:
    data = pg.page_data("en")
    assert list(data["kernels"]) == list(KERNEL_ORDER)
    for name, rows in data["kernels"].items():
        np.testing.assert_array_equal(np.array(rows, np.float32), KERNELS[name])


class _Markup(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("mode", MODES)
def test_markup_follows_the_contract(lang: str, mode: str) -> None:
    html = pg.playground_html("lg-pg-1", lang, mode, gallery=True)
    parser = _Markup()
    parser.feed(html)
    tags = parser.tags
    roots = [a for t, a in tags if a.get("data-playground") == "conv"]
    assert len(roots) == 1
    assert roots[0]["lang"] == lang
    controls = {a["name"]: (t, a) for t, a in tags if t in ("input", "select") and a.get("name")}
    for name in ("mode", "height", "width", "kernel", "stride", "padding", "dilation",
                 "output_padding"):  # fmt: skip
        assert name in controls, name
    assert controls["mode"][0] == "select"
    options = [a for t, a in tags if t == "option" and a.get("value") in MODES]
    assert [a["value"] for a in options] == list(MODES)
    assert [a["value"] for a in options if "selected" in a] == [mode]
    labelled = {a["for"] for t, a in tags if t == "label"}
    for control, (_, attrs) in controls.items():
        assert attrs.get("id") in labelled or attrs.get("aria-label"), f"{control} has no label"
    outputs = {a.get("data-output"): a for _, a in tags if a.get("data-output")}
    assert outputs["shape"]["data-h"] == outputs["shape"]["data-w"] == ""
    assert "hidden" in outputs["error"]
    assert pg.START[mode]["height"] == int(controls["height"][1]["value"] or 0)


def test_markup_without_gallery_and_unique_ids() -> None:
    a = pg.playground_html("lg-pg-1", "en", "transpose", gallery=False)
    b = pg.playground_html("lg-pg-2", "en", "conv", gallery=True)
    assert 'name="preset"' not in a
    assert 'name="preset"' in b
    ids = re.findall(r'\bid="([^"]+)"', a + b)
    assert len(ids) == len(set(ids))


def test_json_block_cannot_end_the_script_early() -> None:
    assert pg._json_for_script({"x": "</script><b>&"}) == '{"x":"<\\/script><b>\\u0026"}'
