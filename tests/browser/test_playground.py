"""The convolution playground in the browser (issue 11), on the built site in both languages.

Drives the controls the way a reader does (fill, select, keyboard, click) and reads the
contract's outputs: ``[data-output="shape"]`` (data-h, data-w), ``[data-output="error"]`` and
the kernel gallery's values, which must equal layerguide's Conv2d to 1e-5.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page

from layerguide.errors import ArgumentError
from layerguide.kernels import KERNEL_ORDER, KERNELS, apply_kernel, grey_photo
from layerguide.layers import Conv2d, ConvTranspose2d, MaxPool2d

LANGS = ("en", "ko")
CHAPTERS = {"conv": "auto_examples/plot_03_convolution.html",
            "transpose": "auto_examples/plot_06_decoders.html"}  # fmt: skip
ROOT = '[data-playground="conv"]'
HANGUL = re.compile(r"[\uac00-\ud7a3]")
FIELDS = ("height", "width", "kernel", "stride", "padding", "dilation", "output_padding")


@pytest.fixture
def open_page(
    make_context: Callable[..., BrowserContext], base_url: str
) -> Iterator[Callable[..., Page]]:
    """Open a chapter in a fresh context; console errors and blocked requests are checked
    when the test ends."""
    opened: list[tuple[Page, list[str], list[tuple[str, str]]]] = []

    def open_(lang: str, mode: str = "conv", **options: Any) -> Page:
        errors: list[str] = []
        blocked: list[tuple[str, str]] = []
        page = make_context(blocked=blocked, **options).new_page()
        page.set_default_timeout(15_000)
        page.on("console", lambda m: _record_console(m, errors))
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
        page.goto(f"{base_url}{lang}/{CHAPTERS[mode]}")
        page.wait_for_function(f"() => document.querySelector('{ROOT}').layerguidePlayground")
        opened.append((page, errors, blocked))
        return page

    yield open_
    for page, errors, blocked in opened:
        assert errors == [], f"console errors on {page.url}: {errors}"
        assert blocked == [], f"requests to other hosts from {page.url}: {blocked}"


def _record_console(message: ConsoleMessage, errors: list[str]) -> None:
    if message.type == "error":
        errors.append(message.text)


def expected_shape(mode: str, st: dict[str, int]) -> tuple[int, int] | None:
    """(H_out, W_out) from layerguide's layer, or None if the layer refuses."""
    try:
        if mode == "conv":
            layer: Any = Conv2d(1, 1, st["kernel"], st["stride"], st["padding"], st["dilation"])
        elif mode == "pool":
            layer = MaxPool2d(st["kernel"], st["stride"], st["padding"], st["dilation"])
        else:
            layer = ConvTranspose2d(1, 1, st["kernel"], st["stride"], st["padding"],
                                    st["output_padding"], dilation=st["dilation"])  # fmt: skip
        _, _, h, w = layer.output_shape((1, 1, st["height"], st["width"]))
    except ArgumentError:
        return None
    return h, w


def set_controls(page: Page, mode: str, values: Mapping[str, int | str]) -> None:
    root = page.locator(ROOT).first
    root.locator('[name="mode"]').select_option(mode)
    for name, value in values.items():
        if name == "output_padding" and mode != "transpose":
            continue  # hidden (and ignored) outside the transposed mode
        root.locator(f'[name="{name}"]').fill(str(value))


def read_shape(page: Page) -> tuple[str, str, bool, str]:
    root = page.locator(ROOT).first
    shape = root.locator('[data-output="shape"]')
    error = root.locator('[data-output="error"]')
    return (
        shape.get_attribute("data-h") or "",
        shape.get_attribute("data-w") or "",
        error.is_visible(),
        error.text_content() or "",
    )


def settings(values: tuple[int, ...]) -> dict[str, int]:
    return dict(zip(FIELDS, values, strict=True))


