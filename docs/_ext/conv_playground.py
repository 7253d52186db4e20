"""``.. conv-playground::`` — an offline convolution playground, in the page's language.

The directive writes the playground's HTML (controls with labels, canvases, result
fields) and a JSON block with what its JavaScript needs: the interface strings of the
page's language, the preset kernels from :mod:`layerguide.kernels` and the grey photo of
chapter 3 (60 × 60 float32, base64), computed here at build time. ``_static/playground.js``
does the shape arithmetic and the filtering in the browser; nothing is loaded from another
host, and the page works from ``file://``.

Options::

    .. conv-playground::
       :mode: transpose     # conv (default), pool or transpose: the mode shown first
       :no-gallery:         # leave out the kernel gallery on the photo

The contract the tests rely on (issue 11): the root is ``[data-playground="conv"]``; the
controls are named ``mode``, ``height``, ``width``, ``kernel``, ``stride``, ``padding``,
``dilation`` and ``output_padding``; ``[data-output="shape"]`` carries ``data-h`` and
``data-w`` (both empty when the settings are invalid) and ``[data-output="error"]`` is
shown exactly when they are invalid.
"""

from __future__ import annotations

import base64
import functools
import json
from html import escape
from typing import Any, ClassVar

import numpy as np
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from layerguide.kernels import KERNEL_ORDER, KERNELS, grey_photo, kernel_label

MODES = ("conv", "pool", "transpose")
PHOTO_SIZE = 60
MARKER = "lg-conv-playground"  # class of the raw node: pages that hold one get the JS/CSS

# (name, minimum, maximum) of every shape control; the JavaScript reads them from the page.
LIMITS = {
    "height": (1, 64),
    "width": (1, 64),
    "kernel": (1, 11),
    "stride": (1, 5),
    "padding": (0, 5),
    "dilation": (1, 4),
    "output_padding": (0, 4),
}
GALLERY_LIMITS = {"gallery_stride": (1, 5), "gallery_padding": (0, 5)}
# Starting values per mode: each shows a small, typical layer.
START = {
    "conv": {"height": 7, "width": 7, "kernel": 3, "stride": 1, "padding": 0, "dilation": 1,
             "output_padding": 0},
    "pool": {"height": 8, "width": 8, "kernel": 2, "stride": 2, "padding": 0, "dilation": 1,
             "output_padding": 0},
    "transpose": {"height": 4, "width": 4, "kernel": 3, "stride": 2, "padding": 1,
                  "dilation": 1, "output_padding": 1},
}  # fmt: skip

