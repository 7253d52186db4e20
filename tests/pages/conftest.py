"""One home for page tests: run a gallery script (either language) and read its prose.

``page("plot_02_linear.py", "ko")`` runs the script once per test session, headless, in a
temporary working directory, and returns its global variables, so a test asserts the
numbers the page itself computed. ``prose(...)`` is the page's text (its docstring and
``# %%`` comment blocks) with the ``#`` markers and line breaks removed, so a test can check
that the number the code produced is the number the prose quotes.
"""

from __future__ import annotations

import os
import runpy
import tokenize
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pytest

GALLERY = Path(__file__).resolve().parents[2] / "gallery"
LANGS = ("en", "ko")

Page = Callable[[str, str], dict[str, Any]]
Prose = Callable[[str, str], str]


def gallery_scripts() -> list[str]:
    """The chapter scripts' file names (the same in both languages)."""
    return sorted(p.name for p in (GALLERY / "en").glob("plot_*.py"))


def _prose(path: Path) -> str:
    parts: list[str] = []
    with tokenize.open(path) as f:
        for tok in tokenize.generate_tokens(f.readline):
            if tok.type == tokenize.COMMENT:
                parts.append(tok.string.lstrip("#"))
            elif tok.type == tokenize.STRING and tok.start[0] == 1:
                parts.append(tok.string.strip("r").strip('"'))
    return " ".join(" ".join(parts).split())


@pytest.fixture(scope="session")
def page(tmp_path_factory: pytest.TempPathFactory) -> Page:
    """Run a gallery script (``name``, ``lang``) once and return its global variables."""
    import matplotlib.pyplot as plt

    done: dict[tuple[str, str], dict[str, Any]] = {}

    def run(name: str, lang: str = "en") -> dict[str, Any]:
        if lang not in LANGS:
            raise ValueError(f"page: lang must be one of {LANGS}, got {lang!r}")
        key = (name, lang)
        if key not in done:
            script = GALLERY / lang / name
            if not script.is_file():
                raise FileNotFoundError(f"page: no gallery script {script}")
            workdir = tmp_path_factory.mktemp(f"{lang}-{script.stem}")
            old = Path.cwd()
            with mpl.rc_context():  # the page sets fonts; keep them out of other tests
                mpl.use("Agg")
                os.chdir(workdir)
                try:
                    done[key] = runpy.run_path(str(script), run_name="__main__")
                finally:
                    os.chdir(old)
                    plt.close("all")
        return done[key]

    return run


@pytest.fixture(scope="module")
def training_cache() -> Iterator[None]:
    """Point ``LAYERGUIDE_CACHE`` at the docs build's cache (``docs/_build/cache``) unless set.

    Chapters that use a trained autoencoder then read the model ``nox -s docs`` trained (or
    train it once for both), so the tests and the docs build train only once.
    """
    patch = pytest.MonkeyPatch()
    if not os.environ.get("LAYERGUIDE_CACHE"):
        patch.setenv("LAYERGUIDE_CACHE", str(GALLERY.parent / "docs" / "_build" / "cache"))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def prose() -> Prose:
    """The prose of a gallery script, whitespace-normalised, ``#`` markers dropped."""

    def read(name: str, lang: str = "en") -> str:
        return _prose(GALLERY / lang / name)

    return read
