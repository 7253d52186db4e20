"""VGG-16 without torchvision, and where its parameters and its memory live.

:func:`vgg16` builds the network of Simonyan and Zisserman (2015, configuration D) with
the same modules, in the same order and under the same names as torchvision's
``torchvision.models.vgg16`` (no batch normalisation): 13 convolutions of 3 × 3 with
padding 1, each followed by an in-place ReLU, five 2 × 2 max poolings, an adaptive average
pooling to 7 × 7, ``torch.flatten`` and a classifier of three Linear layers with ReLU and
Dropout between them. 138,357,544 parameters for 1,000 classes.

:func:`vgg_blocks` groups the rows of its trace by block, with each block's share of the
parameters and of the activation memory: the parameters live in the classifier (the first
Linear alone holds three quarters of them), the activation memory in the first block.

>>> from layerguide.tracer import trace
>>> t = trace(vgg16(device="meta"), (1, 3, 224, 224))
>>> t.total_params, t.rows[0].output_bytes == 64 * 224 * 224 * 4
(138357544, True)
>>> for b in vgg_blocks(t):
...     print(b.name, f"{float(b.param_share):.1%}", f"{float(b.activation_share):.1%}")
block1 0.0% 47.8%
block2 0.2% 23.9%
block3 1.1% 17.3%
block4 4.3% 8.6%
block5 5.1% 2.2%
head 89.4% 0.2%
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import torch
from torch import nn

from layerguide.errors import ArgumentError
from layerguide.tracer.table import Row, Trace

__all__ = ["VGG", "VGG16", "Block", "vgg16", "vgg_blocks"]

#: Configuration D of the VGG paper — output channels of each 3 × 3 convolution, ``"M"`` for
#: a 2 × 2 max pooling. Five blocks, each ending with its pooling.
VGG16: tuple[int | str, ...] = (
    *(64, 64, "M"),
    *(128, 128, "M"),
    *(256, 256, 256, "M"),
    *(512, 512, 512, "M"),
    *(512, 512, 512, "M"),
)


class VGG(nn.Module):
    """A VGG network: ``features`` (convolutions and poolings), ``avgpool`` and
    ``classifier``, laid out as torchvision's ``VGG`` (module names included, so its
    ``state_dict`` keys are the same).

    Shape
    -----
    (N, 3, H, W) → ``features`` (N, 512, H/32, W/32) → ``avgpool`` (N, 512, 7, 7) →
    ``torch.flatten`` (N, 25088) → ``classifier`` (N, num_classes)
    """

    def __init__(
        self, config: Sequence[int | str], num_classes: int = 1000, dropout: float = 0.5
    ) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        channels = 3
        for v in config:
            if v == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [nn.Conv2d(channels, int(v), kernel_size=3, padding=1), nn.ReLU(True)]
                channels = int(v)
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(channels * 7 * 7, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, 4096),
            nn.ReLU(True),
            nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        for m in self.modules():  # torchvision's initialisation
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)  # (N, 512, H/32, W/32)
        x = self.avgpool(x)  # (N, 512, 7, 7)
        x = torch.flatten(x, 1)  # (N, 25088)
        return self.classifier(x)  # (N, num_classes)


def vgg16(num_classes: int = 1000, *, device: Any = None) -> VGG:
    """VGG-16 as torchvision builds it (``torchvision.models.vgg16()``, untrained).

    Parameters
    ----------
    num_classes : int
        Outputs of the last Linear layer; 1000 gives 138,357,544 parameters.
    device : str or torch.device, optional
        Where to make the parameters. ``"meta"`` makes none (no 553 MB of float32
        weights, no initialisation time): enough for :func:`~layerguide.tracer.trace`,
        which never reads their values.

    Examples
    --------
    >>> sum(p.numel() for p in vgg16(device="meta").parameters())
    138357544
    """
    if not isinstance(num_classes, int) or isinstance(num_classes, bool) or num_classes < 1:
        raise ArgumentError(f"vgg16: num_classes must be an int >= 1, got {num_classes!r}")
    with torch.device(device) if device is not None else contextlib.nullcontext():
        return VGG(VGG16, num_classes)


@dataclass(frozen=True)
class Block:
    """Some consecutive rows of a trace, with their share of the whole.

    ``param_share`` and ``activation_share`` are fractions of the trace's totals
    (``Trace.total_params`` and ``Trace.activation_bytes``), between 0 and 1.
    """

    name: str  # "block1" … "block5" for the convolution blocks, "head" for the rest
    rows: tuple[Row, ...]
    params: int  # parameters of these rows
    activation_bytes: int  # output memory of these rows
    param_share: Fraction
    activation_share: Fraction


def vgg_blocks(t: Trace) -> list[Block]:
    """The rows of a VGG trace by block: each convolution block (its convolutions, ReLUs
    and the max pooling that ends it, ``block1`` … ``block5``), then ``head`` (average
    pooling, flatten and classifier).

    A block starts after each ``MaxPool2d`` row under ``features``; rows outside
    ``features`` form the head. Shares are exact fractions; ``float()`` them to print.
    """
    groups: dict[str, list[Row]] = {}
    block = 1
    for row in t.rows:
        if not row.name.startswith("features."):
            groups.setdefault("head", []).append(row)
            continue
        groups.setdefault(f"block{block}", []).append(row)
        if row.kind == "MaxPool2d":
            block += 1
    params, memory = t.total_params, t.activation_bytes
    blocks = []
    for name, rows in groups.items():
        p = sum(r.params for r in rows)
        m = sum(r.output_bytes for r in rows)
        blocks.append(
            Block(
                name=name,
                rows=tuple(rows),
                params=p,
                activation_bytes=m,
                param_share=Fraction(p, params) if params else Fraction(0),
                activation_share=Fraction(m, memory) if memory else Fraction(0),
            )
        )
    return blocks