# Every string the playground shows, in both languages. ``{name}`` fields are filled in
# by the JavaScript (see ``format`` in playground.js); the tests check both tables have
# the same keys and fields.
STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "region": "Convolution playground",
        "layer": "Layer and input",
        "mode": "Layer",
        "mode_conv": "convolution (Conv2d)",
        "mode_pool": "max pooling (MaxPool2d)",
        "mode_transpose": "transposed convolution (ConvTranspose2d)",
        "height": "Input height",
        "width": "Input width",
        "kernel": "Kernel size",
        "stride": "Stride",
        "padding": "Padding",
        "dilation": "Dilation",
        "output_padding": "Output padding",
        "output_shape": "Output shape (H × W):",
        "shape_value": "{h} × {w}",
        "no_shape": "none",
        "formula": "Formula (PyTorch)",
        "input_conv": "Input with its padding (grey); blue: the window of the chosen output cell",
        "input_transpose": "Input; blue: the input cells the chosen output cell receives",
        "output_caption": "Output; orange: the chosen cell (click a cell or use the arrow keys)",
        "input_label": "Input grid, {h} × {w}",
        "output_label": "Output grid, {h} × {w}; chosen cell: row {r}, column {c}",
        "prev": "Step back",
        "next": "Step",
        "play": "Play",
        "pause": "Pause",
        "reduced_motion": "Play is off because your system asks for reduced motion; use Step.",
        "position_conv": "Output row {r}, column {c} reads input rows {rows}; columns {cols}.",
        "position_transpose": "Output row {r}, column {c} receives values from input rows "
        "{rows}; columns {cols}.",
        "position_empty": "Output row {r}, column {c} receives no input value (only the bias).",
        "with_padding": "{cells} and {pad} in the padding",
        "only_padding": "only the padding ({pad})",
        "axis_H": "height",
        "axis_W": "width",
        "err_integer": "{label} must be a whole number.",
        "err_range": "{label} must be between {min} and {max} in this playground.",
        "err_kernel_too_large": "No output: along the {axis}, the kernel spans {span} cells "
        "(dilation {d} × (kernel {k} − 1) + 1) but the padded input has only {padded} "
        "({n} + 2 × padding {p}). Rule: the kernel's span must fit in the padded input.",
        "err_pool_padding": "Max pooling refuses padding {p} with kernel size {k}. "
        "Rule: padding must be at most half the kernel size (kernel // 2 = {half}).",
        "err_empty_window": "Max pooling refuses this: along the {axis}, window {window} lies "
        "entirely in the padding (its {k} taps, {d} apart, all miss the input), so it has no "
        "value to take the maximum of. Rule: every window must touch the input.",
        "err_output_padding": "Output padding {op} is refused. Rule: output padding must be "
        "smaller than the stride ({s}) or the dilation ({d}).",
        "err_transpose_empty": "No output: along the {axis}, padding crops 2 × {p} = {crop} "
        "cells but the transposed convolution only makes {full} = ({n} − 1) × {s} + "
        "{d} × ({k} − 1) + {op} + 1. Rule: 2 × padding must be smaller than that.",
        "gallery": "Kernel gallery on the photo",
        "preset": "Kernel",
        "custom": "your own (type below)",
        "kernel_grid": "3 × 3 kernel values",
        "kernel_cell": "Kernel row {r}, column {c}",
        "gallery_stride": "Stride",
        "gallery_padding": "Padding",
        "photo_caption": "Input: the grey photo, {h} × {w}",
        "result_caption": "Output of Conv2d(1, 1, 3, stride={s}, padding={p}): {h} × {w}",
        "result_label": "Filtered photo, {h} × {w}",
        "err_kernel_value": "Every kernel value must be a number (row {r}, column {c} is not).",
        "range_note": "Output values from {min} to {max}; shown {how}.",
        "show_clip": "as grey levels, clipped to 0–1",
        "show_signed": "grey at 0, lighter positive, darker negative",
        "about": "About this playground",
        "about_text": "It supports input sizes 1–64, kernel sizes 1–11, stride 1–5, padding "
        "0–5, dilation 1–4 and output padding 0–4 (square kernels, strides and paddings). "
        "Its shape rules are the ones of layerguide's Conv2d, MaxPool2d and ConvTranspose2d, "
        "including the settings they refuse; a test compares them on thousands of settings, "
        "and another checks the filtered photo against Conv2d.",
    },
    "ko": {
        "region": "합성곱 놀이터",
        "layer": "층과 입력",
        "mode": "층",
        "mode_conv": "합성곱 (Conv2d)",
        "mode_pool": "최대 풀링 (MaxPool2d)",
        "mode_transpose": "전치 합성곱 (ConvTranspose2d)",
        "height": "입력 높이",
        "width": "입력 너비",
        "kernel": "커널 크기",
        "stride": "스트라이드",
        "padding": "패딩",
        "dilation": "팽창(dilation)",
        "output_padding": "출력 패딩(output_padding)",
        "output_shape": "출력 형태 (H × W):",
        "shape_value": "{h} × {w}",
        "no_shape": "없음",
        "formula": "공식 (PyTorch)",
        "input_conv": "패딩(회색)을 두른 입력. 파란 칸은 고른 출력 칸이 읽는 창입니다",
        "input_transpose": "입력. 파란 칸은 고른 출력 칸에 값을 보내는 입력 칸입니다",
        "output_caption": "출력. 주황 칸이 고른 칸입니다 (칸을 누르거나 화살표 키로 움직이세요)",
        "input_label": "입력 격자, {h} × {w}",
        "output_label": "출력 격자, {h} × {w}. 고른 칸: {r}행 {c}열",
        "prev": "한 칸 뒤로",
        "next": "한 칸 앞으로",
        "play": "재생",
        "pause": "멈춤",
        "reduced_motion": "시스템 설정에서 동작 줄이기가 켜져 있어 재생할 수 없습니다. "
        "대신 '한 칸 앞으로'를 누르세요.",
        "position_conv": "출력 {r}행 {c}열이 읽는 입력 — 행: {rows}; 열: {cols}.",
        "position_transpose": "출력 {r}행 {c}열에 값을 보내는 입력 — 행: {rows}; 열: {cols}.",
        "position_empty": "출력 {r}행 {c}열에는 어떤 입력 값도 오지 않습니다 (편향만 남습니다).",
        "with_padding": "{cells}, 패딩 {pad}칸",
        "only_padding": "패딩뿐({pad}칸)",
        "axis_H": "높이",
        "axis_W": "너비",
        "err_integer": "{label}은(는) 정수여야 합니다.",
        "err_range": "이 놀이터에서 {label}은(는) {min}부터 {max}까지입니다.",
        "err_kernel_too_large": "출력이 없습니다. {axis} 방향으로 커널이 {span}칸을 차지하는데"
        "(팽창 {d} × (커널 {k} − 1) + 1), 패딩을 더한 입력은 {padded}칸뿐입니다"
        "({n} + 2 × 패딩 {p}). 규칙: 커널이 차지하는 칸이 패딩을 더한 입력 안에 들어가야 합니다.",
        "err_pool_padding": "최대 풀링은 커널 크기가 {k}이면 패딩을 {half}까지만 쓸 수 있습니다"
        "(지금 {p}). 규칙: 패딩은 커널 크기의 절반(커널 // 2 = {half}) 이하여야 합니다.",
        "err_empty_window": "최대 풀링에서는 이 설정을 쓸 수 없습니다. {axis} 방향의 {window}번 창이 "
        "통째로 패딩 위에 있어서({d}칸 간격으로 읽는 {k}칸이 모두 입력 밖입니다) 최댓값을 고를 "
        "값이 없습니다. 규칙: 모든 창이 입력에 닿아야 합니다.",
        "err_output_padding": "출력 패딩으로 {op}은(는) 쓸 수 없습니다. 규칙: 출력 패딩은 "
        "스트라이드({s})나 팽창({d})보다 작아야 합니다.",
        "err_transpose_empty": "출력이 없습니다. {axis} 방향으로 패딩이 2 × {p} = {crop}칸을 "
        "잘라 내는데, 전치 합성곱이 만드는 칸은 {full} = ({n} − 1) × {s} + {d} × ({k} − 1) "
        "+ {op} + 1칸뿐입니다. 규칙: 2 × 패딩이 이 값보다 작아야 합니다.",
        "gallery": "사진으로 보는 커널 모음",
        "preset": "커널",
        "custom": "직접 입력 (아래 칸)",
        "kernel_grid": "3 × 3 커널 값",
        "kernel_cell": "커널 {r}행 {c}열",
        "gallery_stride": "스트라이드",
        "gallery_padding": "패딩",
        "photo_caption": "입력: 흑백 사진, {h} × {w}",
        "result_caption": "Conv2d(1, 1, 3, stride={s}, padding={p})의 출력: {h} × {w}",
        "result_label": "커널을 적용한 사진, {h} × {w}",
        "err_kernel_value": "커널 칸에는 숫자만 넣을 수 있습니다 ({r}행 {c}열을 확인하세요).",
        "range_note": "출력 값의 범위는 {min}부터 {max}까지이고, {how}.",
        "show_clip": "0–1로 자른 회색 단계로 보여 줍니다",
        "show_signed": "0은 회색, 양수는 밝게, 음수는 어둡게 보여 줍니다",
        "about": "이 놀이터에 대하여",
        "about_text": "입력 크기 1–64, 커널 크기 1–11, 스트라이드 1–5, 패딩 0–5, "
        "팽창 1–4, 출력 패딩 0–4를 다룹니다 (커널, 스트라이드, 패딩은 가로세로가 같습니다). "
        "형태 규칙은 layerguide의 Conv2d, MaxPool2d, ConvTranspose2d와 같고, 이 층이 "
        "거부하는 설정도 똑같이 거부합니다. 테스트가 수천 가지 설정에서 둘을 비교하고, "
        "필터를 적용한 사진도 Conv2d의 결과와 맞춰 봅니다.",
    },
}


