"""Sphinx configuration shared by both languages.

Build one language at a time with its own source tree (see ``noxfile.py``)::

    sphinx-build -b html -c docs -D language=ko docs/ko docs/_build/html/ko -d docs/_build/doctrees/ko

``-D language=...`` is not visible while this file runs, so everything that depends on
the language is set in :func:`_per_language` (a ``config-inited`` handler that runs
before sphinx-gallery reads its settings at priority 10).
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from pathlib import Path

import layerguide
from layerguide.i18n import check_lang, section, text

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "layerguide"
author = "layerguide developers"
copyright = "2026, layerguide developers"
release = version = layerguide.__version__
language = "en"
# The published site, from pyproject.toml's [project.urls] (the one place it is written).
# Downloaded scripts and notebooks link to its install page by this absolute address.
with (ROOT / "pyproject.toml").open("rb") as _f:
    DOCS_URL = tomllib.load(_f)["project"]["urls"]["Documentation"].rstrip("/") + "/"
INSTALL_PAGE = "install"  # docs/<lang>/install.md: "Run the chapters yourself"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinx_gallery.gen_gallery",
    "lean_static",  # no source maps; no MathJax (no page has math)
    "learning_path",
    "korean_search",
    "exercise_notebooks",
    "conv_playground",
    "explorer",  # the trained autoencoder in the page (issue 20)
    "accessibility",
]

templates_path = [str(DOCS / "_templates")]
html_static_path = [str(DOCS / "_static")]
locale_dirs = [str(DOCS / "locales")]
gettext_compact = False
exclude_patterns = [
    "_build",
    # sphinx-gallery writes notebooks next to its .rst files; they are downloads,
    # not sources (executablebooks/MyST-NB#363).
    "auto_examples/**.ipynb",
    "auto_examples/*.ipynb",
]

# -- MyST / myst-nb ----------------------------------------------------------------
# No dollarmath/amsmath: no page has math, and math would need MathJax (24 MB per language).
myst_enable_extensions = ["colon_fence", "deflist", "substitution"]
# {{ layerguide_version }}, {{ pip_pin }} on the install page: the layerguide that built it.
myst_substitutions = {
    "layerguide_version": release,
    "pip_pin": f'`pip install "layerguide=={release}"`',
}
myst_heading_anchors = 3
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_execution_show_tb = True
# myst-nb's kernels (jupyter_client + ipykernel) talk to Sphinx over TCP on localhost, and
# ipykernel warns once per notebook that the link is unencrypted (twelve warnings in a clean
# build). Have the kernel manager provision CurveZMQ keys, as the warning itself advises:
# the link is encrypted and there is nothing to warn about. (IPC transport is no way out:
# jupyter-cache starts kernels in the notebook's folder, and the relative socket path then
# points elsewhere — the kernel never answers.)
from jupyter_client.manager import KernelManager

KernelManager.transport_encryption.default_value = "required"

# -- autodoc -----------------------------------------------------------------------
autodoc_typehints = "none"  # types are written in the numpy-style docstrings
autodoc_member_order = "bysource"
autodoc_default_options = {"members": True, "show-inheritance": False}
napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_custom_sections = ["Shape"]  # the layers' Shape sections render as rubrics, not headings
# intersphinx needs the network, which the build must not use: names from numpy,
# torch and common docstring phrases stay plain text instead of nitpick warnings.
nitpick_ignore_regex = [
    (
        "py:(class|func|meth|data|mod)",
        r"(numpy|np|torch|nn|matplotlib|mpl|pathlib|collections|typing)\..*",
    ),
    ("py:class", r"ndarray|array_like|array-like|optional|callable|Tensor|Module|Path"),
    ("py:class", r"dtype|float32|float64|int64|uint8|path-like|file-like|sequence|mapping"),
    ("py:class", r"default .*|\{.*|.*\}|'.*'|\".*\"|[0-9].*"),
    ("py:class", r"Axes|Figure|DataFrame"),
]

# -- HTML (pydata-sphinx-theme) ------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = "layerguide"
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = False
html_css_files = ["layerguide.css"]
html_favicon = "_static/favicon.svg"
html_theme_options = {
    "navbar_end": ["language-switcher", "theme-switcher"],
    "navbar_persistent": ["search-button"],
    "secondary_sidebar_items": ["page-toc"],
    "show_prev_next": True,
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
    "navigation_with_keys": False,
    "search_bar_text": "Search the docs ...",
    # Every top-level page in the navbar (7 today): the theme's "More" dropdown failed axe's
    # contrast check in dark mode and the keyboard walk. Its label comes from the catalogue in
    # _per_language, should the pages outgrow this.
    "header_links_before_dropdown": 10,
}
html_context = {"default_mode": "light"}

# -- sphinx-gallery (per-language parts in _per_language) ----------------------------
sphinx_gallery_conf: dict = {}

GALLERY_BASE = {
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "within_subsection_order": "FileNameSortKey",
    "download_all_examples": False,
    "show_signature": False,
    "remove_config_comments": True,
    # The computation-times page loads jQuery/DataTables from CDNs: the site is offline.
    "write_computation_times": False,
    "capture_repr": ("_repr_html_", "__repr__"),
    # Figures are shown as images; their repr ("<Figure size ...>") is noise. The
    # animations' own HTML repr (for notebooks) would embed each player a second time.
    "ignore_repr_types": r"matplotlib\.|layerguide\.viz\.animate\.",
    # Animations (layerguide.viz.animate) become matplotlib's offline HTML player: frames
    # as base64 PNGs with play/pause/step buttons; no ffmpeg, no network.
    "matplotlib_animations": (True, "jshtml"),
    "image_scrapers": ("matplotlib",),
    "reset_modules": ("matplotlib",),
    "min_reported_time": 0,
    "line_numbers": False,
    "plot_gallery": "True",
    "abort_on_example_error": False,
    "only_warn_on_example_error": False,
}


def install_url(lang: str) -> str:
    """The install page of the published site, as downloaded files link to it."""
    return f"{DOCS_URL}{lang}/{INSTALL_PAGE}.html"


def notebook_first_cell(lang: str) -> str:
    """The first cell of every downloaded notebook (chapters and exercises): what it needs,
    the version that built it, and a commented %pip line (commented: a reader who has the
    package runs the cell harmlessly). Its words are the catalogue's ``site.notebook_first_cell``."""
    return text(lang, "site.notebook_first_cell", version=release, url=install_url(lang))


