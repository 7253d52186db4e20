"""Chapter 3's evidence that filters are learned: a baseline, and a hidden kernel recovered.

Two experiments, both deterministic:

* :func:`filter_baseline` scores a bank of 3 × 3 filters by how much each looks like one of
  the hand-set :data:`~layerguide.lesson.convnet.KERNELS` (the mean, over the filters, of
  the largest \\|cosine similarity\\|), and puts the trained filters' score next to the same
  layer's filters *before* training and next to many untrained layers drawn the way
  PyTorch initialises a convolution. A score only means something against that spread.
* :func:`recover_kernel` hides a kernel (Sobel x) in a target image, then trains a
  ``Conv2d(1, 1, 3)`` of the NumPy layers with :class:`~layerguide.layers.SGD` and
  :class:`~layerguide.layers.MSELoss` to reproduce it, recording the kernel, the loss and
  the distance to the hidden kernel at every step.

>>> from layerguide.kernels import KERNELS, grey_photo
>>> run = recover_kernel(grey_photo(60)[None, None], KERNELS["sobel_x"], steps=300)
>>> run.kernels.shape, bool(run.distances[-1] < 1e-3)
((301, 3, 3), True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from layerguide.errors import ArgumentError
from layerguide.layers import SGD, Conv2d, MSELoss
from layerguide.lesson.convnet import KERNELS, kernel_cosines

if TYPE_CHECKING:
    from layerguide.autoencoder import AutoencoderConfig, TrainConfig

__all__ = [
    "EDGE_KERNELS",
    "FilterBaseline",
    "KernelRecovery",
    "filter_baseline",
    "filter_score",
    "initial_filters",
    "recover_kernel",
    "untrained_scores",
]


#: The hand-set kernels that find edges in one direction.
EDGE_KERNELS = ("sobel_x", "sobel_y", "emboss")


def filter_score(filters: NDArray[Any], kernels: Mapping[str, NDArray[Any]] = KERNELS) -> float:
    """How much a bank of (n, 3, 3) filters looks like the hand-set kernels, from 0 to 1.

    For each filter, the largest \\|cosine similarity\\| with any of ``kernels``; then the
    mean over the filters. The cosine ignores the scale, so only the pattern counts.

    >>> round(filter_score(np.stack([KERNELS["sobel_x"], -KERNELS["box_blur"]])), 6)
    1.0
    """
    return float(np.abs(kernel_cosines(filters, kernels)).max(axis=1).mean())


def untrained_scores(
    draws: int = 1000,
    filters: int = 16,
    *,
    seed: int = 0,
    kernels: Mapping[str, NDArray[Any]] = KERNELS,
) -> NDArray[np.float64]:
    """:func:`filter_score` of ``draws`` untrained ``Conv2d(1, filters, 3)`` layers.

    Each draw is a fresh layer of the NumPy layers, initialised as PyTorch initialises
    ``nn.Conv2d`` (uniform in ±1/√(C_in·k·k) = ±1/3), from one generator seeded ``seed``.

    >>> untrained_scores(3, seed=0).shape
    (3,)
    """
    if draws < 1 or filters < 1:
        raise ArgumentError(
            f"untrained_scores: draws and filters must be >= 1, got draws={draws}, "
            f"filters={filters}"
        )
    rng = np.random.default_rng(seed)
    return np.array(
        [
            filter_score(Conv2d(1, filters, 3, bias=False, rng=rng).weight.data[:, 0], kernels)
            for _ in range(draws)
        ]
    )


def initial_filters(config: AutoencoderConfig, train_config: TrainConfig) -> NDArray[np.float32]:
    """The autoencoder's first-layer filters as training starts, (16, 3, 3).

    :func:`~layerguide.autoencoder.loop.train` seeds torch with ``train_config.seed`` and then
    builds the model; this does the same and returns the first convolution's weights, so
    they are exactly the values the trained filters started from.
    """
    import torch

    from layerguide.autoencoder import build_autoencoder

    torch.manual_seed(train_config.seed)
    model = build_autoencoder(config)
    weight = model.encoder.stages[0].conv.weight.detach().numpy()  # (16, 1, 3, 3)
    return np.array(weight[:, 0])  # (16, 3, 3)


@dataclass(frozen=True)
class FilterBaseline:
    """The same likeness score for a layer's filters before and after training, and by chance."""

    initial: NDArray[Any]  #: (n, 3, 3) the filters before training
    trained: NDArray[Any]  #: (n, 3, 3) the same filters after training
    initial_score: float  #: filter_score(initial)
    trained_score: float  #: filter_score(trained)
    draws: NDArray[np.float64]  #: filter_score of each untrained draw

    @property
    def mean(self) -> float:
        """Mean score of the untrained draws."""
        return float(self.draws.mean())

    @property
    def low(self) -> float:
        """5th percentile of the untrained draws' scores."""
        return float(np.percentile(self.draws, 5))

    @property
    def high(self) -> float:
        """95th percentile of the untrained draws' scores."""
        return float(np.percentile(self.draws, 95))

    @property
    def as_high(self) -> int:
        """How many untrained draws score at least as high as the trained filters."""
        return int((self.draws >= self.trained_score).sum())

    def nearest(self, which: str) -> list[str]:
        """The nearest hand-set kernel of each filter, ``which`` = "initial" or "trained"."""
        if which not in ("initial", "trained"):
            raise ArgumentError(
                f"FilterBaseline.nearest: which must be 'initial' or 'trained', got {which!r}"
            )
        cos = kernel_cosines(getattr(self, which))
        names = list(KERNELS)
        return [names[i] for i in np.abs(cos).argmax(axis=1)]

    def resembling(self, which: str, names: tuple[str, ...] = EDGE_KERNELS) -> int:
        """How many ``which`` filters resemble one of ``names`` most (default: an edge kernel)."""
        return sum(n in names for n in self.nearest(which))

    @property
    def kept(self) -> int:
        """How many filters resemble the same hand-set kernel after training as before."""
        before, after = self.nearest("initial"), self.nearest("trained")
        return sum(a == b for a, b in zip(before, after, strict=True))