@functools.cache
def photo_payload() -> dict[str, Any]:
    """The grey photo as little-endian float32 bytes in base64 (made once per build)."""
    photo = grey_photo(PHOTO_SIZE)  # (60, 60) float32
    data = np.ascontiguousarray(photo, dtype="<f4").tobytes()
    return {"h": photo.shape[0], "w": photo.shape[1], "float32": base64.b64encode(data).decode()}


def page_data(lang: str) -> dict[str, Any]:
    """What playground.js reads from the page: strings, limits, kernels and the photo."""
    return {
        "strings": STRINGS[lang],
        "limits": {**LIMITS, **GALLERY_LIMITS},
        "start": START,
        "kernels": {
            name: [[float(v) for v in row] for row in KERNELS[name]] for name in KERNEL_ORDER
        },
        "photo": photo_payload(),
    }


def _json_for_script(data: Any) -> str:
    # Inside <script> only "</" could end the element early; escape it (and & for safety).
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("&", "\\u0026")


def _number_field(uid: str, name: str, label: str, value: int, limits: tuple[int, int]) -> str:
    lo, hi = limits
    return (
        f'<div class="lg-pg-field" data-field="{name}">'
        f'<label for="{uid}-{name}">{escape(label)}</label>'
        f'<input id="{uid}-{name}" name="{name}" type="number" inputmode="numeric" '
        f'min="{lo}" max="{hi}" step="1" value="{value}">'
        "</div>"
    )


