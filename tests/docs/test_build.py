"""The real docs configuration on tiny projects: a failing example must fail the build."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

INDEX = """Test
====

.. toctree::

   auto_examples/index
"""

GOOD = '''r"""
Good example
============

Prints a shape.
"""

# %%
import numpy as np

print(np.zeros((2, 3)).shape)
'''

BAD = '''r"""
Bad example
===========

Raises.
"""

# %%
raise RuntimeError("this example is broken on purpose")
'''


def build(tmp_path: Path, lang: str, script: str) -> subprocess.CompletedProcess[str]:
    src = tmp_path / "docs" / lang
    gallery = tmp_path / "gallery" / lang
    src.mkdir(parents=True)
    gallery.mkdir(parents=True)
    (src / "index.rst").write_text(INDEX, encoding="utf-8")
    (gallery / "GALLERY_HEADER.rst").write_text("Gallery\n=======\n", encoding="utf-8")
    (gallery / "plot_example.py").write_text(script, encoding="utf-8")
    env = {**os.environ, "LAYERGUIDE_GALLERY_ROOT": str(tmp_path / "gallery"), "MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(ROOT / "docs")]
    cmd += ["-D", f"language={lang}", "-W", "-n", "--keep-going", "-q"]
    cmd += ["-d", str(tmp_path / "doctrees"), str(src), str(tmp_path / "html")]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_good_example_builds_without_warnings(tmp_path: Path, lang: str) -> None:
    result = build(tmp_path, lang, GOOD)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "html" / "auto_examples" / "plot_example.html").read_text(encoding="utf-8")
    page = " ".join(re.sub(r"<[^>]+>", "", html).split())  # visible text, one space apart
    assert "(2, 3)" in page
    if lang == "ko":
        assert "파이썬 소스 코드 내려받기" in page  # gallery boilerplate localised
        assert "Download Python source code" not in page


@pytest.mark.slow
def test_failing_example_fails_the_build(tmp_path: Path) -> None:
    result = build(tmp_path, "en", BAD)
    assert result.returncode != 0
    assert "this example is broken on purpose" in result.stderr + result.stdout
