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

from layerguide.i18n import check_lang, section
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


@functools.cache
def photo_payload() -> dict[str, Any]:
    """The grey photo as little-endian float32 bytes in base64 (made once per build)."""
    photo = grey_photo(PHOTO_SIZE)  # (60, 60) float32
    data = np.ascontiguousarray(photo, dtype="<f4").tobytes()
    return {"h": photo.shape[0], "w": photo.shape[1], "float32": base64.b64encode(data).decode()}


def page_data(lang: str) -> dict[str, Any]:
    """What playground.js reads from the page: strings, limits, kernels and the photo."""
    return {
        "strings": section(lang, "playground"),
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
    t = section(lang, "playground")
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
        lang = check_lang("conv-playground", self.config.language)
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