VALID = [
    ("conv", (28, 28, 5, 1, 2, 1, 0)),
    ("conv", (7, 9, 3, 2, 0, 2, 0)),
    ("conv", (64, 40, 11, 5, 5, 4, 0)),
    ("pool", (28, 28, 2, 2, 0, 1, 0)),
    ("pool", (7, 5, 3, 2, 1, 1, 0)),
    ("transpose", (4, 4, 3, 2, 1, 1, 1)),
    ("transpose", (7, 5, 4, 2, 1, 1, 0)),
    ("transpose", (1, 3, 2, 3, 0, 2, 1)),
]
# (mode, settings, words of the rule's message in en and ko)
INVALID = [
    ("conv", (3, 3, 5, 1, 0, 1, 0), ("fit in the padded input", "패딩을 더한 입력 안에")),
    ("conv", (9, 2, 3, 1, 0, 1, 0), ("along the width", "너비 방향")),
    ("pool", (8, 8, 3, 1, 2, 1, 0), ("at most half the kernel size", "절반")),
    ("pool", (2, 2, 2, 1, 1, 3, 0), ("every window must touch the input", "모든 창이 입력에")),
    (
        "transpose",
        (4, 4, 3, 2, 1, 1, 2),
        ("smaller than the stride", "스트라이드(2)나 팽창(1)보다"),
    ),
    ("transpose", (1, 1, 1, 1, 3, 1, 0), ("2 × padding must be smaller", "2 × 패딩이")),
]


@pytest.mark.parametrize("lang", LANGS)
def test_shapes_follow_the_layers(open_page: Callable[..., Page], lang: str) -> None:
    page = open_page(lang)
    for mode, values in VALID:
        st = settings(values)
        set_controls(page, mode, st)
        expected = expected_shape(mode, st)
        assert expected is not None
        h, w, error_visible, _ = read_shape(page)
        assert (int(h), int(w)) == expected, (mode, st)
        assert not error_visible
        text = page.locator(f'{ROOT} [data-output="shape"]').text_content()
        assert text == f"{expected[0]} × {expected[1]}"
        formula = page.locator(f'{ROOT} [data-output="formula"]').text_content() or ""
        assert formula.rstrip().endswith(f"= {expected[1]}")


@pytest.mark.parametrize("lang", LANGS)
def test_invalid_settings_show_the_rule(open_page: Callable[..., Page], lang: str) -> None:
    page = open_page(lang)
    for mode, values, words in INVALID:
        st = settings(values)
        assert expected_shape(mode, st) is None  # the layer refuses it too
        set_controls(page, mode, st)
        h, w, error_visible, message = read_shape(page)
        assert (h, w) == ("", ""), (mode, st)
        assert error_visible
        assert words[LANGS.index(lang)] in message, message
        assert ("규칙:" if lang == "ko" else "Rule:") in message
        assert not re.search(r"NaN|undefined|[-−]\d", message), message
        for action in ("prev", "next", "play"):  # nothing to step through
            assert page.locator(f'{ROOT} [data-action="{action}"]').is_disabled()
        # Back to a valid setting: the error goes away.
        set_controls(page, "conv", settings((8, 8, 3, 1, 1, 1, 0)))
        assert read_shape(page) == ("8", "8", False, "")
        assert page.locator(f'{ROOT} [data-action="next"]').is_enabled()
    # Values outside the controls' range or not whole numbers are named, too.
    set_controls(page, "conv", {"height": 65})
    h, _, error_visible, message = read_shape(page)
    assert h == ""
    assert error_visible
    assert ("입력 높이" if lang == "ko" else "Input height") in message
    assert "64" in message
    set_controls(page, "conv", {"height": 8, "stride": "1.5"})
    assert read_shape(page)[:3] == ("", "", True)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("mode", ["conv", "transpose"])
def test_chapter_shows_its_mode_in_its_language(
    open_page: Callable[..., Page], lang: str, mode: str
) -> None:
    page = open_page(lang, mode)
    roots = page.locator(ROOT)
    assert roots.count() == 1
    root = roots.first
    assert root.get_attribute("lang") == lang
    assert root.locator('[name="mode"]').input_value() == mode
    assert root.locator('[data-field="output_padding"]').is_visible() == (mode == "transpose")
    assert (root.locator('[name="preset"]').count() == 1) == (mode == "conv")
    for name in ("mode", *FIELDS):
        control = root.locator(f'[name="{name}"]')
        label = root.locator(f'label[for="{control.get_attribute("id")}"]').text_content() or ""
        assert label.strip(), name
        assert bool(HANGUL.search(label)) == (lang == "ko"), (name, label)
    st = {name: int(root.locator(f'[name="{name}"]').input_value()) for name in FIELDS}
    expected = expected_shape(mode, st)
    assert expected is not None
    assert read_shape(page)[:2] == (str(expected[0]), str(expected[1]))
    position = root.locator('[data-output="position"]').text_content() or ""
    assert position
    assert bool(HANGUL.search(position)) == (lang == "ko")


