"""``layerguide autoencoder train|eval``: train a decoder, or score a checkpoint.

Both print, as their last line on stdout::

    test_bce=<float> test_mse=<float> code_size=<int> params=<int> seconds=<float>

``seconds`` is the training time recorded in the checkpoint. torch is imported only when a
command runs, so ``layerguide --help`` stays fast.

MNIST comes from the first local source that has it, else it is downloaded once into the
user cache (see :func:`layerguide.autoencoder.data.load_mnist`); ``--offline`` (or
``LAYERGUIDE_OFFLINE=1``) never downloads. Without data the command fails with exit
status 2 and a message listing what was tried and the ways out.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from layerguide.errors import ArgumentError

# On a shared machine, OpenMP threads that spin while they wait slow training down several
# times (measured: 100 steps in 44 s instead of 8 s at load 3 on 2 cores). Passive waiting
# costs little on a quiet machine. It only takes effect if torch is not imported yet.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

NAME = "autoencoder"
DEFAULT_SECONDS = 60.0


def register(subparsers: Any) -> None:
    """Add ``autoencoder`` with its ``train`` and ``eval`` commands to the CLI."""
    parser = subparsers.add_parser(
        NAME, help="train and evaluate the MNIST convolutional autoencoder"
    )
    parser.set_defaults(func=lambda args: (parser.print_help(), 0)[1])
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    tr = commands.add_parser("train", help="train one decoder and save a checkpoint")
    tr.add_argument(
        "--decoder",
        default=None,
        help="transpose (default), nearest, bed_of_nails, max_unpool or fc",
    )
    tr.add_argument(
        "--code-size", type=int, default=128, help="values in the code (multiple of 16)"
    )
    budget = tr.add_mutually_exclusive_group()
    budget.add_argument("--epochs", type=float, help="passes over the training set")
    budget.add_argument("--steps", type=int, help="optimiser steps")
    budget.add_argument(
        "--max-seconds",
        type=float,
        help=f"wall-clock training budget (default {DEFAULT_SECONDS:g})",
    )
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--batch-size", type=int, default=None)
    tr.add_argument("--lr", type=float, default=None, help="peak learning rate")
    tr.add_argument(
        "--threads", type=int, default=2, help="CPU threads, one model copy each (default 2)"
    )
    tr.add_argument("--device", default="auto", help="auto, cpu or cuda")
    tr.add_argument("--out", required=True, type=Path, help="checkpoint file to write")
    tr.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    tr.add_argument("--train-limit", type=int, help="use only the first N training images")
    tr.add_argument("--test-limit", type=int, help="evaluate on the first N test images")
    tr.add_argument("--no-progress", action="store_true", help="no progress bar")
    _add_offline(tr)
    tr.set_defaults(func=_train)

    ev = commands.add_parser("eval", help="print the test losses of a checkpoint")
    ev.add_argument("checkpoint", type=Path)
    ev.add_argument("--decoder", help="fail unless the checkpoint has this decoder")
    ev.add_argument("--code-size", type=int, help="fail unless the checkpoint has this code size")
    ev.add_argument("--test-limit", type=int, help="evaluate on the first N test images")
    _add_offline(ev)
    ev.set_defaults(func=_eval)


def _add_offline(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offline",
        action="store_true",
        help="never download MNIST (same as LAYERGUIDE_OFFLINE=1); use local sources only",
    )


def _load(split: str, args: argparse.Namespace, progress: bool = True) -> Any:
    from layerguide.autoencoder.data import load_mnist

    return load_mnist(split, download=False if args.offline else None, progress=progress)


def _limit(n: int | None, what: str) -> slice:
    if n is not None and n < 1:
        raise ArgumentError(f"autoencoder: --{what}-limit must be >= 1, got {n}")
    return slice(None, n)


def _train(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from layerguide.autoencoder.cache import make_info
    from layerguide.autoencoder.checkpoint import load_checkpoint, save_checkpoint
    from layerguide.autoencoder.config import AutoencoderConfig
    from layerguide.autoencoder.evaluation import evaluate, summary_line
    from layerguide.autoencoder.loop import resolve_device, train
    from layerguide.autoencoder.train_config import TrainConfig
    from layerguide.errors import DataError

    config = AutoencoderConfig(code_size=args.code_size)
    if args.decoder is not None:
        config = replace(config, decoder=args.decoder)
    budget = (
        TrainConfig(
            epochs=args.epochs,
            steps=args.steps,
            max_seconds=args.max_seconds,
            seed=args.seed,
            threads=args.threads,
        )
        if any(v is not None for v in (args.epochs, args.steps, args.max_seconds))
        else TrainConfig(max_seconds=DEFAULT_SECONDS, seed=args.seed, threads=args.threads)
    )
    if args.batch_size is not None:
        budget = replace(budget, batch_size=args.batch_size)
    if args.lr is not None:
        budget = replace(budget, lr=args.lr)
    device = str(resolve_device(args.device))
    train_slice, test_slice = _limit(args.train_limit, "train"), _limit(args.test_limit, "test")
    out: Path = args.out
    if out.exists() and not args.overwrite:
        try:
            _, info = load_checkpoint(out)
            what = "a checkpoint"
        except DataError:
            what = "a file that is not a checkpoint"
        raise ArgumentError(
            f"autoencoder train: {out} exists ({what}); pass --overwrite to replace it"
        )
    if out.is_dir():
        raise ArgumentError(f"autoencoder train: --out {out} is a directory")

    train_data = _load("train", args, progress=not args.no_progress)
    test_data = _load("test", args, progress=not args.no_progress)
    print(f"data: {train_data.source} ({train_data.location})", file=sys.stderr)
    result = train(
        config, budget, train_data.images[train_slice], device=device, progress=not args.no_progress
    )
    metrics = evaluate(result.model, test_data.images[test_slice])
    info = make_info(result, metrics, budget)
    info.update(device=device, train_limit=args.train_limit, test_limit=args.test_limit)
    save_checkpoint(out, result.model, info)
    print(f"saved {out} ({result.steps} steps, {result.images_seen} images)", file=sys.stderr)
    print(summary_line(metrics, config, result.model.n_params(), result.seconds))
    return 0


def _eval(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from layerguide.autoencoder.checkpoint import load_checkpoint
    from layerguide.autoencoder.evaluation import evaluate, summary_line

    test_slice = _limit(args.test_limit, "test")
    model, info = load_checkpoint(args.checkpoint)
    wanted = {}
    if args.decoder is not None:
        wanted["decoder"] = args.decoder
    if args.code_size is not None:
        wanted["code_size"] = args.code_size
    if wanted:
        load_checkpoint(args.checkpoint, expect=replace(model.config, **wanted))
    test_data = _load("test", args)
    metrics = evaluate(model, test_data.images[test_slice])
    print(summary_line(metrics, model.config, model.n_params(), float(info.get("seconds", 0.0))))
    return 0
