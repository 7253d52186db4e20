"""``.. autoencoder-explorer::`` — the trained autoencoder running in the page, offline.

The directive writes the explorer's HTML (controls with labels, canvases, result fields)
and a small JSON block with the interface strings of the page's language (the catalogue's
``[explorer]`` table), the decoders and the test digits to offer. The models themselves —
the five trained autoencoders of chapters 5 and 6, their steps and ten MNIST test digits —
are written once per site by :func:`layerguide.autoencoder.export.export_script` into
``<html>/_shared/explorer/autoencoder.js``, next to the language folders, and both
languages' pages load that one file (a ``<script>``: the only way a page read from
``file://`` can load data). ``_static/explorer.js`` runs the forward pass.

The contract the tests rely on (issue 20): the root is ``[data-explorer="autoencoder"]``
with ``data-ready="true"`` once the models are loaded; controls ``select[name="digit"]``
(values are MNIST test-set indices), ``select[name="decoder"]``, ``canvas[data-input="draw"]``
and ``button[name="clear"]``; outputs ``[data-output="input"|"code"|"reconstruction"]``
with ``data-values``, ``[data-output="bce"]`` with ``data-value``, one ``[data-layer]`` per
step with ``data-name`` and ``data-shape`` as ``layerguide.trace`` prints them, and
``[data-output="field"]`` with ``data-rows`` and ``data-cols``.
"""

from __future__ import annotations

import functools
import json
from html import escape
from pathlib import Path
from typing import Any, ClassVar

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from layerguide.i18n import check_lang, section

logger = logging.getLogger(__name__)

MARKER = "lg-autoencoder-explorer"  # class of the raw node: pages that hold one get the JS/CSS
SHARED = Path("_shared") / "explorer" / "autoencoder.js"  # relative to the folder of en/, ko/
DECODER_ORDER = ("transpose", "nearest", "bed_of_nails", "max_unpool", "fc")
FIRST_CHANNELS = 8  # maps shown per layer before "show all"


@functools.cache
def digits() -> tuple[tuple[int, int], ...]:
    """(test-set index, label) of the first test digit of each class."""
    from layerguide.autoencoder import load_mnist
    from layerguide.autoencoder.export import first_of_each_class

    labels = load_mnist("test").labels
    return tuple((i, int(labels[i])) for i in first_of_each_class(labels))


def page_data(lang: str) -> dict[str, Any]:
    """What explorer.js reads from the page: its words and what to show first."""
    return {
        "strings": section(lang, "explorer"),
        "decoders": list(DECODER_ORDER),
        "first_channels": FIRST_CHANNELS,
    }