def filter_baseline(
    initial: NDArray[Any], trained: NDArray[Any], *, draws: int = 1000, seed: int = 0
) -> FilterBaseline:
    """Score ``initial`` and ``trained`` (n, 3, 3) filters and ``draws`` untrained layers.

    >>> b = filter_baseline(-KERNELS["sobel_y"][None], KERNELS["sobel_y"][None], draws=10)
    >>> round(b.trained_score, 6), b.kept, len(b.draws)
    (1.0, 1, 10)
    """
    initial = np.asarray(initial, dtype=np.float64)
    trained = np.asarray(trained, dtype=np.float64)
    if initial.shape != trained.shape:
        raise ArgumentError(
            f"filter_baseline: initial {initial.shape} and trained {trained.shape} "
            "must have the same shape"
        )
    return FilterBaseline(
        initial=initial,
        trained=trained,
        initial_score=filter_score(initial),
        trained_score=filter_score(trained),
        draws=untrained_scores(draws, len(trained), seed=seed),
    )


@dataclass(frozen=True)
class KernelRecovery:
    """A ``Conv2d(1, 1, 3)`` trained to reproduce a hidden kernel's output, step by step."""

    hidden: NDArray[Any]  #: (3, 3) the kernel that made the target
    kernels: NDArray[Any]  #: (steps + 1, 3, 3) the layer's kernel before each step, then the last
    biases: NDArray[Any]  #: (steps + 1,) the layer's bias, likewise
    losses: NDArray[Any]  #: (steps + 1,) the MSE loss of each kernel
    distances: NDArray[Any]  #: (steps + 1,) ‖kernel − hidden‖ (Frobenius norm)
    lr: float  #: SGD's learning rate
    momentum: float  #: SGD's momentum

    @property
    def steps(self) -> int:
        """How many SGD steps were taken."""
        return len(self.losses) - 1


def recover_kernel(
    image: NDArray[Any],
    hidden: NDArray[Any],
    *,
    steps: int = 300,
    lr: float = 0.4,
    momentum: float = 0.9,
    seed: int = 0,
) -> KernelRecovery:
    """Train ``Conv2d(1, 1, 3)`` until ``conv(image)`` matches the ``hidden`` kernel's output.

    The target is the (1, 1, H − 2, W − 2) output of a bias-free convolution whose kernel is
    ``hidden``; the student layer starts from its seeded default initialisation (with a
    bias) and takes ``steps`` full-batch SGD steps on the MSE loss. The whole run is NumPy
    and takes well under a second for a 60 × 60 image.

    Shape
    -----
    image (1, 1, H, W), hidden (3, 3) → kernels (steps + 1, 3, 3)
    """
    image = np.asarray(image, dtype=np.float32)
    hidden = np.asarray(hidden, dtype=np.float32)
    if image.ndim != 4 or image.shape[:2] != (1, 1) or hidden.shape != (3, 3):
        raise ArgumentError(
            f"recover_kernel: image must be (1, 1, H, W) and hidden (3, 3), "
            f"got {image.shape} and {hidden.shape}"
        )
    if steps < 1:
        raise ArgumentError(f"recover_kernel: steps must be >= 1, got {steps}")
    teacher = Conv2d(1, 1, 3, bias=False)
    teacher.weight.data[0, 0] = hidden
    target = teacher(image)  # (1, 1, H − 2, W − 2)
    conv = Conv2d(1, 1, 3, rng=seed)
    weight, bias = conv.parameters()  # (1, 1, 3, 3) and (1,)
    opt, loss = SGD(conv.parameters(), lr=lr, momentum=momentum), MSELoss()
    kernels, biases, losses = [], [], []
    for step in range(steps + 1):
        value = float(loss(conv(image), target))
        kernels.append(weight.data[0, 0].copy())
        biases.append(float(bias.data[0]))
        losses.append(value)
        if step == steps:
            break
        opt.zero_grad()
        conv.backward(loss.backward())
        opt.step()
    stack = np.stack(kernels)  # (steps + 1, 3, 3)
    return KernelRecovery(
        hidden=hidden,
        kernels=stack,
        biases=np.array(biases),
        losses=np.array(losses),
        distances=np.linalg.norm((stack - hidden).reshape(len(stack), -1), axis=1),
        lr=lr,
        momentum=momentum,
    )
