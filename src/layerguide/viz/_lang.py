"""The pages' two languages and the one error every figure and animation helper raises.

Every drawing function in :mod:`layerguide.viz` takes ``lang`` and starts with
:func:`check_lang`; a bad language, or data it cannot draw, is a :class:`FigureError`
whose message names the function and the value it got.
"""

from __future__ import annotations

from layerguide import LayerguideError

__all__ = ["LANGS", "FigureError", "check_lang"]

LANGS = ("en", "ko")


class FigureError(LayerguideError, ValueError):
    """A figure, table or animation helper got an argument it cannot draw.

    A language the pages do not have, an array of the wrong shape, labels that do not
    match the data, a setting the animated layer refuses.
    """


def check_lang(where: str, lang: str) -> str:
    """``lang`` if the pages have it, else a :class:`FigureError` naming ``where``.

    >>> check_lang("show_image", "ko")
    'ko'
    """
    if lang not in LANGS:
        raise FigureError(f"{where}: lang must be one of {LANGS}, got {lang!r}")
    return lang
