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
from pathlib import Path

import layerguide

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))

project = "layerguide"
author = "layerguide developers"
copyright = "2026, layerguide developers"
release = version = layerguide.__version__
language = "en"

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
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
myst_heading_anchors = 3
nb_execution_mode = "cache"
nb_execution_raise_on_error = True
nb_execution_timeout = 300
nb_execution_show_tb = True

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

SEARCH_TEXT = {"en": "Search the docs ...", "ko": "문서 검색 ..."}


def _per_language(app, config) -> None:
    lang = config.language or "en"
    if lang not in SEARCH_TEXT:
        raise ValueError(f"conf.py: language must be one of {sorted(SEARCH_TEXT)}, got {lang!r}")
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
    }
    # Separate execution caches per language, outside the published HTML.
    config.nb_execution_cache_path = str(srcdir.parent / "_build" / ".jupyter_cache" / lang)
    config.html_theme_options = {**config.html_theme_options, "search_bar_text": SEARCH_TEXT[lang]}
    if lang == "ko":
        app.add_js_file("ko_search_messages.js", defer="defer")
        # myst-nb's folded-cell prompts ("Show code cell source"); a page may set its own.
        config.nb_code_prompt_show = "코드 보기"
        config.nb_code_prompt_hide = "코드 접기"


# sphinx-gallery writes English boilerplate into the generated .rst files.
_KO_BOILERPLATE = [
    (r":ref:`Go to the end <(sphx_glr_download_[^>]+)>`\s+to download the full example code",
     r":ref:`맨 아래 <\1>`\ 에서 전체 예제 코드를 내려받을 수 있습니다"),
    (r"Download Python source code: ", "파이썬 소스 코드 내려받기: "),
    (r"Download Jupyter notebook: ", "주피터 노트북 내려받기: "),
    (r"Download zipped: ", "압축 파일 내려받기: "),
    (r"\*\*Total running time of the script:\*\* \((\d+) minutes ([\d.]+) seconds\)",
     r"**스크립트 전체 실행 시간:** (\1분 \2초)"),
]  # fmt: skip


def _localise_gallery(app, docname: str, source: list[str]) -> None:
    if app.config.language != "ko" or not docname.startswith("auto_examples/"):
        return
    text = source[0]
    for pattern, repl in _KO_BOILERPLATE:
        text = re.sub(pattern, repl, text)
    source[0] = text


def _mystnb_output_folder(app) -> None:
    # myst-nb writes executed notebooks to <outdir>/../jupyter_execute, i.e. into the
    # published html/ and shared by both languages; keep them per language, unpublished.
    folder = Path(app.srcdir).parent / "_build" / "jupyter_execute" / app.config.language
    app.env.mystnb_config = app.env.mystnb_config.copy(output_folder=str(folder))


def setup(app):
    app.connect("config-inited", _per_language, priority=5)
    app.connect("builder-inited", _mystnb_output_folder, priority=900)  # after myst-nb's
    app.connect("source-read", _localise_gallery)
