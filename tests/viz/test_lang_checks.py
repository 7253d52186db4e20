"""Every drawing helper in ``layerguide.viz`` refuses an unknown language the same way.

One error type (:class:`layerguide.viz.FigureError`, a ``LayerguideError`` and a
``ValueError``), raised before any drawing or computing, with a message that starts with
the function's own name. The helpers are called with ``None`` for every required
argument: the language check must come first, so ``None`` is never touched.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from layerguide import LayerguideError, viz
from layerguide.viz import FigureError


def _helpers() -> list[tuple[str, Callable[..., Any]]]:
    found = []
    for name in viz.__all__:
        obj = getattr(viz, name)
        if inspect.isfunction(obj) and "lang" in inspect.signature(obj).parameters:
            found.append((name, obj))
    return found


HELPERS = _helpers()


def test_the_walk_finds_the_helpers() -> None:
    names = {name for name, _ in HELPERS}
    assert len(HELPERS) >= 30
    assert {"show_image", "animate_convolution", "size_table", "draw_quadrilaterals"} <= names


@pytest.mark.parametrize(("name", "helper"), HELPERS, ids=[name for name, _ in HELPERS])
def test_unknown_language_is_a_figure_error_naming_the_helper(
    name: str, helper: Callable[..., Any]
) -> None:
    required = {
        p.name: None
        for p in inspect.signature(helper).parameters.values()
        if p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }
    if name == "check_lang":
        required["where"] = "check_lang"
    with pytest.raises(FigureError) as info:
        helper(**{**required, "lang": "fr"})
    assert str(info.value) == f"{name}: lang must be one of ('en', 'ko'), got 'fr'"


def test_figure_error_is_both_a_layerguide_error_and_a_value_error() -> None:
    assert issubclass(FigureError, LayerguideError)
    assert issubclass(FigureError, ValueError)
