"""What a release uploads to PyPI: the wheel and the sdist built from this tree.

- The wheel holds the package and its data files, nothing else (``.ci/check_dist.py``, the
  same check ``nox -s build`` and the release workflow run, plus the exact file list).
- The metadata is valid core metadata (``packaging``'s validation, what ``twine check``
  builds on; ``twine check --strict`` itself runs in ``nox -s build``), with the version
  written once, in pyproject.toml, and the project's URLs.
- The sdist rebuilds the same wheel, file for file.

Built here with hatchling's builders directly: no network, a few seconds.
(``tests/test_repository.py`` checks the sdist for build output planted in the tree.)
"""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
import subprocess
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
from hatchling.builders.sdist import SdistBuilder
from hatchling.builders.wheel import WheelBuilder
from packaging.metadata import Metadata

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION = PYPROJECT["project"]["version"]


def _check_dist():  # .ci/ is not a package: load the script as a module
    spec = importlib.util.spec_from_file_location("check_dist", ROOT / ".ci" / "check_dist.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


check_dist = _check_dist()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The wheel and the sdist built from this tree, and the wheel built from that sdist."""
    out = tmp_path_factory.mktemp("dist")
    (wheel,) = WheelBuilder(str(ROOT)).build(directory=str(out / "tree"))
    (sdist,) = SdistBuilder(str(ROOT)).build(directory=str(out / "tree"))
    unpacked = out / "unpacked"
    with tarfile.open(sdist) as tar:
        # The "data" filter (no links out, no absolute paths) exists from Python 3.11.4 on;
        # Debian 12's system Python is 3.11.2, and the sdist is our own build.
        if hasattr(tarfile, "data_filter"):
            tar.extractall(unpacked, filter="data")
        else:
            tar.extractall(unpacked)
    (source,) = unpacked.iterdir()
    (rebuilt,) = WheelBuilder(str(source)).build(directory=str(out / "from-sdist"))
    return {"wheel": Path(wheel), "sdist": Path(sdist), "rebuilt": Path(rebuilt)}


def _package_files() -> list[str]:
    """src/layerguide's files that git tracks, as wheel paths."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout: no list of tracked files")
    out = subprocess.run(
        ["git", "-C", str(ROOT), "ls-files", "-z", "src/layerguide"],
        capture_output=True,
        check=True,
    ).stdout.decode()
    return sorted(name.removeprefix("src/") for name in out.split("\0") if name)


def test_the_wheel_holds_the_package_and_nothing_else(built: dict[str, Path]) -> None:
    version, problems = check_dist.wheel_problems(built["wheel"])
    assert problems == []
    assert version == VERSION
    with zipfile.ZipFile(built["wheel"]) as wheel:
        names = wheel.namelist()
    dist_info = f"layerguide-{VERSION}.dist-info/"
    assert sorted(n for n in names if not n.startswith(dist_info)) == _package_files()
    assert sorted(n.removeprefix(dist_info) for n in names if n.startswith(dist_info)) == [
        "METADATA", "RECORD", "WHEEL", "entry_points.txt", "licenses/LICENSE",
    ]  # fmt: skip


def test_the_sdist_and_both_together_pass_the_release_check(built: dict[str, Path]) -> None:
    assert check_dist.sdist_problems(built["sdist"]) == (VERSION, [])
    assert check_dist.check([built["wheel"], built["sdist"]], tag=f"v{VERSION}") == []
    wrong_tag = check_dist.check([built["wheel"], built["sdist"]], tag="v99.0.0")
    assert wrong_tag == [f"tag v99.0.0 does not match the version ['{VERSION}'] (pyproject.toml)"]


def test_the_check_finds_what_must_not_ship(built: dict[str, Path], tmp_path: Path) -> None:
    """A wheel with a test, a dataset, a cache and a stray top-level file fails the check."""
    bad = tmp_path / built["wheel"].name
    with zipfile.ZipFile(built["wheel"]) as good, zipfile.ZipFile(bad, "w") as out:
        for info in good.infolist():
            out.writestr(info, good.read(info))
        for name in ("layerguide/tests/test_x.py", "layerguide/data/mnist.npz",
                     "layerguide/__pycache__/cli.cpython-311.pyc", "docs/index.html"):  # fmt: skip
            out.writestr(name, b"x")
        out.writestr("layerguide/big.bin", b"\0" * (check_dist.MAX_FILE_BYTES + 1))
    _, problems = check_dist.wheel_problems(bad)
    text = "\n".join(problems)
    assert "layerguide/tests/test_x.py is a test" in text
    assert "layerguide/data/mnist.npz is build output, data or a cache" in text
    assert "__pycache__/cli.cpython-311.pyc is build output" in text
    assert "docs/index.html is not part of the package" in text
    assert f"layerguide/big.bin is {check_dist.MAX_FILE_BYTES + 1:,} bytes" in text


def _metadata(wheel: Path) -> tuple[str, Metadata]:
    with zipfile.ZipFile(wheel) as z:
        raw = z.read(f"layerguide-{VERSION}.dist-info/METADATA").decode("utf-8")
    return raw, Metadata.from_email(raw, validate=True)  # raises on any invalid field


def test_the_metadata_is_valid_and_complete(built: dict[str, Path]) -> None:
    _, meta = _metadata(built["wheel"])
    assert meta.name == "layerguide"
    assert str(meta.version) == VERSION
    assert str(meta.requires_python) == ">=3.11"
    assert meta.license_expression == "MIT"
    assert meta.license_files == ["LICENSE"]
    assert meta.description_content_type == "text/markdown"
    assert meta.description is not None
    assert meta.description.startswith("# layerguide")
    assert meta.summary
    assert set(meta.project_urls or {}) >= {"Documentation", "Source", "Issues", "Changelog"}
    assert all(url.startswith("https://") for url in (meta.project_urls or {}).values())
    assert {str(r.name) for r in meta.requires_dist or []} >= {"numpy", "torch", "matplotlib"}
    with tarfile.open(built["sdist"]) as tar:
        member = tar.extractfile(f"layerguide-{VERSION}/PKG-INFO")
        assert member is not None
        sdist_meta = Metadata.from_email(io.TextIOWrapper(member).read(), validate=True)
    assert (sdist_meta.name, sdist_meta.version) == (meta.name, meta.version)


def test_the_sdist_rebuilds_the_same_wheel(built: dict[str, Path]) -> None:
    assert built["rebuilt"].name == built["wheel"].name
    with zipfile.ZipFile(built["wheel"]) as a, zipfile.ZipFile(built["rebuilt"]) as b:
        assert a.namelist() == b.namelist()
        different = [n for n in a.namelist() if a.read(n) != b.read(n)]
    assert different == []


def test_the_version_is_written_once() -> None:
    """pyproject.toml has it; the package and the docs read it from the installed metadata."""
    init = (ROOT / "src" / "layerguide" / "__init__.py").read_text(encoding="utf-8")
    assert 'version("layerguide")' in init
    conf = (ROOT / "docs" / "conf.py").read_text(encoding="utf-8")
    assert "release = version = layerguide.__version__" in conf
    literal = re.compile(rf"""["']{re.escape(VERSION)}["']""")
    for path in [*(ROOT / "src").rglob("*.py"), ROOT / "docs" / "conf.py", ROOT / "noxfile.py"]:
        assert not literal.search(path.read_text(encoding="utf-8")), f"{path}: a version literal"
    assert f"## [{VERSION}]" in (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")


def test_nox_build_runs_twine_check_and_the_contents_check() -> None:
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    build = noxfile[noxfile.index("def build(") :]
    build = build[: build.index("\n@nox.session")]
    assert '"twine", "check", "--strict"' in build
    assert '".ci/check_dist.py"' in build
    groups = PYPROJECT["dependency-groups"]["release"]
    assert {re.split(r"[<>=]", g)[0] for g in groups} == {"build", "twine"}
