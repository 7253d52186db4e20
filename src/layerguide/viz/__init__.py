"""Everything the pages draw with: Korean-capable fonts and shape figures.

Call :func:`use_korean_font` at the top of a script (sphinx-gallery resets matplotlib
before each example, so fonts set in ``conf.py`` would not survive).
"""

from layerguide.viz.figures import (
    check_lang,
    show_channels,
    show_image,
    show_side_by_side,
    show_sizes,
)
from layerguide.viz.fonts import korean_font_path, use_korean_font
from layerguide.viz.linear import (
    draw_bias_fit,
    draw_connections,
    draw_overfitting,
    draw_quadrilaterals,
    draw_training_steps,
    keras_table,
)
from layerguide.viz.table import Table

__all__ = [
    "Table",
    "check_lang",
    "draw_bias_fit",
    "draw_connections",
    "draw_overfitting",
    "draw_quadrilaterals",
    "draw_training_steps",
    "keras_table",
    "korean_font_path",
    "show_channels",
    "show_image",
    "show_side_by_side",
    "show_sizes",
    "use_korean_font",
]