def playground_html(uid: str, lang: str, mode: str, gallery: bool) -> str:
    """The playground's markup; labels in ``lang``, values for ``mode``."""
    t = STRINGS[lang]
    start = START[mode]
    options = "".join(
        f'<option value="{m}"{" selected" if m == mode else ""}>{escape(t["mode_" + m])}</option>'
        for m in MODES
    )
    fields = "".join(
        _number_field(uid, name, t[name], start[name], LIMITS[name]) for name in LIMITS
    )
    shapes = f"""
<section class="lg-pg-shapes" aria-labelledby="{uid}-layer">
<form class="lg-pg-controls" data-form="shapes" novalidate>
<fieldset><legend id="{uid}-layer">{escape(t["layer"])}</legend>
<div class="lg-pg-field lg-pg-mode"><label for="{uid}-mode">{escape(t["mode"])}</label>
<select id="{uid}-mode" name="mode">{options}</select></div>
{fields}
</fieldset>
</form>
<div class="lg-pg-result">
<p class="lg-pg-shape-line">{escape(t["output_shape"])}
<output data-output="shape" data-h="" data-w="" for="{uid}-mode"></output></p>
<p class="lg-pg-error" data-output="error" role="alert" hidden></p>
<div class="lg-pg-formula" data-output="formula" aria-label="{escape(t["formula"])}"></div>
</div>
<div class="lg-pg-stage">
<figure class="lg-pg-figure"><canvas data-canvas="input" role="img" width="10" height="10">
</canvas><figcaption data-output="input-caption"></figcaption></figure>
<figure class="lg-pg-figure"><canvas data-canvas="output" tabindex="0" role="img" width="10"
height="10" aria-describedby="{uid}-position"
aria-keyshortcuts="ArrowUp ArrowDown ArrowLeft ArrowRight Home End"></canvas><figcaption>{escape(t["output_caption"])}</figcaption></figure>
</div>
<div class="lg-pg-steps">
<button type="button" data-action="prev">{escape(t["prev"])}</button>
<button type="button" data-action="play" aria-pressed="false">{escape(t["play"])}</button>
<button type="button" data-action="next">{escape(t["next"])}</button>
<p class="lg-pg-note" data-output="motion-note" hidden>{escape(t["reduced_motion"])}</p>
</div>
<p class="lg-pg-position" id="{uid}-position" data-output="position" aria-live="polite"></p>
</section>"""
    gallery_html = ""
    if gallery:
        presets = (
            "".join(
                f'<option value="{name}">{escape(kernel_label(name, lang))}</option>'
                for name in KERNEL_ORDER
            )
            + f'<option value="custom">{escape(t["custom"])}</option>'
        )
        cells = "".join(
            f'<input name="k{r}{c}" type="text" inputmode="decimal" size="5" '
            f'aria-label="{escape(t["kernel_cell"].format(r=r + 1, c=c + 1))}">'
            for r in range(3)
            for c in range(3)
        )
        g_fields = "".join(
            _number_field(uid, name, t[name], {"gallery_stride": 1, "gallery_padding": 1}[name],
                          limits)
            for name, limits in GALLERY_LIMITS.items()
        )  # fmt: skip
        gallery_html = f"""
<section class="lg-pg-gallery" aria-labelledby="{uid}-gallery">
<form class="lg-pg-controls" data-form="gallery" novalidate>
<fieldset><legend id="{uid}-gallery">{escape(t["gallery"])}</legend>
<div class="lg-pg-field"><label for="{uid}-preset">{escape(t["preset"])}</label>
<select id="{uid}-preset" name="preset">{presets}</select></div>
<fieldset class="lg-pg-kernel"><legend>{escape(t["kernel_grid"])}</legend>
<div class="lg-pg-kernel-grid">{cells}</div></fieldset>
{g_fields}
</fieldset>
</form>
<p class="lg-pg-error" data-output="gallery-error" role="alert" hidden></p>
<div class="lg-pg-stage">
<figure class="lg-pg-figure"><canvas data-canvas="photo" role="img" width="{PHOTO_SIZE}"
height="{PHOTO_SIZE}"></canvas><figcaption data-output="photo-caption"></figcaption></figure>
<figure class="lg-pg-figure"><canvas data-canvas="result" role="img" width="{PHOTO_SIZE}"
height="{PHOTO_SIZE}"></canvas><figcaption><output data-output="gallery" data-h="" data-w="">
</output></figcaption><p class="lg-pg-note" data-output="gallery-range"></p></figure>
</div>
</section>"""
    data = _json_for_script(page_data(lang))
    return f"""<div class="lg-playground" id="{uid}" data-playground="conv" data-mode="{mode}"
role="region" aria-label="{escape(t["region"])}" lang="{lang}">
<script type="application/json" data-playground-data>{data}</script>{shapes}{gallery_html}
<details class="lg-pg-about"><summary>{escape(t["about"])}</summary>
<p>{escape(t["about_text"])}</p></details>
</div>"""


