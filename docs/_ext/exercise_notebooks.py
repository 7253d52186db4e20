"""Exercise pages as Jupyter notebooks: each ``exercises/<page>`` offers ``<page>.ipynb``.

The exercise pages are MyST-NB text notebooks (``docs/<lang>/exercises/*.md``). After an HTML
build this extension converts each one with myst-nb's own reader and writes it next to its
page, ``exercises/<page>.ipynb``, in the page's language; every exercise page gets a download
link under its title. In the notebook, MyST markup that Jupyter cannot show becomes plain
Markdown/HTML (a ``dropdown`` becomes ``<details>``, a ``{doc}`` link its text), and the
solution cells (tag ``solution``) are present but collapsed (``jupyter.source_hidden``).
Like the chapters' notebooks, each starts with the cell ``conf.py`` gives sphinx-gallery
(``first_notebook_cell``: what it needs, the version that built it), and the link under the
title points to the install page as well.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from docutils import nodes
from myst_nb.core.read import read_myst_markdown_notebook
from sphinx.application import Sphinx

from layerguide.i18n import check_lang, text

INDEX = "exercises/index"
DROPDOWN = re.compile(
    r"^:::\{dropdown\}[ \t]*(?P<title>.*?)\n(?P<body>.*?)^:::[ \t]*$", re.MULTILINE | re.DOTALL
)
DOC_ROLE = re.compile(r"\{doc\}`(?P<content>[^`]*)`")


def is_exercise(docname: str) -> bool:
    return docname.startswith("exercises/") and docname != INDEX


def _chapter_title(target: str, lang_dir: Path) -> str:
    """Title of a gallery chapter named by ``/auto_examples/plot_…``, else the target."""
    from learning_path import chapter_summary

    script = lang_dir.parents[1] / "gallery" / lang_dir.name / f"{Path(target).name}.py"
    return chapter_summary(script)[0] if script.is_file() else target


def plain_markdown(text: str, lang_dir: Path) -> str:
    """MyST-only markup of a Markdown cell, rewritten for Jupyter."""

    def dropdown(m: re.Match) -> str:
        return f"<details>\n<summary>{m['title']}</summary>\n\n{m['body'].strip()}\n\n</details>"

    def doc(m: re.Match) -> str:
        content = m["content"]
        explicit = re.fullmatch(r"(?P<text>.*?)\s*<(?P<target>[^>]+)>", content)
        if explicit:
            return explicit["text"]
        return f"*{_chapter_title(content, lang_dir)}*"

    return DOC_ROLE.sub(doc, DROPDOWN.sub(dropdown, text))


def to_notebook(source: Path, first_cell: str | None = None) -> nbformat.NotebookNode:
    """The exercise page ``source`` (docs/<lang>/exercises/x.md) as a Jupyter notebook,
    starting with the code cell ``first_cell`` when one is given."""
    source = Path(source)
    nb = read_myst_markdown_notebook(source.read_text(encoding="utf-8"), path=source)
    lang_dir = source.parents[1]
    for key in ("mystnb", "file_format", "source_map"):
        nb.metadata.pop(key, None)
    nb.metadata["language_info"] = {"name": "python"}
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = plain_markdown(cell.source, lang_dir)
        elif "solution" in cell.metadata.get("tags", []):
            cell.metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
    if first_cell is not None:
        nb.cells.insert(0, nbformat.v4.new_code_cell(first_cell))
    nbformat.validate(nb)
    return nb


def write_notebook(source: Path, out: Path, first_cell: str | None = None) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(to_notebook(source, first_cell), str(out))


def _add_link(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    if not is_exercise(docname):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    lang = check_lang("exercise-notebooks", app.config.language)
    install = f'<a href="../install.html">{text(lang, "site.install_title")}</a>'
    name = Path(docname).name
    html = (
        f'<p class="lg-notebook-download"><a class="reference download" '
        f'href="{name}.ipynb" download="{name}.ipynb">{text(lang, "exercises.download")} '
        f"(<code>{name}.ipynb</code>)</a>; " + text(lang, "exercises.needs", link=install) + "</p>"
    )
    section.insert(1, nodes.raw("", html, format="html"))


def _write_notebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    first_cell = app.config.sphinx_gallery_conf.get("first_notebook_cell")
    for docname in sorted(filter(is_exercise, app.env.found_docs)):
        source, out = Path(app.env.doc2path(docname)), Path(app.outdir) / f"{docname}.ipynb"
        write_notebook(source, out, first_cell)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-read", _add_link)
    app.connect("build-finished", _write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
