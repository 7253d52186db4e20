"""Fixtures for the tracer tests.

Golden files live in ``tests/tracer/golden/``. After an intended change of the tables,
regenerate them and review the diff::

    LAYERGUIDE_REGEN_GOLDEN=1 pytest tests/tracer/test_golden.py

Every trace a test here makes (``trace``, the CLI, ``real_trace``) goes through the two
engines, which ``totals_add_up`` wraps: its total must be the model's unique parameter
count. ``test_totals.py`` checks that no test module binds an engine function by name,
which would get round the wrapper.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.tracer.helpers import assert_total_is_unique_count

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


@pytest.fixture(autouse=True)
def totals_add_up(monkeypatch):
    """Wrap both engines: every trace's total equals the model's unique parameter count."""
    from layerguide.tracer import numpy_engine, torch_engine

    def checked(engine):
        def run(model, *args, **kwargs):
            result = engine(model, *args, **kwargs)
            assert_total_is_unique_count(model, result)
            return result

        return run

    monkeypatch.setattr(torch_engine, "trace_module", checked(torch_engine.trace_module))
    monkeypatch.setattr(numpy_engine, "trace_layers", checked(numpy_engine.trace_layers))