def _per_language(app, config) -> None:
    lang = check_lang("conf.py", config.language)
    srcdir = Path(app.srcdir)
    if srcdir.name != lang:
        raise ValueError(
            f"conf.py: language={lang!r} but the source tree is {srcdir} "
            f"(expected docs/{lang}); build each language from its own folder."
        )
    # sphinx-gallery runs each example inside gallery/<lang>/: a relative cache path would
    # be read there (a build cache once landed in git that way). Fix it to where the
    # build was started.
    cache = os.environ.get("LAYERGUIDE_CACHE")
    if cache:
        os.environ["LAYERGUIDE_CACHE"] = str(Path(cache).expanduser().resolve())
    # LAYERGUIDE_GALLERY_ROOT lets tests build the real configuration on other examples.
    gallery_root = Path(os.environ.get("LAYERGUIDE_GALLERY_ROOT", ROOT / "gallery"))
    config.sphinx_gallery_conf = {
        **GALLERY_BASE,
        "examples_dirs": [str(gallery_root / lang)],
        "gallery_dirs": ["auto_examples"],
        "first_notebook_cell": notebook_first_cell(lang),
    }
    # Separate execution caches per language, outside the published HTML.
    config.nb_execution_cache_path = str(srcdir.parent / "_build" / ".jupyter_cache" / lang)
    config.html_theme_options = {
        **config.html_theme_options,
        "search_bar_text": text(lang, "site.search_bar"),
        "header_dropdown_text": text(lang, "site.more"),
    }
    # myst-nb's folded-cell prompts ("Show code cell source"); a page may set its own.
    config.nb_code_prompt_show = text(lang, "site.code_show")
    config.nb_code_prompt_hide = text(lang, "site.code_hide")
    if lang == "ko":
        app.add_js_file("ko_search_messages.js", defer="defer")


# sphinx-gallery writes English boilerplate into the generated .rst files: each piece is
# replaced by the catalogue's words for it (table [site.gallery]; English stays as it is).
_GALLERY_BOILERPLATE = [
    (r":ref:`Go to the end <(?P<ref>sphx_glr_download_[^>]+)>`\s+to download the full example code",
     "go_to_end"),
    (r"Download Python source code: ", "download_python"),
    (r"Download Jupyter notebook: ", "download_notebook"),
    (r"Download zipped: ", "download_zipped"),
    (r"\*\*Total running time of the script:\*\* \((?P<minutes>\d+) minutes (?P<seconds>[\d.]+) seconds\)",
     "running_time"),
]  # fmt: skip


def _localise_gallery(app, docname: str, source: list[str]) -> None:
    if not docname.startswith("auto_examples/"):
        return
    words = section(app.config.language, "site.gallery")
    page = source[0]
    for pattern, key in _GALLERY_BOILERPLATE:
        page = re.sub(pattern, lambda m, key=key: words[key].format(**m.groupdict()), page)
    source[0] = page


def _gallery_page(app, docname: str, source: list[str]) -> None:
    """A chapter page: its install link stays inside the site (the downloaded script keeps
    the absolute address), and a note on what the downloads need goes above the buttons."""
    if not docname.startswith("auto_examples/") or docname.endswith("/index"):
        return
    lang = app.config.language
    # A project without the page (the tests' tiny sites) keeps the published address.
    link = f":doc:`/{INSTALL_PAGE}`" if INSTALL_PAGE in app.env.found_docs else install_url(lang)
    page = source[0].replace(install_url(lang), link)
    label = re.search(r"^\.\. _sphx_glr_download_", page, re.MULTILINE)
    if label is None:
        raise ValueError(f"conf.py: {docname} has no sphinx-gallery download block")
    note = text(lang, "site.download_note", version=release, link=link)
    source[0] = page[: label.start()] + note + page[label.start() :]


def _mystnb_output_folder(app) -> None:
    # myst-nb writes executed notebooks to <outdir>/../jupyter_execute, i.e. into the
    # published html/ and shared by both languages; keep them per language, unpublished.
    folder = Path(app.srcdir).parent / "_build" / "jupyter_execute" / app.config.language
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder))


def setup(app):
    app.connect("config-inited", _per_language, priority=5)
    app.connect("builder-inited", _mystnb_output_folder, priority=900)  # after myst-nb's
    app.connect("source-read", _localise_gallery)
    app.connect("source-read", _gallery_page)
