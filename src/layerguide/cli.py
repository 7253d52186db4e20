"""The ``layerguide`` command line: a thin argparse front to the package.

Each subcommand lives next to the code it drives. A module named in
:data:`SUBCOMMANDS` provides ``register(subparsers)``, which adds its parser and sets
``func`` (a callable taking the parsed namespace and returning an exit code).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from layerguide import LayerguideError, __version__

#: (subcommand, module providing ``register(subparsers)``)
SUBCOMMANDS: tuple[tuple[str, str], ...] = (
    ("trace", "layerguide.tracer.cli"),
    ("autoencoder", "layerguide.autoencoder.cli"),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="layerguide",
        description="See how data changes shape as it flows through deep-learning layers.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for _name, module_name in SUBCOMMANDS:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    try:
        return int(func(args) or 0)
    except LayerguideError as exc:
        print(f"layerguide: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
