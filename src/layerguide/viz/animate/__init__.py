"""Animations of the layers, drawn from their real outputs (see :class:`Player`)."""

from layerguide.viz.animate._player import Player, drawn_grid, drawn_texts
from layerguide.viz.animate.conv import animate_convolution
from layerguide.viz.animate.conv_transpose import animate_transposed_convolution
from layerguide.viz.animate.linear import animate_linear_map
from layerguide.viz.animate.pool import animate_max_pooling, animate_upsampling

__all__ = [
    "Player",
    "animate_convolution",
    "animate_linear_map",
    "animate_max_pooling",
    "animate_transposed_convolution",
    "animate_upsampling",
    "drawn_grid",
    "drawn_texts",
]
