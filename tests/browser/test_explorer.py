"""The autoencoder explorer in the browser (issue 20), on the built site in both languages.

The reference is PyTorch running the models the page itself loaded: the site's one
``_shared/explorer/autoencoder.js`` is unpacked into ``build_autoencoder`` models (the same
float16-rounded weights), so every number the page shows can be recomputed here. The
tests pick digits, switch decoders, draw with real mouse events, choose cells with the
mouse and the keyboard, over http and from ``file://``, and check axe, the console,
requests to other hosts, reduced motion and the asset budget.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from playwright.sync_api import Browser, BrowserContext, Page, Route

from layerguide.autoencoder import DECODERS, AutoencoderConfig, build_autoencoder
from layerguide.autoencoder.export import unpack_weights, weights_bytes
from layerguide.autoencoder.models import Autoencoder
from layerguide.autoencoder.program import program, run_torch

HERE = Path(__file__).resolve().parent
LANGS = ("en", "ko")
PAGE = "explorer.html"
ROOT = '[data-explorer="autoencoder"]'
SHARED = Path("_shared") / "explorer" / "autoencoder.js"
ASSET_BUDGET = 3_000_000  # bytes, both languages together (MB = 10**6 bytes)
TOL = 1e-5


@functools.cache
def shared_data(site: Path) -> dict[str, Any]:
    text = (site / SHARED).read_text(encoding="utf-8")
    prefix = "window.layerguideExplorerData = "
    assert text.startswith(prefix)
    return json.loads(text[len(prefix) :].rstrip().rstrip(";"))


@functools.cache
def site_models(site: Path) -> dict[str, Autoencoder]:
    """build_autoencoder models holding the weights the page loaded (eval mode)."""
    data = shared_data(site)
    flat = unpack_weights(weights_bytes(data["weights"], data["packed"]), data["count"])
    models: dict[str, Autoencoder] = {}
    for name, spec in data["models"].items():
        model = build_autoencoder(AutoencoderConfig(decoder=name))
        state = {
            key: torch.from_numpy(
                flat[off : off + int(np.prod(shape))].astype(np.float32).reshape(shape)
            )
            for key, (off, shape) in spec["tensors"].items()
        }
        missing, unexpected = model.load_state_dict(state, strict=False)
        assert unexpected == []
        assert all(key.endswith("num_batches_tracked") for key in missing)
        models[name] = model.eval()
    return models


@pytest.fixture
def open_explorer(
    make_context: Callable[..., BrowserContext], browser: Browser, base_url: str, site: Path
) -> Iterator[Callable[..., Page]]:
    """Open the explorer page over http or from file://; console errors and requests to
    other hosts are checked when the test ends."""
    opened: list[tuple[Page, list[str], list[str]]] = []
    contexts: list[BrowserContext] = []

    def open_(lang: str, scheme: str = "http", **options: Any) -> Page:
        errors: list[str] = []
        blocked: list[str] = []
        if scheme == "http":
            context = make_context(blocked=[], **options)
            url = f"{base_url}{lang}/{PAGE}"
        else:
            context = browser.new_context(viewport={"width": 1400, "height": 900}, **options)
            contexts.append(context)

            def guard(route: Route) -> None:
                if route.request.url.startswith(("file://", "data:", "blob:", "about:")):
                    route.continue_()
                else:
                    blocked.append(route.request.url)
                    route.abort("blockedbyclient")

            context.route("**/*", guard)
            url = (site / lang / PAGE).as_uri()
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith((base_url, "file://", "data:", "blob:"))
                else blocked.append(r.url)
            ),
        )
        page.goto(url)
        page.wait_for_selector(f'{ROOT}[data-ready="true"]')
        opened.append((page, errors, blocked))
        return page

    yield open_
    for page, errors, blocked in opened:
        assert errors == [], f"console errors on {page.url}: {errors}"
        assert blocked == [], f"requests to other hosts from {page.url}: {blocked}"
    for context in contexts:
        context.close()


def values(page: Page, output: str, attr: str = "data-values") -> np.ndarray:
    text = page.get_attribute(f'{ROOT} [data-output="{output}"]', attr) or ""
    return np.array([float(v) for v in text.split(",")], dtype=np.float64)


def torch_outputs(model: Autoencoder, pixels: np.ndarray) -> dict[str, Any]:
    x = torch.from_numpy(pixels).reshape(1, 1, 28, 28).to(next(model.parameters()).dtype)
    with torch.no_grad():
        code = model.encode(x)
        logits = model.decode(code)
    return {
        "code": code.values.numpy().ravel(),
        "recon": torch.sigmoid(logits).numpy().ravel(),
        "bce": float(F.binary_cross_entropy_with_logits(logits, x)),
        "indices": [i.numpy().ravel() for i in code.indices],
    }


#: Near-ties of max pooling met on the way: (decoder, stage, channel·position, gap).
TIES: list[tuple[str, int, int, float]] = []


def reference(model: Autoencoder, decoder: str, pixels: np.ndarray) -> dict[str, Any]:
    """Torch's outputs for the page's input: float32, as the chapters run the model.

    The page computes in float64. When float32 torch and float64 torch pick different
    maxima in a pooling window, the two candidates are equal to float32's precision (a
    near-tie, checked here: the float64 gap is below 1e-6 of the value); max unpooling then
    puts the value in different places, and the page is compared with float64 torch,
    which it follows (to 1e-9 in test_every_intermediate_equals_torch_in_chromium).
    """
    want = torch_outputs(model, pixels.astype(np.float32))
    model64 = copy.deepcopy(model).double()
    want64 = torch_outputs(model64, pixels.astype(np.float32).astype(np.float64))
    flips = [
        (k, int(q))
        for k, (a, b) in enumerate(zip(want["indices"], want64["indices"], strict=True))
        for q in np.nonzero(a != b)[0]
    ]
    if not flips or decoder != "max_unpool":
        return want
    steps = program(model64)
    x = torch.from_numpy(pixels).reshape(1, 1, 28, 28)
    outs = run_torch(model64, steps, x)
    pools = [n for n, s in enumerate(steps) if s.op == "max_pool2d"]
    for k, q in flips:
        before = outs[pools[k] - 1][0].reshape(outs[pools[k] - 1].shape[1], -1)  # (C, H·W)
        c = q // (want["indices"][k].size // before.shape[0])
        a = float(before[c, want["indices"][k][q]])
        b = float(before[c, want64["indices"][k][q]])
        gap = abs(a - b)
        assert gap <= 1e-6 * max(1.0, abs(b)), (decoder, k, q, a, b)
        TIES.append((decoder, k, q, gap))
    return want64


def check_page_against_torch(page: Page, site: Path, decoder: str) -> np.ndarray:
    """The page's code, reconstruction, BCE and layer list against torch on its own input."""
    model = site_models(site)[decoder]
    pixels = values(page, "input")
    assert pixels.shape == (784,)
    # the input is what the network sees: float32 numbers in [0, 1]
    assert np.array_equal(pixels.astype(np.float32).astype(np.float64), pixels)
    assert pixels.min() >= 0
    assert pixels.max() <= 1
    want = reference(model, decoder, pixels)
    code = values(page, "code")
    assert code.shape == (128,)
    assert np.abs(code - want["code"]).max() <= TOL * max(1.0, np.abs(want["code"]).max())
    recon = values(page, "reconstruction")
    assert recon.shape == (784,)
    assert np.abs(recon - want["recon"]).max() <= TOL
    assert abs(values(page, "bce", "data-value")[0] - want["bce"]) <= TOL
    layers = page.eval_on_selector_all(
        f"{ROOT} [data-layer]", "els => els.map(e => [e.dataset.name, e.dataset.shape])"
    )
    steps = program(model)
    assert layers == [[s.name, "(" + ", ".join(map(str, s.shape)) + ")"] for s in steps]
    return pixels


