"""Benchmark: forward + backward of the NumPy layers against torch on CPU, float32.

Run with ``nox -s bench -- layers`` or, by hand (these variables slow numpy here)::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/layers.py
    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/layers.py --against ../old

A step is what training does: our ``layer(x)`` + ``layer.backward(g)`` (which always
computes the input gradient), against torch's functional op + autograd with gradients for
the input and every parameter. Ours and torch's steps alternate, after one warm-up call
each. Prints ours/torch per case from the best times (like ``timeit``: least disturbed by
other processes) and from the medians, and over the six Conv2d cases the median and
worst ratio.

Each Conv2d case runs in a fresh process, so its layer is the first Conv2d the process
makes, as in a reader's own script. ``--against PATH`` (a checkout, or its ``src``) runs
the same cases with that version, alternating with this one in the same run, and prints
both columns. Last, the lesson's full-HD example is timed in fresh processes (``--hd-runs``
per version, alternating): five steps of the first Conv2d a process makes, then five of a
second, identical one; the first step pays for every page of fresh memory the layer
touches, so it is printed apart, as medians over the runs and as a ratio between versions.
``--threads 1`` makes both libraries single-threaded (the steadiest comparison on a shared
machine). Benchmarks never assert.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

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
HD_CASE = (1, 3, 1080, 1920, 16, 5, 5, 0)  # the lesson's example: a full-HD frame, stride 5
HERE = Path(__file__).resolve().parents[1] / "src"  # this checkout's package


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


def conv_case(case: tuple[int, ...], repeat: int, budget: float) -> dict[str, float]:
    """Time one Conv2d case against torch in this process (a worker's job)."""
    n, c, h, w, co, k, s, p = case
    x = np.random.default_rng(0).standard_normal((n, c, h, w), dtype=np.float32)
    layer = Conv2d(c, co, k, s, p, rng=0)
    out = layer(x)
    grad = np.random.default_rng(1).standard_normal(out.shape, dtype=np.float32)
    params = [p.data for p in layer.parameters()]
    op = lambda xt, wt, bt: F.conv2d(xt, wt, bt, s, p)
    t_torch, t_ours = interleaved(
        [torch_step(op, x, params, grad), ours_step(layer, x, grad)], repeat, budget
    )
    return {
        "ours": min(t_ours), "torch": min(t_torch),
        "best": min(t_ours) / min(t_torch),
        "median": statistics.median(t_ours) / statistics.median(t_torch),
    }  # fmt: skip


def hd_steps() -> dict[str, list[float]]:
    """Five steps of the first Conv2d this process makes, then of a second one (ms)."""
    n, c, h, w, co, k, s, _ = HD_CASE
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, c, h, w), dtype=np.float32)
    g = rng.standard_normal((n, co, h // s, w // s), dtype=np.float32)
    times: dict[str, list[float]] = {}
    for which in ("first", "second"):
        layer = Conv2d(c, co, k, stride=s)
        times[which] = []
        for _ in range(5):
            t0 = time.perf_counter()
            layer(x)
            layer.backward(g)
            times[which].append((time.perf_counter() - t0) * 1e3)
    return times


def in_fresh_process(src: Path, job: str, args: argparse.Namespace) -> dict:
    """Run ``job`` (``conv:<i>`` or ``hd``) in a new Python with ``src`` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    cmd = [sys.executable, __file__, "--worker", job, "--repeat", str(args.repeat),
           "--budget", str(args.budget)]  # fmt: skip
    if args.threads:
        cmd += ["--threads", str(args.threads)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def conv_section(args: argparse.Namespace, versions: dict[str, Path]) -> None:
    """Every Conv2d case in fresh processes, the versions alternating; ratios side by side."""
    names = list(versions)
    print("Conv2d forward+backward, each case in a fresh process; ours/torch, best | median")
    print(f"  {'case (N, C_in, H, W -> C_out, k, s, p)':<40}" + "".join(
        f"{name:>26}" for name in names))  # fmt: skip
    ratios: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for i, case in enumerate(CONV_CASES):
        order = names if i % 2 == 0 else names[::-1]  # neither version always goes first
        for name in order:
            ratios[name].append(in_fresh_process(versions[name], f"conv:{i}", args))
        cells = "".join(
            f"{r['ours'] * 1e3:9.1f} ms {r['best']:5.2f}x|{r['median']:5.2f}x"
            for r in (ratios[name][-1] for name in names)
        )
        print(f"  {case!s:<40}{cells}", flush=True)
    for kind in ("best", "median"):
        line = "  ".join(
            f"{name}: median {statistics.median(r[kind] for r in ratios[name]):.2f}x, "
            f"worst {max(r[kind] for r in ratios[name]):.2f}x"
            for name in names
        )
        print(f"  from {kind} times: {line}")
    hd_section(args, versions)


def hd_section(args: argparse.Namespace, versions: dict[str, Path]) -> None:
    """The lesson's example in ``--hd-runs`` fresh processes per version, alternating."""
    names = list(versions)
    print(f"Conv2d{HD_CASE[:4]} k=5 s=5 in fresh processes: ms per step, first | second layer")
    runs: dict[str, list[dict[str, list[float]]]] = {name: [] for name in names}
    for i in range(args.hd_runs):
        for name in names if i % 2 == 0 else names[::-1]:
            t = in_fresh_process(versions[name], "hd", args)
            runs[name].append(t)
            first, second = (" ".join(f"{v:4.0f}" for v in t[w]) for w in ("first", "second"))
            print(f"  {name:<12} first: {first}   second: {second}", flush=True)
    summary = {
        name: (
            statistics.median(t["first"][0] for t in runs[name]),  # the very first step
            statistics.median(v for t in runs[name] for v in t["first"][1:]),  # steps 2-5
            statistics.median(v for t in runs[name] for v in t["second"]),
        )
        for name in names
    }
    for name, (step1, later, other) in summary.items():
        print(f"  {name:<12} medians: first layer's step 1 {step1:.0f} ms, its steps 2-5 "
              f"{later:.0f} ms; second layer {other:.0f} ms")  # fmt: skip
    if len(names) == 2:
        (a, ta), (b, tb) = summary.items()
        print(f"  {a}/{b}: first step {ta[0] / tb[0]:.2f}x, first layer's steps 2-5 "
              f"{ta[1] / tb[1]:.2f}x, second layer {ta[2] / tb[2]:.2f}x")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40, help="timed runs per case (max)")
    parser.add_argument("--budget", type=float, default=3.0, help="seconds per case (soft cap)")
    parser.add_argument(
        "--threads", type=int, default=None, help="BLAS and torch threads (default: libraries' own)"
    )
    parser.add_argument(
        "--against", type=Path, default=None, help="another checkout (or its src) to compare with"
    )
    parser.add_argument("--conv-only", action="store_true", help="skip the other layers")
    parser.add_argument(
        "--hd-runs", type=int, default=3, help="fresh processes per version for the full-HD case"
    )
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.worker == "hd":
        print(json.dumps(hd_steps()))
        return
    if args.worker:
        case = CONV_CASES[int(args.worker.split(":")[1])]
        print(json.dumps(conv_case(case, args.repeat, args.budget)))
        return
    versions = {"this": HERE}
    if args.against is not None:
        src = args.against.resolve()
        versions[src.parent.name if src.name == "src" else src.name] = (
            src if (src / "layerguide").is_dir() else src / "src"
        )
    print(
        f"numpy {np.__version__}, torch {torch.__version__}, torch threads {torch.get_num_threads()}"
    )
    conv_section(args, versions)
    if args.conv_only:
        return
    print(
        f"{'case (N, C_in, H, W -> C_out, k, s, p)':<42} {'ours best':>12} {'torch best':>12} "
        f"{'ratio':>8} {'ratio of':>8}"
    )
    print(f"{'':<42} {'':>12} {'':>12} {'of best':>8} {'medians':>8}")
    rng = np.random.default_rng(0)
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
