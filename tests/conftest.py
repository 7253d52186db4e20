"""Fixtures every test gets.

``totals_add_up``: every trace any test makes (the tracer's own tests, the CLI, and the
gallery pages the page tests run) goes through the two tracer engines, wrapped here so that
its total must equal the model's unique parameter count (``model.parameters()``: shared
parameters once, buffers apart). No test can trace without this check.
"""

from __future__ import annotations

import importlib.util

import pytest


@pytest.fixture(autouse=True)
def totals_add_up(monkeypatch):
    """Wrap both engines: every trace's total equals the model's unique parameter count."""
    if importlib.util.find_spec("torch") is None:
        # tests/install runs where only pytest is installed: it tests a wheel in its own venv.
        return
    from tests.tracer.helpers import assert_total_is_unique_count

    from layerguide.tracer import numpy_engine, torch_engine

    def checked(engine):
        def run(model, *args, **kwargs):
            result = engine(model, *args, **kwargs)
            assert_total_is_unique_count(model, result)
            return result

        return run

    monkeypatch.setattr(torch_engine, "trace_module", checked(torch_engine.trace_module))
    monkeypatch.setattr(numpy_engine, "trace_layers", checked(numpy_engine.trace_layers))
