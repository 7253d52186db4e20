"""Benchmark: forward + backward of the NumPy layers against torch on CPU, float32.

Run with ``nox -s bench -- layers`` or, by hand (these variables slow numpy here)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/layers.py

Each case is timed in this one process, ours and torch's calls alternating: one forward
and one backward (our ``layer(x)`` + ``layer.backward(g)``; torch's functional op +
autograd with gradients for the input and every parameter). Prints ours/torch per case —
from the best time of each side (like ``timeit``: least disturbed by other processes) and
from the median times — and, over the six Conv2d cases of issue 3, the median and worst
ratio. ``--threads 1`` makes both libraries single-threaded, which on a shared machine
gives the steadiest comparison. Benchmarks never assert.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable

if __name__ == "__main__" and "--threads" in sys.argv:  # must happen before numpy loads BLAS
    _n = sys.argv[sys.argv.index("--threads") + 1]
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = _n

import numpy as np
import torch
import torch.nn.functional as F

from layerguide.layers import Conv2d, ConvTranspose2d, Linear, MaxPool2d

CONV_CASES = [  # (N, C_in, H, W, C_out, k, s, p)
    (64, 1, 28, 28, 16, 3, 1, 1),
    (64, 16, 14, 14, 32, 3, 1, 1),
    (1, 3, 1080, 1920, 16, 5, 5, 0),
    (8, 3, 224, 224, 64, 7, 2, 3),
    (8, 64, 56, 56, 64, 3, 1, 1),
    (128, 8, 7, 7, 16, 3, 1, 1),
]
CONVT_CASES = [  # (N, C_in, H, W, C_out, k, s, p)
    (64, 16, 7, 7, 8, 2, 2, 0),
    (64, 32, 7, 7, 16, 3, 2, 1),
    (8, 64, 28, 28, 32, 4, 2, 1),
]
POOL_CASES = [  # (N, C, H, W, k, s)
    (64, 16, 28, 28, 2, 2),
    (8, 64, 112, 112, 3, 2),
]
LINEAR_CASES = [  # (N, in, out)
    (64, 784, 128),
    (256, 1024, 1024),
]


def interleaved(fns: list[Callable[[], object]], repeat: int, budget: float) -> list[list[float]]:
    """Seconds of each call of each function, run in turn (A B A B …) after a warm-up.

    Interleaving makes a burst of load from other processes hit both sides alike.
    """
    for fn in fns:
        fn()  # warm-up: caches, workspaces, thread pools
    times: list[list[float]] = [[] for _ in fns]
    start = time.perf_counter()
    while len(times[0]) < repeat and (len(times[0]) < 5 or time.perf_counter() - start < budget):
        for fn, ts in zip(fns, times, strict=True):
            t0 = time.perf_counter()
            fn()
            ts.append(time.perf_counter() - t0)
    return times


def torch_step(
    op: Callable[..., torch.Tensor], x: np.ndarray, params: list[np.ndarray], grad: np.ndarray
):
    xt = torch.from_numpy(x).requires_grad_(True)
    pt = [torch.from_numpy(p.copy()).requires_grad_(True) for p in params]
    gt = torch.from_numpy(grad)

    def run() -> None:
        for t in (xt, *pt):
            t.grad = None
        op(xt, *pt).backward(gt)

    return run


def ours_step(layer, x: np.ndarray, grad: np.ndarray):
    def run() -> None:
        layer.zero_grad()
        layer(x)
        layer.backward(grad)

    return run


def compare(
    label: str, layer, op, x: np.ndarray, repeat: int, budget: float
) -> tuple[float, float]:
    out = layer(x)
    out = out[0] if isinstance(out, tuple) else out
    grad = np.random.default_rng(1).standard_normal(out.shape, dtype=np.float32)
    params = [p.data for p in layer.parameters()]
    t_torch, t_ours = interleaved(
        [torch_step(op, x, params, grad), ours_step(layer, x, grad)], repeat, budget
    )
    best = min(t_ours) / min(t_torch)
    med = statistics.median(t_ours) / statistics.median(t_torch)
    print(
        f"{label:<42} {min(t_ours) * 1e3:9.2f} ms {min(t_torch) * 1e3:9.2f} ms "
        f"{best:7.2f}x {med:7.2f}x",
        flush=True,
    )
    return best, med


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per case (max)")
    parser.add_argument("--budget", type=float, default=3.0, help="seconds per case (soft cap)")
    parser.add_argument(
        "--threads", type=int, default=None, help="BLAS and torch threads (default: libraries' own)"
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    print(
        f"numpy {np.__version__}, torch {torch.__version__}, torch threads {torch.get_num_threads()}"
    )
    print(
        f"{'case (N, C_in, H, W -> C_out, k, s, p)':<42} {'ours best':>12} {'torch best':>12} "
        f"{'ratio':>8} {'ratio of':>8}"
    )
    print(f"{'':<42} {'':>12} {'':>12} {'of best':>8} {'medians':>8}")

    print("Conv2d forward+backward")
    ratios = []
    for n, c, h, w, co, k, s, p in CONV_CASES:
        x = rng.standard_normal((n, c, h, w), dtype=np.float32)
        layer = Conv2d(c, co, k, s, p, rng=0)
        op = lambda xt, wt, bt, s=s, p=p: F.conv2d(xt, wt, bt, s, p)
        ratios.append(
            compare(
                f"  ({n},{c},{h},{w} -> {co},{k},{s},{p})", layer, op, x, args.repeat, args.budget
            )
        )
    for i, kind in enumerate(("best times", "median times")):
        r = [pair[i] for pair in ratios]
        print(f"  from {kind}: median ratio {statistics.median(r):.2f}x, worst {max(r):.2f}x")

    print("ConvTranspose2d forward+backward")
    for n, c, h, w, co, k, s, p in CONVT_CASES:
        x = rng.standard_normal((n, c, h, w), dtype=np.float32)
        layer = ConvTranspose2d(c, co, k, s, p, rng=0)
        op = lambda xt, wt, bt, s=s, p=p: F.conv_transpose2d(xt, wt, bt, s, p)
        compare(f"  ({n},{c},{h},{w} -> {co},{k},{s},{p})", layer, op, x, args.repeat, args.budget)

    print("MaxPool2d forward+backward (N, C, H, W, k, s)")
    for n, c, h, w, k, s in POOL_CASES:
        x = rng.standard_normal((n, c, h, w), dtype=np.float32)
        layer = MaxPool2d(k, s)
        op = lambda xt, k=k, s=s: F.max_pool2d(xt, k, s)
        compare(f"  ({n},{c},{h},{w}, k={k}, s={s})", layer, op, x, args.repeat, args.budget)

    print("Linear forward+backward (N, in -> out)")
    for n, i, o in LINEAR_CASES:
        x = rng.standard_normal((n, i), dtype=np.float32)
        layer = Linear(i, o, rng=0)
        compare(f"  ({n}, {i} -> {o})", layer, F.linear, x, args.repeat, args.budget)


if __name__ == "__main__":
    main()
