"""Fixtures for the tracer tests.

Golden files live in ``tests/tracer/golden/``. After an intended change of the tables,
regenerate them and review the diff::

    LAYERGUIDE_REGEN_GOLDEN=1 pytest tests/tracer/test_golden.py

Every trace a test makes goes through the two engines, which ``totals_add_up`` (in
``tests/conftest.py``, so it covers the page tests too) wraps: its total must be the
model's unique parameter count. ``test_totals.py`` checks that no test module binds an
engine function by name, which would get round the wrapper.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("LAYERGUIDE_REGEN_GOLDEN", "") not in {"", "0"}


@pytest.fixture
def golden():
    """``golden(name, text)``: compare ``text`` with ``golden/name`` (or rewrite it)."""

    def check(name: str, text: str) -> None:
        path = GOLDEN / name
        if REGEN:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert path.is_file(), f"missing golden file {path}; run with LAYERGUIDE_REGEN_GOLDEN=1"
        assert text == path.read_text(encoding="utf-8"), (
            f"{name} changed; if intended, regenerate with LAYERGUIDE_REGEN_GOLDEN=1"
        )

    return check
