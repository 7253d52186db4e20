"""One lazy loader: a package names what it exports and where each name is defined.

Importing torch takes seconds, so :mod:`layerguide` and :mod:`layerguide.autoencoder` load
their torch-based names on first use. Each package builds its module ``__getattr__`` and
``__dir__`` here (PEP 562) from a table ``{name: defining module}``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any

from layerguide.errors import StateError

__all__ = ["attach"]


def attach(
    package: str, lazy: Mapping[str, str], public: Iterable[str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for ``package``.

    ``lazy`` maps each name to the module that defines it (absolute, or relative to
    ``package`` when it starts with a dot); ``public`` is the package's ``__all__`` (a
    literal list in the package, so type checkers see it), which must hold every lazy name.

    >>> getattr_, dir_ = attach("layerguide", {"trace": ".tracer"}, ["trace"])
    >>> getattr_("trace").__name__, dir_()
    ('trace', ['trace'])
    """
    table = dict(lazy)
    names = sorted(public)
    if missing := sorted(set(table) - set(names)):
        raise StateError(f"{package}: lazy names missing from __all__: {missing}")

    def __getattr__(name: str) -> Any:
        if name in table:
            return getattr(import_module(table[name], package), name)
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return names

    return __getattr__, __dir__
