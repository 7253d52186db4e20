"""Every drawing helper in ``layerguide.viz`` refuses an unknown language the same way.

One error type for a language (:class:`layerguide.errors.LanguageError`, a
``LayerguideError`` and a ``ValueError``, from :func:`layerguide.i18n.check_lang`), raised
before any drawing or computing, with a message that starts with the function's own name. The helpers are called with ``None`` for every required
argument: the language check must come first, so ``None`` is never touched.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import pytest

from layerguide import LayerguideError, viz
from layerguide.errors import ArgumentError, LanguageError


def _helpers() -> list[tuple[str, Callable[..., Any]]]:
    found: list[tuple[str, Callable[..., Any]]] = []
    for name in viz.__all__:
        obj = getattr(viz, name)
        if inspect.isfunction(obj) and "lang" in inspect.signature(obj).parameters:
            found.append((name, obj))
    return found


HELPERS = _helpers()


def test_the_walk_finds_the_helpers() -> None:
    names = {name for name, _ in HELPERS}
    assert len(HELPERS) >= 30
    assert {"show_image", "animate_convolution", "size_table", "show_quadrilaterals"} <= names


@pytest.mark.parametrize(("name", "helper"), HELPERS, ids=[name for name, _ in HELPERS])
def test_unknown_language_is_a_language_error_naming_the_helper(
    name: str, helper: Callable[..., Any]
) -> None:
    required = {
        p.name: None
        for p in inspect.signature(helper).parameters.values()
        if p.default is inspect.Parameter.empty
        and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)
    }
    with pytest.raises(LanguageError) as info:
        helper(**{**required, "lang": "fr"})
    assert str(info.value) == f"{name}: lang must be one of ('en', 'ko'), got 'fr'"


def test_figure_and_language_errors_are_layerguide_errors_and_value_errors() -> None:
    for error in (ArgumentError, LanguageError):
        assert issubclass(error, LayerguideError)
        assert issubclass(error, ValueError)
