"""Nothing built is tracked, and nothing built ships.

Build output once reached git (a relative cache path put 33 MB of MNIST arrays and trained
models under ``gallery/<lang>/docs/_build/``): these tests fail if a tracked file is built
output or large, and if the sdist would carry build output found in the tree.
"""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

import pytest

ROOT = Path(__file__).resolve().parents[1]
MAX_TRACKED_BYTES = 1_000_000
BUILT_SUFFIXES = {".pt", ".pth", ".npz", ".npy", ".pkl", ".mo", ".pyc"}
BUILT_FOLDERS = {"_build", "__pycache__", ".nox", ".venv", "dist", "auto_examples"}


def _built(path: str) -> bool:
    p = PurePosixPath(path)
    return p.suffix in BUILT_SUFFIXES or bool(BUILT_FOLDERS.intersection(p.parts))


def _tracked() -> list[str]:
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout (e.g. an unpacked sdist): nothing is tracked")
    out = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True
    ).stdout
    return [name for name in out.decode().split("\0") if name]


def test_the_rule_knows_build_output() -> None:
    assert _built("gallery/en/docs/_build/cache/models/fc-1.pt")
    assert _built("anywhere/data.npz")
    assert not _built("src/layerguide/layers/conv.py")
    assert not _built("docs/en/chapters/build-notes.md")


def test_no_tracked_file_is_build_output() -> None:
    built = [name for name in _tracked() if _built(name)]
    assert built == [], f"build output is tracked by git: {built[:10]}"


def test_no_tracked_file_is_large() -> None:
    large = {
        name: size
        for name in _tracked()
        if (ROOT / name).is_file() and (size := (ROOT / name).stat().st_size) > MAX_TRACKED_BYTES
    }
    assert large == {}, f"tracked files over {MAX_TRACKED_BYTES:,} bytes: {large}"


def test_sdist_leaves_build_output_out(tmp_path: Path) -> None:
    """Build output planted where it once was (and elsewhere) stays out of the sdist."""
    hatchling = pytest.importorskip("hatchling.builders.sdist")
    tree = tmp_path / "tree"
    for name in _tracked():
        if (ROOT / name).is_file():
            (tree / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, tree / name)
    planted = [
        "gallery/en/docs/_build/cache/models/fc-0.pt",
        "gallery/ko/docs/_build/cache/mnist/test.npz",
        "docs/_build/html/index.html",
        "src/layerguide/stray.npz",
    ]
    for name in planted:
        (tree / name).parent.mkdir(parents=True, exist_ok=True)
        (tree / name).write_bytes(b"built")
    builder = hatchling.SdistBuilder(str(tree))
    (sdist,) = (Path(p) for p in builder.build(directory=str(tmp_path / "dist")))
    with tarfile.open(sdist) as tar:
        names = [PurePosixPath(*PurePosixPath(n).parts[1:]).as_posix() for n in tar.getnames()]
    assert "src/layerguide/__init__.py" in names
    assert [n for n in names if _built(n)] == []