def choose(page: Page, name: str, value: str) -> None:
    """Set a select's value and dispatch change, as the contract says."""
    page.eval_on_selector(
        f'{ROOT} select[name="{name}"]',
        "(el, v) => { el.value = v; el.dispatchEvent(new Event('change', {bubbles: true})); }",
        value,
    )


@pytest.mark.parametrize("scheme", ["http", "file"])
@pytest.mark.parametrize("lang", LANGS)
def test_digits_and_decoders_equal_torch(
    open_explorer: Callable[..., Page], site: Path, lang: str, scheme: str
) -> None:
    page = open_explorer(lang, scheme)
    data = shared_data(site)
    options = page.eval_on_selector_all(
        f'{ROOT} select[name="digit"] option', "els => els.map(e => e.value)"
    )
    assert options == [str(d["index"]) for d in data["digits"]]
    assert sorted(d["label"] for d in data["digits"]) == list(range(10))
    decoders = page.eval_on_selector_all(
        f'{ROOT} select[name="decoder"] option', "els => els.map(e => e.value)"
    )
    assert sorted(decoders) == sorted(DECODERS)
    digits = data["digits"] if (lang, scheme) == ("en", "http") else data["digits"][:3]
    for digit in digits:
        choose(page, "digit", str(digit["index"]))
        pixels = check_page_against_torch(page, site, page.eval_on_selector(
            f'{ROOT} select[name="decoder"]', "el => el.value"))  # fmt: skip
        expected = (np.array(digit["levels"]) / 255).astype(np.float32)
        assert np.array_equal(pixels, expected.astype(np.float64))
    for decoder in decoders:
        choose(page, "decoder", decoder)
        check_page_against_torch(page, site, decoder)
    # all five side by side, on the same input
    page.wait_for_selector(f'{ROOT}[data-compared="true"]')
    pixels = values(page, "input")
    for decoder in decoders:
        want = reference(site_models(site)[decoder], decoder, pixels)
        fig = f'{ROOT} [data-compare="{decoder}"]'
        shown, bce = page.get_attribute(fig, "data-values"), page.get_attribute(fig, "data-bce")
        assert shown is not None
        assert bce is not None
        got = np.array([float(v) for v in shown.split(",")])
        assert np.abs(got - want["recon"]).max() <= TOL
        assert abs(float(bce) - want["bce"]) <= TOL