def test_transposed_mode_matches_chapter_6(open_page: Callable[..., Page]) -> None:
    """4 → 8 at kernel 3, stride 2, padding 1, output padding 1; a cell receives 1, 2 or 4."""
    page = open_page("en", "transpose")
    assert read_shape(page)[:2] == ("8", "8")
    canvas = page.locator(f'{ROOT} [data-canvas="output"]')
    position = page.locator(f'{ROOT} [data-output="position"]')
    seen = {}
    for r, c in [(2, 2), (2, 3), (3, 3)]:
        box = canvas.bounding_box()
        assert box is not None
        canvas.click(
            position={"x": (c + 0.5) * box["width"] / 8, "y": (r + 0.5) * box["height"] / 8}
        )
        seen[(r, c)] = position.text_content()
    assert seen[(2, 2)] == "Output row 2, column 2 receives values from input rows 1; columns 1."
    assert seen[(2, 3)] == "Output row 2, column 3 receives values from input rows 1; columns 1, 2."
    assert seen[(3, 3)] == (
        "Output row 3, column 3 receives values from input rows 1, 2; columns 1, 2."
    )


def _gallery_values(page: Page) -> tuple[np.ndarray | None, str, str]:
    out = page.locator(f'{ROOT} [data-output="gallery"]')
    values = out.evaluate("el => el.layerguideValues ? Array.from(el.layerguideValues) : null")
    h, w = out.get_attribute("data-h") or "", out.get_attribute("data-w") or ""
    if values is None:
        return None, h, w
    return np.array(values).reshape(int(h), int(w)), h, w


def _page_photo(page: Page) -> np.ndarray:
    text = page.locator(f"{ROOT} script[data-playground-data]").text_content()
    photo = json.loads(text or "{}")["photo"]
    values = np.frombuffer(base64.b64decode(photo["float32"]), dtype="<f4")
    return values.reshape(photo["h"], photo["w"])


@pytest.mark.parametrize("lang", LANGS)
def test_kernel_gallery_equals_conv2d(open_page: Callable[..., Page], lang: str) -> None:
    page = open_page(lang)
    photo = _page_photo(page)
    np.testing.assert_array_equal(photo, grey_photo(60))  # chapter 3's photo
    root = page.locator(ROOT).first
    checked = 0
    for i, name in enumerate(KERNEL_ORDER):
        stride, padding = [(1, 0), (1, 1), (2, 1), (3, 2), (5, 5)][i % 5]
        root.locator('[name="preset"]').select_option(name)
        root.locator('[name="gallery_stride"]').fill(str(stride))
        root.locator('[name="gallery_padding"]').fill(str(padding))
        values, _, _ = _gallery_values(page)
        expected = apply_kernel(photo, KERNELS[name], stride=stride, padding=padding)
        assert values is not None
        assert values.shape == expected.shape, name
        np.testing.assert_allclose(values, expected, rtol=0, atol=1e-5, err_msg=name)
        checked += 1
    assert checked == 8
    # A kernel the reader types (fractions allowed): the preset menu says "custom".
    root.locator('[name="gallery_stride"]').fill("5")
    root.locator('[name="gallery_padding"]').fill("5")
    typed = [["1/8", "0", "-0.5"], ["2", "−1", "0.25"], ["0", "3", "-1"]]
    for r, row in enumerate(typed):
        for c, text in enumerate(row):
            root.locator(f'[name="k{r}{c}"]').fill(text)
    assert root.locator('[name="preset"]').input_value() == "custom"
    kernel = np.array([[1 / 8, 0, -0.5], [2, -1, 0.25], [0, 3, -1]])
    values, _, _ = _gallery_values(page)
    expected = apply_kernel(photo.astype(np.float64), kernel, stride=5, padding=5)
    assert values is not None
    np.testing.assert_allclose(values, expected, rtol=0, atol=1e-5)
    # A cell that is not a number: a message, no values.
    root.locator('[name="k11"]').fill("x")
    values, h, w = _gallery_values(page)
    assert (values, h, w) == (None, "", "")
    error = root.locator('[data-output="gallery-error"]')
    assert error.is_visible()
    assert ("2행 2열" if lang == "ko" else "row 2, column 2") in (error.text_content() or "")


