"""The docs build's notebook kernels talk over an encrypted link (CurveZMQ keys provisioned
by the kernel manager), so ipykernel has nothing to warn about (it printed "Kernel is running
over TCP without encryption" once per executed notebook, twelve lines in a clean build).

The kernel runs in another folder, as jupyter-cache runs it (in the notebook's folder).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

CONF = Path(__file__).resolve().parents[2] / "docs" / "conf.py"
WARNING = "without encryption"

RUN = textwrap.dedent(
    """
    import runpy, sys
    import nbformat
    from nbclient import NotebookClient
    if sys.argv[1] == "conf":
        runpy.run_path({conf!r})  # what sphinx-build does with docs/conf.py
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    NotebookClient(nb, timeout=120, resources={{"metadata": {{"path": sys.argv[2]}}}}).execute()
    print(nb.cells[0].outputs[0]["text"].strip())
    """
).format(conf=str(CONF))


def _run(mode: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN, mode, str(CONF.parent / "en" / "exercises")],
        check=False,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=CONF.parent,
    )


def test_docs_kernels_do_not_warn_about_tcp() -> None:
    plain = _run("plain")
    assert plain.returncode == 0, plain.stderr[-2000:]
    if WARNING not in plain.stderr:
        pytest.skip("this ipykernel does not warn about TCP: nothing to compare")
    built = _run("conf")
    assert built.returncode == 0, built.stderr[-2000:]
    assert built.stdout.strip().splitlines()[-1] == "42"
    assert WARNING not in built.stderr
