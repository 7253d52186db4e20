"""One catalogue per language: every word the package, the site's extensions and its
JavaScript show to a reader.

A catalogue is a TOML file a translator can read and edit without reading code:
``src/layerguide/locales/<lang>.toml``. Tables group the words by the part that shows them
(``[viz.conv]``, ``[tracer.table]``, ``[playground]`` …) and ``{name}`` marks a value filled
in at run time (Python's ``str.format`` syntax, e.g. ``{loss:.4f}``). The languages are
the catalogues there are: adding a language means adding a catalogue (every key of
``en.toml``, translated) — no code changes. ``$LAYERGUIDE_LOCALES`` (folders, separated
by ``os.pathsep``) adds catalogues from elsewhere; the tests use it to prove the point.

There is no fallback: an unknown language is a :class:`~layerguide.errors.LanguageError`,
and a key missing from one catalogue fails ``tests/test_i18n.py``.

>>> LANGS
('en', 'ko')
>>> text("ko", "viz.conv.setting", s=2, p=1)
'스트라이드 2, 패딩 1'
>>> check_lang("show_image", "fr")
Traceback (most recent call last):
...
layerguide.errors.LanguageError: show_image: lang must be one of ('en', 'ko'), got 'fr'
"""

from __future__ import annotations

import functools
import os
import tomllib
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from layerguide.errors import ArgumentError, LanguageError

__all__ = ["LANGS", "catalogue", "check_lang", "display_width", "section", "text"]

#: The folder of the catalogues that ship with the package.
LOCALES = Path(__file__).with_name("locales")
#: Folders of further catalogues (``os.pathsep``-separated); a file there wins over ours.
LOCALES_ENV = "LAYERGUIDE_LOCALES"


def _folders() -> list[Path]:
    extra = os.environ.get(LOCALES_ENV, "")
    return [LOCALES, *(Path(p) for p in extra.split(os.pathsep) if p)]


def _files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in _folders():
        for path in sorted(folder.glob("*.toml")):
            found[path.stem] = path
    return found


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, str):
            flat[name] = value
        else:
            raise ArgumentError(f"catalogue: {name} must be text, got {type(value).__name__}")
    return flat


_FILES = _files()
#: The languages layerguide speaks, one per catalogue, English first.
LANGS: tuple[str, ...] = tuple(sorted(_FILES, key=lambda code: (code != "en", code)))


def check_lang(where: str, lang: object) -> str:
    """``lang`` if it has a catalogue, else a :class:`~layerguide.errors.LanguageError` naming ``where``.

    Every function that takes ``lang`` calls this first.

    >>> check_lang("trace", "ko")
    'ko'
    """
    if not isinstance(lang, str) or lang not in LANGS:
        raise LanguageError(f"{where}: lang must be one of {LANGS}, got {lang!r}")
    return lang


@functools.cache
def catalogue(lang: str) -> Mapping[str, str]:
    """Every key of ``lang``'s catalogue, flattened (``"viz.conv.input"`` → its text)."""
    check_lang("catalogue", lang)
    with _FILES[lang].open("rb") as f:
        return _flatten(tomllib.load(f))


def text(lang: str, key: str, /, **values: Any) -> str:
    """The text of ``key`` in ``lang``, with ``{name}`` fields filled from ``values``.

    >>> text("en", "viz.conv.setting", s=2, p=1)
    'stride 2, padding 1'
    """
    words = catalogue(check_lang("text", lang))
    if key not in words:
        raise ArgumentError(f"text: the {lang} catalogue ({_FILES[lang].name}) has no key {key!r}")
    return words[key].format(**values) if values else words[key]


def section(lang: str, prefix: str) -> dict[str, str]:
    """Every key under ``prefix`` (without the prefix), unformatted: what a figure's label
    table or a JavaScript payload needs.

    >>> section("en", "viz.conv")["input"]
    'input'
    """
    words = catalogue(check_lang("section", lang))
    start = f"{prefix}."
    found = {key[len(start) :]: value for key, value in words.items() if key.startswith(start)}
    if not found:
        raise ArgumentError(f"section: the {lang} catalogue has no table [{prefix}]")
    return found


def display_width(text: str) -> int:
    """How many terminal columns ``text`` takes: Hangul and other wide characters take two.

    >>> display_width("형태"), display_width("shape")
    (4, 5)
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
