"""Chapters 5 and 6 as code: the numbers the autoencoder and decoder pages compute.

- :func:`transposed_size` is the transposed convolution's output-size formula, and
  :func:`measured_size` the size :class:`~layerguide.layers.ConvTranspose2d` really returns;
  :func:`kernel_fits` lists the kernel sizes that grow 4 × 4 to 7 × 7 at stride 2.
- :func:`pooled_example` is the 4 × 4 map whose max pooling gives the 2 × 2 example.
- :func:`grey_photo` is the grey photo of the checkerboard section.
- :func:`checkerboard` upsamples a grey image three ways (Odena et al., Distill 2016).
- :func:`unpool_side_information` counts what max unpooling receives besides the code.
- :func:`read_table` takes from the trained decoders' numbers what chapter 6 says of them.
- :func:`training_curve` records the loss of every step of a cached training run.
- :func:`batch_dependence` shows batch norm's two modes: a digit's output depends on the
  rest of its batch in training mode, not in evaluation mode.

The transposed convolution's other faces (as a convolution, a backward pass, a matrix)
are in :mod:`layerguide.lesson.transposed`.

>>> transposed_size(4, kernel_size=3, stride=2, padding=1)
7
>>> [(f.kernel_size, f.padding, f.output_padding) for f in kernel_fits(4, 7, stride=2)]
[(1, 0, 0), (2, 1, 1), (3, 1, 0), (4, 2, 1), (5, 2, 0)]
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import torch
from numpy.typing import NDArray

from layerguide.autoencoder._files import atomic_write, cache_dir
from layerguide.autoencoder.cache import cache_key, pretrained
from layerguide.autoencoder.config import AutoencoderConfig
from layerguide.autoencoder.data import load_mnist
from layerguide.autoencoder.loop import train
from layerguide.autoencoder.models import build_autoencoder
from layerguide.autoencoder.train_config import TrainConfig
from layerguide.errors import ArgumentError, StateError
from layerguide.layers import Conv2d, ConvTranspose2d, Upsample

__all__ = [
    "BEFORE_POOLING",
    "Curve",
    "Fit",
    "SideInformation",
    "TableReading",
    "batch_dependence",
    "checkerboard",
    "grey_photo",
    "kernel_fits",
    "measured_size",
    "phase_ratio",
    "pooled_example",
    "read_table",
    "training_curve",
    "transposed_size",
    "unpool_side_information",
]


def transposed_size(
    n: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """(n − 1)·stride − 2·padding + dilation·(kernel_size − 1) + output_padding + 1."""
    return (n - 1) * stride - 2 * padding + dilation * (kernel_size - 1) + output_padding + 1


def measured_size(
    n: int,
    kernel_size: int,
    stride: int = 1,
    padding: int = 0,
    output_padding: int = 0,
    dilation: int = 1,
) -> int:
    """The height :class:`~layerguide.layers.ConvTranspose2d` returns for an n × n input."""
    layer = ConvTranspose2d(
        1, 1, kernel_size, stride, padding, output_padding, bias=False, dilation=dilation, rng=0
    )
    return int(layer(np.zeros((1, 1, n, n), dtype=np.float32)).shape[2])


class Fit(NamedTuple):
    """A transposed convolution that grows ``n_in`` to ``n_out``."""

    kernel_size: int
    padding: int
    output_padding: int
    size: int  #: the output size ConvTranspose2d returned


def kernel_fits(
    n_in: int, n_out: int, stride: int, kernels: Iterable[int] = range(1, 6)
) -> list[Fit]:
    """For each kernel size, the smallest padding (then output_padding) that gives ``n_out``.

    ``output_padding`` must be smaller than the stride; each fit is checked by running
    :class:`~layerguide.layers.ConvTranspose2d`.
    """
    if n_in < 1 or n_out < 1 or stride < 1:
        raise ArgumentError(
            f"kernel_fits: need n_in, n_out, stride >= 1, got {n_in}, {n_out}, {stride}"
        )
    fits = []
    for k in kernels:
        for p in range(k):
            ops = [op for op in range(stride) if transposed_size(n_in, k, stride, p, op) == n_out]
            if ops:
                fits.append(Fit(k, p, ops[0], measured_size(n_in, k, stride, p, ops[0])))
                break
    return fits


#: A 4 × 4 map whose 2 × 2 max pooling gives 1, 2, 3, 4, each from a different corner.
BEFORE_POOLING = (
    (0.1, 0.5, 0.2, 0.0),
    (1.0, 0.3, 0.4, 2.0),
    (0.2, 3.0, 0.1, 0.3),
    (0.0, 0.1, 4.0, 0.2),
)


def pooled_example() -> tuple[torch.Tensor, torch.Tensor]:
    """``nn.MaxPool2d(2, return_indices=True)`` of :data:`BEFORE_POOLING`: (values, indices).

    >>> values, indices = pooled_example()
    >>> values[0, 0].tolist(), indices[0, 0].tolist()
    ([[1.0, 2.0], [3.0, 4.0]], [[4, 7], [9, 14]])
    """
    before = torch.tensor(BEFORE_POOLING)[None, None]  # (1, 1, 4, 4)
    values, indices = torch.nn.MaxPool2d(2, return_indices=True)(before)  # (1, 1, 2, 2) each
    return values, indices


def grey_photo(size: int = 120) -> NDArray[np.float64]:
    """Matplotlib's sample photo (Grace Hopper), cropped square, grey, size × size, in [0, 1].

    It ships with matplotlib, so it needs no network. ``size`` must divide 480.
    """
    from matplotlib import cbook
    from matplotlib.image import imread

    if size < 1 or 480 % size:
        raise ArgumentError(f"grey_photo: size must divide 480, got {size}")
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    photo = imread(str(path))  # (600, 512, 3) uint8
    f = 480 // size
    square = photo[:480, 16:496].mean(axis=2)  # (480, 480)
    return np.asarray(square.reshape(size, f, size, f).mean(axis=(1, 3)) / 255, dtype=np.float64)


def checkerboard(image: NDArray[np.floating]) -> dict[str, NDArray[np.float64]]:
    """Halve a grey (H, W) image, then double it back three ways, every kernel uniform.

    Keys ``"input"`` (the halved image), ``"k3"`` and ``"k4"`` (stride-2 transposed
    convolutions, kernel 3 or 4, weights 4/k² so that a pixel's average gain is 1) and
    ``"resize"`` (nearest-neighbour resize, then a 3 × 3 box filter). Uniform weights
    isolate the one thing that differs: how many kernel copies land on each pixel.
    """
    image = np.asarray(image, dtype=np.float64)
    h, w = image.shape
    if h % 2 or w % 2:
        raise ArgumentError(f"checkerboard: image height and width must be even, got {h}×{w}")
    half = image.reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))[None, None]  # (1, 1, H/2, W/2)
    out = {"input": half[0, 0]}
    for k in (3, 4):
        up = ConvTranspose2d(1, 1, k, 2, 1, k % 2, bias=False, dtype=np.float64)
        up.weight.data[...] = 4 / k**2
        out[f"k{k}"] = up(half)[0, 0]  # (H, W)
    box = Conv2d(1, 1, 3, padding=1, bias=False, dtype=np.float64)
    box.weight.data[...] = 1 / 9
    out["resize"] = box(Upsample(2)(half))[0, 0]  # (H, W)
    return out


def phase_ratio(image: NDArray[np.floating]) -> float:
    """Brightest over darkest mean of the four 2 × 2 phases (1 means no checkerboard).

    The outermost rows and columns are left out: there every method sees the border.
    """
    inner = np.asarray(image, dtype=np.float64)[2:-2, 2:-2]
    means = [inner[i::2, j::2].mean() for i in (0, 1) for j in (0, 1)]
    return float(max(means) / min(means))


class SideInformation(NamedTuple):
    """What max unpooling receives besides the code."""

    shapes: list[tuple[int, int, int]]  #: (C, H, W) of the indices of each pooling
    indices: int  #: one index per pooled value
    bits: float  #: log2 of the candidate positions, summed over all pooled values
    code_bits: int  #: the code's float32 values, 32 bits each


def unpool_side_information(config: AutoencoderConfig | None = None) -> SideInformation:
    """Count the pooling indices of the default (or ``config``'s) encoder and their bits.

    A window of the 2 × 2, stride-2 pooling that hangs over the edge (ceil mode, 7 → 4)
    has fewer candidates: 2 or 1 instead of 4, so 1 or 0 bits instead of 2.
    """
    cfg = config if config is not None else AutoencoderConfig()
    if not isinstance(cfg, AutoencoderConfig):
        raise ArgumentError(f"unpool_side_information: need an AutoencoderConfig, got {cfg!r}")
    model = build_autoencoder(cfg).eval()
    with torch.no_grad():
        code = model.encode(torch.zeros(1, 1, 28, 28))
    shapes: list[tuple[int, int, int]] = []
    bits, size = 0.0, 28
    for stage, idx in zip(model.encoder.stages, code.indices, strict=True):
        pool = stage.pool
        if not isinstance(pool, torch.nn.MaxPool2d):
            raise ArgumentError(f"unpool_side_information: {pool!r} is not a MaxPool2d")
        k, s = (v if isinstance(v, int) else v[0] for v in (pool.kernel_size, pool.stride))
        c, h, w = (int(v) for v in idx.shape[1:])
        per_axis = [min(k, size - s * i) for i in range(h)]  # candidates per window, one axis
        bits += c * sum(math.log2(a * b) for a in per_axis for b in per_axis)
        shapes.append((c, h, w))
        size = h
    return SideInformation(shapes, sum(c * h * w for c, h, w in shapes), bits, 32 * cfg.code_size)


class Curve(NamedTuple):
    """The training loss of every step."""

    steps: NDArray[np.int64]
    losses: NDArray[np.float64]


def training_curve(
    config: AutoencoderConfig, budget: TrainConfig, *, cache: str | Path | None = None
) -> Curve:
    """The loss after every step of the cached run of :func:`~layerguide.autoencoder.cache.pretrained`.

    The training cache keeps only the final model, so the run is replayed once (training
    is deterministic on the CPU) with a step callback that only observes it. The replayed
    model must equal the cached one weight for weight, otherwise this raises; the curve is
    then stored as JSON next to the model.
    """
    root = Path(cache) if cache is not None else cache_dir()
    key = cache_key(config, budget, "mnist-train")
    path = root / "curves" / f"{config.decoder}-{key}.json"
    if not path.is_file():
        cached, _ = pretrained(config, budget, cache=root)
        losses: list[float] = []
        images = load_mnist("train").images
        result = train(config, budget, images, on_step=lambda step, loss: losses.append(loss))
        replayed, saved = result.model.state_dict(), cached.state_dict()
        if any(not torch.equal(replayed[name], saved[name]) for name in saved):
            raise StateError(
                f"training_curve: replaying {key} did not reproduce the cached model "
                f"({path.parent.parent / 'models'}); delete the cache entry and rebuild"
            )
        text = json.dumps({"key": key, "losses": losses}).encode()
        atomic_write(path, lambda f: f.write(text))
    losses = json.loads(path.read_text())["losses"]
    return Curve(np.arange(1, len(losses) + 1), np.asarray(losses, dtype=np.float64))


def batch_dependence(
    model: torch.nn.Module,
    images: torch.Tensor,
    activation: Callable[[torch.Tensor], torch.Tensor] | None = None,
) -> dict[str, float]:
    """How much image 0's output changes when it is run alone instead of in ``images``.

    ``activation`` (e.g. ``torch.sigmoid``, which turns the autoencoder's logits into
    pixels) is applied to the outputs before they are compared.

    Keys ``"train"`` and ``"eval"``: the largest absolute difference in each mode. In
    training mode batch norm normalises with the batch's own mean and variance, so the
    answer depends on the other images; in evaluation mode it uses the running statistics
    kept during training, and each image's output is its own. The model is copied, so its
    mode and running statistics are left as they were.
    """
    import copy

    if not isinstance(model, torch.nn.Module) or images.ndim != 4 or len(images) < 2:
        raise ArgumentError(
            "batch_dependence: need a torch module and a batch of at least 2 images "
            f"(N, C, H, W), got {type(model).__name__} and shape {tuple(images.shape)}"
        )
    twin = copy.deepcopy(model)
    out = {}
    with torch.no_grad():
        for mode in ("train", "eval"):
            twin.train(mode == "train")
            together, alone = twin(images)[:1], twin(images[:1])
            if activation is not None:
                together, alone = activation(together), activation(alone)
            out[mode] = float((together - alone).abs().max())
    return out


class TableReading(NamedTuple):
    """What chapter 6 reads from the table of trained decoders (losses are test BCE)."""

    best: str  #: lowest loss of all
    worst_code_only: str  #: highest loss among the decoders that receive only the code
    most_params: str  #: the decoder with the most parameters
    fc_params: int  #: parameters of the fully connected decoder
    fc_over_transpose: float  #: its parameters over the transposed convolution decoder's
    transpose_over_nearest: float  #: transposed convolution's parameters over nearest's
    best_conv: str  #: lowest loss among the code-only convolutional decoders
    conv_spread: float  #: largest minus smallest loss of those
    fc_gap: float  #: the fully connected decoder's loss minus the worst convolutional one


def read_table(infos: Mapping[str, Mapping[str, Any]]) -> TableReading:
    """Read the decoder table: ``infos`` maps each decoder name to its training info."""
    needed = {"nearest", "bed_of_nails", "max_unpool", "transpose", "fc"}
    if not needed <= set(infos):
        raise ArgumentError(f"read_table: need infos for {sorted(needed)}, got {sorted(infos)}")
    bce = {name: float(info["test_bce"]) for name, info in infos.items()}
    params = {name: int(info["params"]) for name, info in infos.items()}
    code_only = {name: v for name, v in bce.items() if name != "max_unpool"}
    conv = {name: bce[name] for name in ("nearest", "bed_of_nails", "transpose")}
    return TableReading(
        best=min(bce, key=bce.__getitem__),
        worst_code_only=max(code_only, key=code_only.__getitem__),
        most_params=max(params, key=params.__getitem__),
        fc_params=params["fc"],
        fc_over_transpose=params["fc"] / params["transpose"],
        transpose_over_nearest=params["transpose"] / params["nearest"],
        best_conv=min(conv, key=conv.__getitem__),
        conv_spread=max(conv.values()) - min(conv.values()),
        fc_gap=bce["fc"] - max(conv.values()),
    )
