from __future__ import annotations

import subprocess
import sys

import pytest

import layerguide
from layerguide.cli import main


def test_version(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"layerguide {layerguide.__version__}"


def test_python_dash_m_help() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "layerguide", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "usage: layerguide" in out


def test_no_command_prints_help(capsys) -> None:
    assert main([]) == 0
    assert "usage: layerguide" in capsys.readouterr().out


def test_import_is_light() -> None:
    """``import layerguide`` must not pull in torch (the tracer is lazy)."""
    code = "import sys, layerguide; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