def test_every_intermediate_equals_torch_in_chromium(
    open_explorer: Callable[..., Page], site: Path
) -> None:
    """The page's own forward function and models, every step, all five decoders."""
    page = open_explorer("en")
    data = shared_data(site)
    worst: dict[str, float] = {}
    for digit in data["digits"][:2]:
        pixels = (np.array(digit["levels"]) / 255).astype(np.float32)
        x = torch.from_numpy(pixels).reshape(1, 1, 28, 28)
        for name, model in site_models(site).items():
            outs = page.evaluate(
                """([name, pixels]) => {
                  const ex = document.querySelector('[data-explorer="autoencoder"]').layerguideExplorer;
                  const core = window.layerguideExplorerCore;
                  const m = ex.models[name];
                  return core.forward(m.steps, m.tensors, pixels).map(o => Array.from(o.data));
                }""",
                [name, pixels.astype(np.float64).tolist()],
            )
            steps = program(model)
            want = run_torch(model, steps, x)
            want64 = run_torch(copy.deepcopy(model).double(), steps, x.double())
            assert len(outs) == len(want)
            for step, got, w, w64 in zip(steps, outs, want, want64, strict=True):
                got = np.array(got)
                assert np.abs(got - w64.numpy().ravel()).max() <= 1e-9, step.name
                err = np.abs(got - w.numpy().ravel()).max()
                assert err <= TOL * max(1.0, float(w.abs().max())), (name, step.name, err)
                worst[name] = max(worst.get(name, 0.0), float(err))
    print("largest |JS − torch float32| per decoder:", worst)


