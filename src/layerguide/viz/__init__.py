"""Everything the pages draw with: Korean-capable fonts and shape figures.

Call :func:`use_korean_font` at the top of a script (sphinx-gallery resets matplotlib
before each example, so fonts set in ``conf.py`` would not survive).
"""

from layerguide.viz.autoencoder import (
    decoder_name,
    decoder_table,
    fits_table,
    show_checkerboard,
    show_code,
    show_conv_matrix,
    show_overlaps,
    show_reconstructions,
    show_training_curve,
    show_upsampling,
    size_table,
)
from layerguide.viz.figures import show_channels, show_image, show_side_by_side, show_sizes
from layerguide.viz.fonts import korean_font_path, use_korean_font
from layerguide.viz.table import Table

__all__ = [
    "Table",
    "decoder_name",
    "decoder_table",
    "fits_table",
    "korean_font_path",
    "show_channels",
    "show_checkerboard",
    "show_code",
    "show_conv_matrix",
    "show_image",
    "show_overlaps",
    "show_reconstructions",
    "show_side_by_side",
    "show_sizes",
    "show_training_curve",
    "show_upsampling",
    "size_table",
    "use_korean_font",
]
