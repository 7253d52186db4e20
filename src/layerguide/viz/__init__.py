"""Everything the pages draw with: Korean-capable fonts and shape figures.

Call :func:`use_korean_font` at the top of a script (sphinx-gallery resets matplotlib
before each example, so fonts set in ``conf.py`` would not survive).
"""

from layerguide.viz.animate import (
    animate_convolution,
    animate_linear_map,
    animate_max_pooling,
    animate_transposed_convolution,
    animate_upsampling,
)
from layerguide.viz.figures import show_channels, show_image, show_side_by_side, show_sizes
from layerguide.viz.fonts import korean_font_path, use_korean_font
from layerguide.viz.table import Table

__all__ = [
    "Table",
    "animate_convolution",
    "animate_linear_map",
    "animate_max_pooling",
    "animate_transposed_convolution",
    "animate_upsampling",
    "korean_font_path",
    "show_channels",
    "show_image",
    "show_side_by_side",
    "show_sizes",
    "use_korean_font",
]