def draw_stroke(page: Page, points: list[tuple[float, float]]) -> None:
    canvas = page.locator(f'{ROOT} canvas[data-input="draw"]')
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    at = [(box["x"] + x * box["width"], box["y"] + y * box["height"]) for x, y in points]
    page.mouse.move(*at[0])
    page.mouse.down()
    for x, y in at[1:]:
        page.mouse.move(x, y, steps=4)
    page.mouse.up()


@pytest.mark.parametrize(("lang", "scheme"), [("en", "http"), ("ko", "http"), ("ko", "file")])
def test_drawing_with_the_mouse(
    open_explorer: Callable[..., Page], site: Path, lang: str, scheme: str
) -> None:
    page = open_explorer(lang, scheme)
    before = values(page, "input")
    # a "7": a bar, then a long diagonal
    draw_stroke(page, [(0.3, 0.2), (0.7, 0.2), (0.45, 0.85)])
    page.wait_for_function(
        f"() => document.querySelector('{ROOT} [data-output=\"input\"]').dataset.values !== "
        f"{json.dumps(','.join(str(v) for v in before))}"
    )
    pixels = values(page, "input").reshape(28, 28)
    rows = np.nonzero(pixels.any(axis=1))[0]
    cols = np.nonzero(pixels.any(axis=0))[0]
    assert max(rows[-1] - rows[0], cols[-1] - cols[0]) + 1 == 20  # fitted into 20 × 20
    mass = pixels.sum()
    assert abs((pixels.sum(axis=1) * np.arange(28)).sum() / mass - 14) <= 0.5
    assert abs((pixels.sum(axis=0) * np.arange(28)).sum() / mass - 14) <= 0.5
    for decoder in ("transpose", "max_unpool", "fc"):
        choose(page, "decoder", decoder)
        assert np.array_equal(values(page, "input"), pixels.ravel())  # the drawing stays
        check_page_against_torch(page, site, decoder)
    print("max pooling near-ties met (decoder, stage, index, float64 gap):", TIES)
    page.locator(f'{ROOT} button[name="clear"]').click()
    assert np.array_equal(values(page, "input"), before)  # back to the chosen digit


def encoder_steps(site: Path) -> list[Any]:
    return [s for s in program(site_models(site)["transpose"]) if s.part == "encoder"]


