"""Animations of the layers, drawn from their real outputs (see :class:`Player`)."""

from layerguide.viz.animate._player import Player, drawn_grid, drawn_texts
from layerguide.viz.animate.conv import animate_convolution, convolution_records
from layerguide.viz.animate.conv_transpose import (
    animate_transposed_convolution,
    transposed_records,
)
from layerguide.viz.animate.linear import animate_linear_map, linear_records
from layerguide.viz.animate.pool import animate_max_pooling, pooling_records
from layerguide.viz.animate.upsampling import animate_upsampling, upsampling_records

__all__ = [
    "Player",
    "animate_convolution",
    "animate_linear_map",
    "animate_max_pooling",
    "animate_transposed_convolution",
    "animate_upsampling",
    "convolution_records",
    "drawn_grid",
    "drawn_texts",
    "linear_records",
    "pooling_records",
    "transposed_records",
    "upsampling_records",
]
