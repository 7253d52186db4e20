"""Every error layerguide raises on purpose, by what it means for the caller.

Each class also derives from the built-in a Python reader expects, so ``except
ValueError`` keeps working. Catch by meaning:

==========================  ==================  ===============================================
class                       built-in            raised when
==========================  ==================  ===============================================
:class:`ArgumentError`      ``ValueError``      an argument's value cannot work (a kernel larger
                                                than its padded input, a negative step count)
:class:`LanguageError`      ``ValueError``      a ``lang`` with no catalogue (an
                                                :class:`ArgumentError`)
:class:`ArgumentTypeError`  ``TypeError``       an argument of the wrong kind (a model the
                                                tracer cannot read, a layer with no torch twin)
:class:`StateError`         ``RuntimeError``    a call out of order, or a computation that
                                                failed (``backward`` before ``forward``, a trace
                                                pass the model refused)
:class:`DataError`          ``OSError``,        data on disk or on the network that is missing,
                            ``ValueError``      damaged or unreachable (MNIST files, checkpoints)
==========================  ==================  ===============================================

>>> from layerguide.errors import ArgumentError
>>> issubclass(ArgumentError, ValueError)
True
"""

from __future__ import annotations

__all__ = [
    "ArgumentError",
    "ArgumentTypeError",
    "DataError",
    "LanguageError",
    "LayerguideError",
    "StateError",
]


class LayerguideError(Exception):
    """Base class of every error that layerguide raises on purpose."""


class ArgumentError(LayerguideError, ValueError):
    """An argument with the right type but a value that cannot work.

    The message names the function or layer, the argument and the values it got.
    """


class LanguageError(ArgumentError):
    """A ``lang`` that has no catalogue; the message lists the languages there are."""


class ArgumentTypeError(LayerguideError, TypeError):
    """An argument of the wrong kind, or a combination of arguments that cannot go together."""


class StateError(LayerguideError, RuntimeError):
    """A call made out of order, or a computation that could not be carried out."""


class DataError(LayerguideError, OSError, ValueError):
    """Data that is missing, damaged or cannot be reached (files, downloads, checkpoints).

    An ``OSError`` (a file or a download that failed) and a ``ValueError`` (bytes that do
    not parse), so either ``except`` a caller already has keeps working.
    """