class ConvPlayground(SphinxDirective):
    has_content = False
    option_spec: ClassVar[dict] = {
        "mode": lambda arg: directives.choice(arg, MODES),
        "no-gallery": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        lang = self.config.language or "en"
        if lang not in STRINGS:
            raise self.error(f"conv-playground: no strings for language {lang!r}")
        mode = self.options.get("mode", "conv")
        uid = f"lg-pg-{self.env.new_serialno('conv-playground')}"
        html = playground_html(uid, lang, mode, gallery="no-gallery" not in self.options)
        return [nodes.raw("", html, format="html", classes=[MARKER])]


def _has_playground(doctree: nodes.document | None) -> bool:
    if doctree is None:
        return False
    return any(MARKER in node["classes"] for node in doctree.findall(nodes.raw))


def add_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Only pages with a playground load its script and styles."""
    if _has_playground(doctree):
        app.add_css_file("playground.css")
        app.add_js_file("playground.js", defer="defer")


def setup(app: Sphinx) -> dict:
    app.add_directive("conv-playground", ConvPlayground)
    app.connect("html-page-context", add_assets)
    # Bump env_version when the markup changes: Sphinx then re-reads the pages that use it.
    return {"env_version": 2, "parallel_read_safe": True, "parallel_write_safe": True}
