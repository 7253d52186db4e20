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
from layerguide.viz.codes import (
    score_table,
    show_code_map,
    show_code_path,
    show_denoising,
    show_strangers,
)
from layerguide.viz.conv import (
    conv_formula_table,
    kernel_names,
    show_feature_maps,
    show_kernel_gallery,
    show_learned_filters,
    show_pixel_by_hand,
    show_pooling,
    show_window_counts,
)
from layerguide.viz.figures import (
    show_channels,
    show_image,
    show_side_by_side,
    show_sizes,
)
from layerguide.viz.fonts import korean_font_path, use_korean_font
from layerguide.viz.learned import show_filter_baseline, show_kernel_recovery
from layerguide.viz.linear import (
    keras_table,
    overfitting_table,
    show_bias_fit,
    show_collapse,
    show_connections,
    show_overfitting,
    show_quadrilaterals,
    show_training_steps,
)
from layerguide.viz.pooling import (
    alternatives_table,
    show_layer_bill,
    show_pool_gradients,
    show_pooling_savings,
)
from layerguide.viz.receptive import (
    field_table,
    show_field_windows,
    show_parameter_bill,
    show_receptive_fields,
    show_shift,
)
from layerguide.viz.table import Table
from layerguide.viz.transposed import show_as_convolution

__all__ = [
    "Table",
    "alternatives_table",
    "animate_convolution",
    "animate_linear_map",
    "animate_max_pooling",
    "animate_transposed_convolution",
    "animate_upsampling",
    "conv_formula_table",
    "decoder_name",
    "decoder_table",
    "field_table",
    "fits_table",
    "keras_table",
    "kernel_names",
    "korean_font_path",
    "overfitting_table",
    "score_table",
    "show_as_convolution",
    "show_bias_fit",
    "show_channels",
    "show_checkerboard",
    "show_code",
    "show_code_map",
    "show_code_path",
    "show_collapse",
    "show_connections",
    "show_conv_matrix",
    "show_denoising",
    "show_feature_maps",
    "show_field_windows",
    "show_filter_baseline",
    "show_image",
    "show_kernel_gallery",
    "show_kernel_recovery",
    "show_layer_bill",
    "show_learned_filters",
    "show_overfitting",
    "show_overlaps",
    "show_parameter_bill",
    "show_pixel_by_hand",
    "show_pool_gradients",
    "show_pooling",
    "show_pooling_savings",
    "show_quadrilaterals",
    "show_receptive_fields",
    "show_reconstructions",
    "show_shift",
    "show_side_by_side",
    "show_sizes",
    "show_strangers",
    "show_training_curve",
    "show_training_steps",
    "show_upsampling",
    "show_window_counts",
    "size_table",
    "use_korean_font",
]