def test_the_field_of_chosen_cells_is_the_layer_geometry(
    open_explorer: Callable[..., Page], site: Path
) -> None:
    page = open_explorer("en")
    steps = encoder_steps(site)
    assert len(steps) == 13
    for k, step in enumerate(steps):
        layer = page.locator(f'{ROOT} [data-layer="{k}"]')
        assert layer.get_attribute("tabindex") == "0"
        n = step.shape[-1]
        for c, i, j in {(0, 0, 0), (1, n - 1, n // 2), (2, n // 2, n - 1)}:
            canvas = layer.locator(f'[data-channel="{c}"] canvas')
            canvas.scroll_into_view_if_needed()
            box = canvas.bounding_box()
            assert box is not None
            page.mouse.click(box["x"] + (j + 0.5) * box["width"] / n,
                             box["y"] + (i + 0.5) * box["height"] / n)  # fmt: skip
            assert layer.get_attribute("data-cell") == f"{c},{i},{j}"
            field = page.locator(f'{ROOT} [data-output="field"]')
            assert field.get_attribute("data-rows") == "{},{}".format(*step.geometry.window(i, 28))
            assert field.get_attribute("data-cols") == "{},{}".format(*step.geometry.window(j, 28))
            text = field.text_content() or ""
            assert f"{step.trace_field[0]} × {step.trace_field[1]}" in text
        # only one layer carries a cell
        assert page.locator(f"{ROOT} [data-cell]").count() == 1


def test_keyboard_only(open_explorer: Callable[..., Page], site: Path) -> None:
    page = open_explorer("ko")
    steps = encoder_steps(site)
    page.locator(f'{ROOT} select[name="digit"]').focus()
    before = values(page, "input")
    page.keyboard.press("ArrowDown")  # the next digit
    assert not np.array_equal(values(page, "input"), before)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "decoder"
    page.keyboard.press("ArrowDown")
    check_page_against_torch(page, site, page.evaluate("document.activeElement.value"))
    for _ in range(40):  # tab on to the first encoder layer
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.layer !== undefined"):
            break
    assert page.evaluate("document.activeElement.dataset.layer") == "0"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # a visible focus ring
    page.keyboard.press("ArrowRight")  # the first press chooses cell (0, 0, 0)
    layer = page.locator(f'{ROOT} [data-layer="0"]')
    assert layer.get_attribute("data-cell") == "0,0,0"
    for key in ("ArrowRight", "ArrowRight", "ArrowDown", "PageDown"):
        page.keyboard.press(key)
    assert layer.get_attribute("data-cell") == "1,1,2"
    field = page.locator(f'{ROOT} [data-output="field"]')
    g = steps[0].geometry
    assert field.get_attribute("data-rows") == "{},{}".format(*g.window(1, 28))
    assert field.get_attribute("data-cols") == "{},{}".format(*g.window(2, 28))
    # a channel beyond the first eight shows them all
    for _ in range(9):
        page.keyboard.press("PageDown")
    assert page.locator(f'{ROOT} [data-layer="0"]').get_attribute("data-cell") == "10,1,2"
    assert page.evaluate("document.activeElement.dataset.layer") == "0"
    assert page.locator(f'{ROOT} [data-layer="0"] [data-channel="10"]').count() == 1


@pytest.mark.parametrize("lang", LANGS)
def test_axe_clean_after_use(open_explorer: Callable[..., Page], lang: str) -> None:
    axe = HERE / "node_modules" / "axe-core" / "axe.min.js"
    if not axe.is_file():
        pytest.fail("axe-core not found: run `npm ci --prefix tests/browser`", pytrace=False)
    page = open_explorer(lang)
    page.locator(f'{ROOT} [data-layer="5"] [data-channel="1"] canvas').click()
    page.locator(f'{ROOT} [data-layer="4"] [data-action="all"]').click()
    page.add_script_tag(path=str(axe))
    violations = page.evaluate(
        """async () => (await axe.run(document.querySelector('[data-explorer="autoencoder"]'),
             {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
              resultTypes: ["violations"]})).violations.map(v => v.id + ": " + v.help)"""
    )
    assert violations == []


def test_reduced_motion_is_respected(open_explorer: Callable[..., Page]) -> None:
    moving = open_explorer("en")
    still = open_explorer("en", reduced_motion="reduce")
    script = f"""() => {{
      const ex = document.querySelector('{ROOT}').layerguideExplorer;
      ex.choose(9, 0, 1, 1);
      return getComputedStyle(document.querySelector('{ROOT} .lg-ex-field')).transitionDuration;
    }}"""
    assert moving.evaluate(script).startswith("0.15s")
    # none at all, or the site's near-zero reduced-motion rule (0.01 ms)
    assert all(float(v.rstrip("s")) <= 1e-3 for v in still.evaluate(script).split(", "))


def test_assets_fit_the_budget(site: Path) -> None:
    """One copy of the models for both languages; everything the explorer adds ≤ 3 MB."""
    files = [site / SHARED]
    for lang in LANGS:
        files += [site / lang / "_static" / "explorer.js", site / lang / "_static" / "explorer.css"]
    sizes = {str(f.relative_to(site)): f.stat().st_size for f in files}
    print("explorer assets:", sizes, "total", sum(sizes.values()))
    assert sum(sizes.values()) <= ASSET_BUDGET, sizes
    copies = [p for p in site.rglob("*.js") if p.name == SHARED.name]
    assert copies == [site / SHARED]
    for lang in LANGS:
        html = (site / lang / PAGE).read_text(encoding="utf-8")
        assert '<script src="../_shared/explorer/autoencoder.js"></script>' in html
