"""layerguide: see how data changes shape as it flows through deep-learning layers.

Each part is importable on its own:

- :mod:`layerguide.layers` — teaching layers in NumPy (forward and backward).
- :mod:`layerguide.tracer` — shapes, parameters, MACs and receptive field of a model
  (``layerguide.trace(model, input_size)``).
- :mod:`layerguide.autoencoder` — MNIST data and a convolutional autoencoder in PyTorch.
- :mod:`layerguide.shapes` — how many numbers a tensor holds and how much memory it takes.
- :mod:`layerguide.lesson` — the lesson's models and numbers, defined once for pages,
  exercises, tests and benchmarks; :mod:`layerguide.kernels` — classic 3 × 3 image kernels.
- :mod:`layerguide.viz` — the figures, tables and animations the pages draw, in en or ko.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("layerguide")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"


from layerguide._lazy import attach
from layerguide.errors import LayerguideError

# The tracer imports torch; load it only when it is asked for, so that
# ``import layerguide`` and the NumPy layers stay light.
__all__ = [
    "LayerguideError",
    "Trace",
    "TraceError",
    "__version__",
    "trace",
]
__getattr__, __dir__ = attach(
    __name__, {"trace": ".tracer", "Trace": ".tracer", "TraceError": ".tracer"}, __all__
)
