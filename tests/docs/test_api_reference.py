"""The API reference (both languages) documents every public name of every public module.

A name counts as documented when an ``automodule`` directive covers its module or one of
the packages that re-export it, or when an ``autoclass``/``autofunction``/… directive
names it there. Public means: in the module's ``__all__``, or (without ``__all__``) a
class or function the module itself defines with a name not starting with ``_``, in a
module whose dotted path has no part starting with ``_``.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest
from sphinx.pycode import ModuleAnalyzer

import layerguide

DOCS = Path(__file__).resolve().parents[2] / "docs"
SRC = Path(layerguide.__file__).parent


def public_modules() -> list[str]:
    names = ["layerguide"]
    for info in pkgutil.walk_packages([str(SRC)], "layerguide."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


def public_names(module: str) -> list[str]:
    mod = importlib.import_module(module)
    if hasattr(mod, "__all__"):
        return [name for name in mod.__all__ if not name.startswith("_")]
    return [
        name
        for name, obj in vars(mod).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and obj.__module__ == module
    ]


def directives(lang: str) -> tuple[dict[str, list[str] | None], set[str]]:
    """The API pages' autodoc directives.

    Returns the modules given to ``automodule`` (each with the names its ``:members:``
    option lists, or ``None`` for all its public names) and the dotted names given to the
    other auto directives (``autoclass``, ``autofunction``, ``autodata``, …).
    """
    text = "\n".join(p.read_text(encoding="utf-8") for p in (DOCS / lang / "api").glob("*.rst"))
    modules: dict[str, list[str] | None] = {}
    names = set()
    pattern = r"^\.\. auto(\w+):: ([\w.]+)[ \t]*\n((?:[ \t]+:.*\n)*)"
    for kind, target, options in re.findall(pattern, text, re.MULTILINE):
        if kind != "module":
            names.add(target)
            continue
        listed = re.search(r":members:[ \t]*(.*)", options)
        members = listed.group(1).strip() if listed else ""
        modules[target] = [m.strip() for m in members.split(",")] if members else None
    return modules, names


def documented(lang: str) -> set[tuple[str, int]]:
    """(name, id of the object) of everything the API pages document.

    Identity, not the dotted path, decides: a re-export (``layerguide.trace`` is
    ``layerguide.tracer.trace``, ``models.DECODERS`` is ``decoders.DECODERS``) is documented
    where its original is.
    """
    modules, names = directives(lang)
    dotted = set(names)
    for module, members in modules.items():
        attr_docs = ModuleAnalyzer.for_module(module).find_attr_docs()
        for name in members or public_names(module):
            obj = getattr(importlib.import_module(module), name, None)
            # automodule renders a constant only when it has a ``#:`` comment or docstring
            if inspect.isclass(obj) or callable(obj) or ("", name) in attr_docs:
                dotted.add(f"{module}.{name}")
    found = set()
    for full in dotted:
        module, _, name = full.rpartition(".")
        if hasattr(mod := importlib.import_module(module), name):
            found.add((name, id(getattr(mod, name))))
    return found


def undocumented(lang: str) -> list[str]:
    """Public names whose object no API page documents."""
    found = documented(lang)
    missing = []
    for module in public_modules():
        mod = importlib.import_module(module)
        missing += [
            f"{module}.{name}"
            for name in public_names(module)
            if (name, id(getattr(mod, name))) not in found
        ]
    return missing


def test_the_walk_sees_the_package() -> None:
    modules = public_modules()
    assert {"layerguide.layers.conv", "layerguide.viz.animate.conv", "layerguide.kernels"} <= set(
        modules
    )
    assert "layerguide.viz._lang" not in modules
    assert "Conv2d" in public_names("layerguide.layers.conv")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_public_name_is_in_the_api_reference(lang: str) -> None:
    missing = undocumented(lang)
    assert not missing, f"docs/{lang}/api/ documents none of: {missing}"


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_autodoc_target_exists(lang: str) -> None:
    modules, names = directives(lang)
    stale = []
    for module, members in modules.items():
        try:
            mod = importlib.import_module(module)
        except ImportError:
            stale.append(module)
            continue
        stale += [f"{module}.{name}" for name in members or [] if not hasattr(mod, name)]
    for dotted in names:
        module, _, name = dotted.rpartition(".")
        try:
            if not hasattr(importlib.import_module(module), name):
                stale.append(dotted)
        except ImportError:
            stale.append(dotted)
    assert not stale, f"docs/{lang}/api/ names what does not exist: {stale}"
