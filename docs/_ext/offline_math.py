"""Serve MathJax from the site itself, never from a CDN.

MathJax 3 ships inside the PyPI package ``sphinx-mathjax-offline`` (its import name has
dashes, so we locate its files rather than load it as an extension). Only the parts
``tex-chtml.js`` needs are copied: the script, its lazily loaded components and the
CHTML web fonts.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util.fileutil import copy_asset

PACKAGE = "sphinx-mathjax-offline"


def _mathjax_dir() -> Path:
    spec = importlib.util.find_spec(PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        path = Path(location) / "static" / "mathjax"
        if (path / "tex-chtml.js").is_file():
            return path
    raise ExtensionError(
        f"offline_math: MathJax files not found; install the PyPI package {PACKAGE!r} "
        "(it is in the 'docs' dependency group)."
    )


def _copy(app: Sphinx, exc: Exception | None) -> None:
    if exc is not None or app.builder.format != "html":
        return
    copy_asset(_mathjax_dir(), Path(app.outdir) / "_static" / "mathjax")


def setup(app: Sphinx) -> dict:
    _mathjax_dir()  # fail early, before a long build
    app.config.mathjax_path = "mathjax/tex-chtml.js"
    app.connect("build-finished", _copy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
