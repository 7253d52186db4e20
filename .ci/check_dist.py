#!/usr/bin/env python3
"""Check what the built distributions hold before they go to PyPI.

    python .ci/check_dist.py dist/*                  # nox -s build runs this
    python .ci/check_dist.py --tag v0.1.0 dist/*     # the release workflow adds its tag

The wheel holds the package and nothing else: every file under ``layerguide/`` or its
``.dist-info/``, no tests, no datasets or trained models, no caches or build output, no file
over 1 MB. The sdist holds the source tree (tests included, so it can be tested and rebuilt)
and likewise no build output, data or caches. Both carry the same version, and with
``--tag`` that version must be the tag's (``v`` + ``[project] version`` in pyproject.toml,
the one place the version is written). Standard library only; ``twine check --strict``
validates the metadata separately. Exit status 1 lists every problem.
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
import zipfile
from email.parser import HeaderParser
from pathlib import Path, PurePosixPath

PACKAGE = "layerguide"
MAX_FILE_BYTES = 1_000_000
#: Folders that only build tools, test runs and caches make (and the tests, in a wheel).
BUILT_FOLDERS = frozenset(
    {"_build", "__pycache__", ".nox", ".venv", ".pytest_cache", ".mypy_cache", ".ruff_cache",
     ".hypothesis", "dist", "build", "auto_examples", "node_modules", ".ipynb_checkpoints",
     ".jupyter_cache", "jupyter_execute", ".git"}
)  # fmt: skip
#: Datasets, trained models, compiled files: made by running the code, never shipped.
BUILT_SUFFIXES = frozenset(
    {".pt", ".pth", ".ckpt", ".npz", ".npy", ".pkl", ".pickle", ".gz", ".idx", ".mo", ".pyc",
     ".pyo", ".whl", ".zip", ".tar"}
)  # fmt: skip


def _built(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(BUILT_FOLDERS.intersection(path.parts[:-1])) or path.suffix in BUILT_SUFFIXES


def wheel_problems(path: Path) -> tuple[str, list[str]]:
    """(version, problems) of the wheel at ``path``."""
    problems = []
    with zipfile.ZipFile(path) as wheel:
        infos = wheel.infolist()
        names = [info.filename for info in infos]
        dist_info = [n for n in names if re.fullmatch(rf"{PACKAGE}-[^/]+\.dist-info/METADATA", n)]
        if len(dist_info) != 1:
            return "", [
                f"{path.name}: expected one {PACKAGE}-*.dist-info/METADATA, got {dist_info}"
            ]
        metadata = HeaderParser().parsestr(wheel.read(dist_info[0]).decode("utf-8"))
        top = (f"{PACKAGE}/", dist_info[0].removesuffix("METADATA"))
        for info in infos:
            name = info.filename
            if not name.startswith(top):
                problems.append(f"{path.name}: {name} is not part of the package")
            elif name.startswith(f"{PACKAGE}/") and "tests" in PurePosixPath(name).parts:
                problems.append(f"{path.name}: {name} is a test")
            if _built(name):
                problems.append(f"{path.name}: {name} is build output, data or a cache")
            if info.file_size > MAX_FILE_BYTES:
                problems.append(f"{path.name}: {name} is {info.file_size:,} bytes")
        if f"{PACKAGE}/__init__.py" not in names:
            problems.append(f"{path.name}: no {PACKAGE}/__init__.py")
    return metadata["Version"] or "", problems


def sdist_problems(path: Path) -> tuple[str, list[str]]:
    """(version, problems) of the sdist at ``path``."""
    problems = []
    with tarfile.open(path) as sdist:
        members = [m for m in sdist.getmembers() if m.isfile()]
        roots = {PurePosixPath(m.name).parts[0] for m in members}
        if len(roots) != 1:
            return "", [f"{path.name}: expected one top folder, got {sorted(roots)}"]
        (root,) = roots
        inside = {PurePosixPath(*PurePosixPath(m.name).parts[1:]).as_posix(): m for m in members}
        if "PKG-INFO" not in inside:
            return "", [f"{path.name}: no PKG-INFO"]
        pkg_info = sdist.extractfile(inside["PKG-INFO"])
        assert pkg_info is not None
        metadata = HeaderParser().parsestr(pkg_info.read().decode("utf-8"))
        for name, member in inside.items():
            if _built(name):
                problems.append(f"{path.name}: {name} is build output, data or a cache")
            if member.size > MAX_FILE_BYTES:
                problems.append(f"{path.name}: {name} is {member.size:,} bytes")
        for needed in ("pyproject.toml", "README.md", "LICENSE", f"src/{PACKAGE}/__init__.py"):
            if needed not in inside:
                problems.append(f"{path.name}: {needed} is missing")
        version = metadata["Version"] or ""
        if root != f"{PACKAGE}-{version}":
            problems.append(f"{path.name}: top folder {root}, expected {PACKAGE}-{version}")
    return version, problems


def check(paths: list[Path], tag: str | None = None) -> list[str]:
    """Every problem of the distributions ``paths`` (one wheel and one sdist)."""
    wheels = [p for p in paths if p.name.endswith(".whl")]
    sdists = [p for p in paths if p.name.endswith(".tar.gz")]
    problems = [
        f"{p.name}: neither a wheel nor an sdist" for p in paths if p not in wheels + sdists
    ]
    if len(wheels) != 1 or len(sdists) != 1:
        problems.append(f"expected one wheel and one sdist, got {[p.name for p in paths]}")
    versions = set()
    for p in wheels:
        version, found = wheel_problems(p)
        versions.add(version)
        problems += found
    for p in sdists:
        version, found = sdist_problems(p)
        versions.add(version)
        problems += found
    if len(versions) > 1:
        problems.append(f"the distributions disagree on the version: {sorted(versions)}")
    if tag is not None and versions != {tag.removeprefix("v")}:
        problems.append(f"tag {tag} does not match the version {sorted(versions)} (pyproject.toml)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dists", nargs="+", type=Path, help="the wheel and the sdist")
    parser.add_argument("--tag", help="the release tag, e.g. v0.1.0: must match the version")
    args = parser.parse_args(argv)
    problems = check(args.dists, args.tag)
    for problem in problems:
        print(f"check_dist: {problem}", file=sys.stderr)
    if not problems:
        print(f"check_dist: {', '.join(p.name for p in args.dists)}: contents OK")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
