"""The one error every figure and animation helper raises for data it cannot draw.

Every drawing function in :mod:`layerguide.viz` takes ``lang`` and starts with
:func:`layerguide.i18n.check_lang`; an array of the wrong shape, labels that do not match
the data or a setting the animated layer refuses is a :class:`FigureError` whose message
names the function and the value it got.
"""

from __future__ import annotations

from layerguide import LayerguideError

__all__ = ["FigureError"]


class FigureError(LayerguideError, ValueError):
    """A figure, table or animation helper got an argument it cannot draw.

    An array of the wrong shape, labels that do not match the data, a setting the
    animated layer refuses.
    """