def _json_for_script(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("</", "<\\/").replace("&", "\\u0026")


def explorer_html(uid: str, lang: str, shared_src: str) -> str:
    """The explorer's markup; words in ``lang``; ``shared_src`` is the models' script."""
    t = section(lang, "explorer")
    digit_options = "".join(
        f'<option value="{index}">{escape(t["digit_option"].format(label=label, index=index))}'
        "</option>"
        for index, label in digits()
    )
    decoder_options = "".join(
        f'<option value="{name}">{escape(t["decoder_" + name])}</option>' for name in DECODER_ORDER
    )
    compare = "".join(
        f'<figure class="lg-ex-small" data-compare="{name}" data-values="" data-bce="">'
        f'<canvas role="img" aria-label="{escape(t["decoder_" + name])}: '
        f'{escape(t["reconstruction_label"])}" width="28" height="28"></canvas>'
        f"<figcaption>{escape(t['decoder_' + name])}<br><span data-bce-text></span>"
        "</figcaption></figure>"
        for name in DECODER_ORDER
    )
    data = _json_for_script(page_data(lang))
    return f"""<div class="lg-explorer" id="{uid}" data-explorer="autoencoder" role="region"
aria-label="{escape(t["region"])}" lang="{lang}">
<script type="application/json" data-explorer-data>{data}</script>
<script src="{escape(shared_src)}"></script>
<p class="lg-ex-status" data-output="status" role="status">{escape(t["loading"])}</p>
<div class="lg-ex-controls">
<div class="lg-ex-control"><label for="{uid}-digit">{escape(t["digit"])}</label>
<select id="{uid}-digit" name="digit">{digit_options}</select></div>
<div class="lg-ex-control"><label for="{uid}-decoder">{escape(t["decoder"])}</label>
<select id="{uid}-decoder" name="decoder">{decoder_options}</select></div>
</div>
<div class="lg-ex-stage">
<figure class="lg-ex-draw"><figcaption id="{uid}-draw">{escape(t["draw"])}</figcaption>
<canvas data-input="draw" role="img" width="280" height="280"
aria-label="{escape(t["draw_label"])}"></canvas>
<p class="lg-ex-note">{escape(t["draw_hint"])}</p>
<button type="button" name="clear">{escape(t["clear"])}</button></figure>
<figure class="lg-ex-big" data-output="input" data-values="">
<p class="lg-ex-title">{escape(t["input"])}</p>
<div class="lg-ex-frame"><canvas role="img" aria-label="{escape(t["input_label"])}" width="28"
height="28"></canvas><span class="lg-ex-field" hidden></span></div>
<figcaption></figcaption></figure>
<figure class="lg-ex-big" data-output="reconstruction" data-values="">
<p class="lg-ex-title">{escape(t["reconstruction"])}</p>
<div class="lg-ex-frame"><canvas role="img" aria-label="{escape(t["reconstruction_label"])}"
width="28" height="28"></canvas></div>
<figcaption>{escape(t["reconstruction_caption"])}<br>
<output data-output="bce" data-value=""></output></figcaption></figure>
</div>
<p class="lg-ex-fieldtext" id="{uid}-field" data-output="field" data-rows="" data-cols=""
aria-live="polite">{escape(t["field_none"])}</p>
<p class="lg-ex-note" id="{uid}-keys">{escape(t["keys"])}</p>
<section class="lg-ex-code" data-output="code" data-values="" aria-labelledby="{uid}-code">
<p class="lg-ex-title" id="{uid}-code">{escape(t["code"])}</p><div class="lg-ex-maps"></div>
</section>
<section class="lg-ex-compare" aria-labelledby="{uid}-compare">
<p class="lg-ex-title" id="{uid}-compare">{escape(t["compare"])}</p>
<div class="lg-ex-row">{compare}</div></section>
<p class="lg-ex-note">{escape(t["scale"])}</p>
<section class="lg-ex-net" aria-labelledby="{uid}-encoder">
<p class="lg-ex-title" id="{uid}-encoder">{escape(t["encoder"])}</p>
<div data-output="encoder"></div></section>
<section class="lg-ex-net" aria-labelledby="{uid}-decoder-layers">
<p class="lg-ex-title" id="{uid}-decoder-layers">{escape(t["decoder_layers"])}</p>
<div data-output="decoder"></div></section>
<details class="lg-ex-about"><summary>{escape(t["about"])}</summary>
<p>{escape(t["about_text"])}</p></details>
</div>"""


class AutoencoderExplorer(SphinxDirective):
    has_content = False
    option_spec: ClassVar[dict] = {}

    def run(self) -> list[nodes.Node]:
        lang = check_lang("autoencoder-explorer", self.config.language)
        uid = f"lg-ex-{self.env.new_serialno('autoencoder-explorer')}"
        depth = self.env.docname.count("/")
        src = "../" * (depth + 1) + SHARED.as_posix()  # from the page to the site's root
        if not hasattr(self.env, "lg_explorer_docs"):
            self.env.lg_explorer_docs = set()  # type: ignore[attr-defined]
        self.env.lg_explorer_docs.add(self.env.docname)  # type: ignore[attr-defined]
        html = explorer_html(uid, lang, src)
        return [nodes.raw("", html, format="html", classes=[MARKER])]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    getattr(env, "lg_explorer_docs", set()).discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: Any) -> None:
    if not hasattr(env, "lg_explorer_docs"):
        env.lg_explorer_docs = set()  # type: ignore[attr-defined]
    env.lg_explorer_docs |= getattr(other, "lg_explorer_docs", set())  # type: ignore[attr-defined]


def add_assets(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Only pages with an explorer load its script and styles."""
    if doctree is not None and any(MARKER in n["classes"] for n in doctree.findall(nodes.raw)):
        app.add_css_file("explorer.css")
        app.add_js_file("explorer.js", defer="defer")


def write_shared(app: Sphinx, exc: Exception | None) -> None:
    """Write the models' script once, beside the language folders (same bytes for both)."""
    if exc is not None or app.builder.format != "html":
        return
    if not getattr(app.env, "lg_explorer_docs", None):
        return
    from layerguide.autoencoder import load_mnist
    from layerguide.autoencoder.export import chapter_models, export_script

    models = {name: model for name, (model, _) in chapter_models().items()}
    test = load_mnist("test")
    path = Path(app.outdir).parent / SHARED
    digest = export_script(path, models, test.images, test.labels)
    logger.info("autoencoder explorer: %s (%s, %d bytes)", path, digest, path.stat().st_size)


def setup(app: Sphinx) -> dict:
    app.add_directive("autoencoder-explorer", AutoencoderExplorer)
    app.connect("html-page-context", add_assets)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("build-finished", write_shared)
    return {"env_version": 1, "parallel_read_safe": True, "parallel_write_safe": True}