def test_keyboard_operation(open_page: Callable[..., Page]) -> None:
    page = open_page("en")
    root = page.locator(ROOT).first
    height = root.locator('[name="height"]')
    height.focus()
    page.keyboard.press("ArrowUp")  # a number field steps with the arrow keys
    assert height.input_value() == "8"
    assert read_shape(page)[:2] == ("6", "5")  # 8 × 7 input, kernel 3
    # Tab reaches the next control, and the focus ring is visible.
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.name")
    assert focused == "width"
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] != "none"
    assert outline[1] >= 2
    # The layer menu works from the keyboard.
    mode = root.locator('[name="mode"]')
    mode.focus()
    page.keyboard.press("ArrowDown")
    assert mode.input_value() == "pool"
    page.keyboard.press("ArrowUp")
    assert mode.input_value() == "conv"
    # The output grid: arrow keys move the chosen cell.
    position = root.locator('[data-output="position"]')
    root.locator('[data-canvas="output"]').focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    assert position.text_content() == "Output row 1, column 1 reads input rows 1–3; columns 1–3."
    page.keyboard.press("End")
    assert (position.text_content() or "").startswith("Output row 5, column 4 ")
    # The step buttons answer Enter and Space.
    root.locator('[data-action="next"]').focus()
    page.keyboard.press("Enter")
    assert (position.text_content() or "").startswith("Output row 0, column 0 ")
    page.keyboard.press("Space")
    assert (position.text_content() or "").startswith("Output row 0, column 1 ")


def test_padding_taps_are_named(open_page: Callable[..., Page]) -> None:
    page = open_page("ko")
    set_controls(page, "conv", settings((5, 5, 3, 1, 1, 1, 0)))
    position = page.locator(f'{ROOT} [data-output="position"]')
    page.locator(f'{ROOT} [data-canvas="output"]').focus()
    page.keyboard.press("Home")
    assert (
        position.text_content()
        == "출력 0행 0열이 읽는 입력의 행은 0, 1, 패딩 1칸이고, 열은 0, 1, 패딩 1칸입니다."
    )


def test_play_steps_and_pauses(open_page: Callable[..., Page]) -> None:
    page = open_page("en")
    root = page.locator(ROOT).first
    play = root.locator('[data-action="play"]')
    position = root.locator('[data-output="position"]')
    assert play.is_enabled()
    assert not root.locator('[data-output="motion-note"]').is_visible()
    before = position.text_content()
    play.click()
    assert play.get_attribute("aria-pressed") == "true"
    assert play.text_content() == "Pause"
    page.wait_for_function(
        "text => document.querySelector('[data-output=\"position\"]').textContent !== text",
        arg=before,
    )
    play.click()
    assert play.get_attribute("aria-pressed") == "false"
    stopped = position.text_content()
    page.wait_for_timeout(1000)
    assert position.text_content() == stopped


@pytest.mark.parametrize("lang", LANGS)
def test_reduced_motion_turns_play_off(open_page: Callable[..., Page], lang: str) -> None:
    page = open_page(lang, reduced_motion="reduce")
    root = page.locator(ROOT).first
    assert root.locator('[data-action="play"]').is_disabled()
    note = root.locator('[data-output="motion-note"]')
    assert note.is_visible()
    assert bool(HANGUL.search(note.text_content() or "")) == (lang == "ko")
    root.locator('[data-action="next"]').click()  # stepping still works
    assert (root.locator('[data-output="position"]').text_content() or "").startswith(
        "출력 0행 1열" if lang == "ko" else "Output row 0, column 1 "
    )


def test_works_from_file_urls(browser: Browser, site: Path) -> None:
    """Opened from disk: same result, every request stays on file:// (or data:)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: _record_console(m, errors))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((site / "ko" / CHAPTERS["conv"]).as_uri())
        page.wait_for_selector(f'{ROOT} [data-output="shape"][data-h="5"]')
        values, h, w = _gallery_values(page)
        assert (h, w) == ("60", "60")
        assert values is not None
        np.testing.assert_allclose(values, apply_kernel(grey_photo(), KERNELS["identity"], padding=1),
                                   rtol=0, atol=1e-5)  # fmt: skip
        assert errors == []
        assert requests
        assert [u for u in requests if not u.startswith(("file://", "data:"))] == []
    finally:
        context.close()
