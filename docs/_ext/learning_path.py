"""``.. learning-path::`` — the home page's chapter cards, made from the gallery itself.

Each ``plot_NN_*.py`` script in this language's gallery becomes a card with its number,
its title (from the script's docstring, so in the page's language), a one-line summary
written for the card (the catalogue's ``[learning_path]`` table, one key per chapter) and its
sphinx-gallery thumbnail. A chapter that does not exist yet has no card; a chapter without
a written summary is a build warning (and, with ``-W``, a failed build).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx_gallery.py_source_parser import split_code_and_text_blocks

from layerguide.i18n import check_lang, section

logger = logging.getLogger(__name__)


def chapter_summary(script: Path) -> tuple[str, str]:
    """(title, first sentence) of a gallery script's docstring (the fallback card text)."""
    _, blocks = split_code_and_text_blocks(script)
    lines = [line.rstrip() for line in blocks[0].content.strip().splitlines()]
    title = lines[0].strip()
    body = " ".join(line.strip() for line in lines[2:]).strip()
    paragraph = body.split("  ")[0]
    sentence = re.split(r"(?<=[.!?。])\s", paragraph, maxsplit=1)[0]
    sentence = re.sub(r":term:`([^`<]*?)\s*(<[^`]*>)?`(?:\\ )?", r"\1", sentence)
    return title, sentence


class LearningPath(SphinxDirective):
    has_content = False
    option_spec: ClassVar[dict] = {"columns": str}

    def run(self) -> list[nodes.Node]:
        gallery = Path(self.config.sphinx_gallery_conf["examples_dirs"][0])
        scripts = sorted(gallery.glob("plot_*.py"))
        columns = self.options.get("columns", "1 2 3 3")
        rst = [f".. grid:: {columns}", "   :gutter: 3", ""]
        for number, script in enumerate(scripts, start=1):
            self.env.note_dependency(str(script))
            title, sentence = chapter_summary(script)
            stem = script.stem
            written = section(check_lang("learning-path", self.config.language), "learning_path")
            if stem not in written:
                logger.warning(
                    "learning-path: no written summary for %s (%s); add it to the catalogue's "
                    "[learning_path] table",
                    stem,
                    self.config.language,
                    location=self.get_location(),
                )
            sentence = written.get(stem, sentence)
            rst += [
                f"   .. grid-item-card:: {number}. {title}",
                f"      :link: auto_examples/{stem}",
                "      :link-type: doc",
                f"      :img-top: auto_examples/images/thumb/sphx_glr_{stem}_thumb.png",
                f"      :img-alt: {title}",
                "      :class-card: lg-chapter-card",
                "",
                f"      {sentence}",
                "",
            ]
        container = nodes.container(classes=["lg-learning-path"])
        self.state.nested_parse(StringList(rst, source="learning-path"), 0, container)
        return [container]


def setup(app: Sphinx) -> dict:
    app.add_directive("learning-path", LearningPath)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
