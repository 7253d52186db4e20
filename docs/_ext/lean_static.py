"""Ship only the static files the pages load.

pydata-sphinx-theme copies a source map (``*.map``) next to each of its scripts and style
sheets: 2 MB per language that only a browser's developer tools would ever ask for. They
are removed once the build has finished; the pages, search and offline reading do not use
them. Figures are re-stored in their smallest exact PNG form (RGB or a palette instead of
matplotlib's RGBA; the same pixels).

There is no MathJax either: no page renders math (see ``tests/browser/test_site_size.py``,
which fails if MathJax comes back without math). A page that needs math must bring the
offline copy back, never a CDN: the site is read offline.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _drop_source_maps(app: Sphinx, exc: Exception | None) -> None:
    if exc is not None or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    maps = sorted(static.rglob("*.map"))
    size = sum(path.stat().st_size for path in maps)
    for path in maps:
        path.unlink()
    logger.info("lean_static: removed %d source maps (%.1f MB)", len(maps), size / 1e6)


def _shrink_images(app: Sphinx, exc: Exception | None) -> None:
    """Store every figure in its smallest exact PNG form (same pixels; see layerguide.viz.png)."""
    if exc is not None or app.builder.format != "html":
        return
    from layerguide.viz.png import shrink_png

    before = after = 0
    for path in sorted((Path(app.outdir) / "_images").glob("*.png")):
        data = path.read_bytes()
        small = shrink_png(data)
        before, after = before + len(data), after + len(small)
        if len(small) < len(data):
            path.write_bytes(small)
    logger.info("lean_static: figures %.2f MB -> %.2f MB (lossless)", before / 1e6, after / 1e6)


def setup(app: Sphinx) -> dict:
    app.connect("build-finished", _drop_source_maps)
    app.connect("build-finished", _shrink_images)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
