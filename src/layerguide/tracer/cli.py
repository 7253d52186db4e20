"""``layerguide trace TARGET --input 1,3,224,224``: print a model's trace table.

TARGET is ``module.path:name`` or ``path/to/file.py:name``; ``name`` is a model
instance, a model class (called with no arguments) or a zero-argument factory.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
import sys
from pathlib import Path
from typing import Any

from layerguide.errors import ArgumentError
from layerguide.i18n import LANGS
from layerguide.tracer.table import Shape

FORMATS = ("text", "markdown", "html")


def register(subparsers: Any) -> None:
    """Add the ``trace`` subcommand to the ``layerguide`` parser."""
    parser = subparsers.add_parser(
        "trace",
        help="print shapes, output memory, parameters, MACs and receptive field of a model, "
        "layer by layer",
        description=(
            "Trace one forward pass of a model without allocating its activations and "
            "print a table: input and output shape, output memory, parameters with their "
            "formula, MACs and receptive field of every layer, and the activation memory "
            "of the whole pass."
        ),
    )
    parser.add_argument(
        "target",
        metavar="TARGET",
        help="module.path:name or path/to/file.py:name (a model, a model class, or a "
        "function that returns a model)",
    )
    parser.add_argument(
        "--input",
        "-i",
        action="append",
        required=True,
        metavar="SHAPE",
        help="input shape such as 1,3,224,224 (repeat for a model with several inputs)",
    )
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format")
    parser.add_argument("--lang", choices=LANGS, default="en", help="language of the headers")
    parser.add_argument(
        "--depth",
        type=int,
        metavar="N",
        help="fold modules below nesting level N into one row each (0: the whole model)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Load the target, trace it and print the table; return the exit code."""
    from layerguide.tracer.core import trace

    shapes = [parse_shape(text) for text in args.input]
    model = load_target(args.target)
    size = shapes if len(shapes) > 1 else shapes[0]
    result = trace(model, size, lang=args.lang, depth=args.depth)
    if args.format == "markdown":
        print(result.to_markdown(), end="")
    elif args.format == "html":
        print(result.to_html(), end="")
    else:
        print(result.to_text())
    return 0


def parse_shape(text: str) -> Shape:
    """``"1,3,224,224"`` (or ``1x3x224x224``, ``(1, 3, 224, 224)``) as a tuple of ints.

    >>> parse_shape("1,3,224,224")
    (1, 3, 224, 224)
    >>> parse_shape("(2, 6)")
    (2, 6)
    """
    body = text.strip().strip("()[]").strip()
    parts = [p.strip() for p in re.split(r"[,x×\s]+", body) if p.strip()]
    if not parts or not all(p.isdecimal() for p in parts):
        raise ArgumentError(
            f"trace: --input {text!r} is not a shape; write the sizes separated by commas, "
            "e.g. --input 1,3,224,224"
        )
    return tuple(int(p) for p in parts)


def load_target(target: str) -> Any:
    """The model that ``module.path:name`` or ``file.py:name`` names."""
    source, sep, name = target.rpartition(":")
    if not sep or not source or not name:
        raise ArgumentError(
            f"trace: TARGET must look like module.path:name or path/to/file.py:name, got {target!r}"
        )
    module = _load_file(source) if source.endswith(".py") or "/" in source else _load(source)
    obj: Any = module
    for part in name.split("."):
        if not hasattr(obj, part):
            found = sorted(n for n in vars(module) if not n.startswith("_"))
            raise ArgumentError(
                f"trace: {source!r} has no attribute {name!r} (it defines: "
                f"{', '.join(found[:20]) or 'nothing public'})"
            )
        obj = getattr(obj, part)
    return _instantiate(obj, target)


def _load(module_name: str) -> Any:
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        raise ArgumentError(f"trace: cannot import module {module_name!r}: {exc}") from exc


def _load_file(source: str) -> Any:
    path = Path(source)
    if not path.is_file():
        raise ArgumentError(f"trace: no such file {source!r}")
    module_name = f"_layerguide_target_{abs(hash(path.resolve()))}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ArgumentError(f"trace: cannot load {source!r} as Python")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    sys.path.insert(0, str(path.resolve().parent))  # let the file import its neighbours
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.pop(0)
    return module


def _is_model(obj: Any) -> bool:
    import torch

    return isinstance(obj, torch.nn.Module) or hasattr(obj, "output_shape")


def _instantiate(obj: Any, target: str) -> Any:
    if not isinstance(obj, type) and _is_model(obj):
        return obj
    if callable(obj):
        try:
            made = obj()
        except TypeError as exc:
            raise ArgumentError(
                f"trace: {target!r} must be a model, a model class or a function that takes "
                f"no arguments; calling it failed: {exc}"
            ) from exc
        if _is_model(made):
            return made
        raise ArgumentError(
            f"trace: calling {target!r} returned {type(made).__name__}, not a model"
        )
    raise ArgumentError(f"trace: {target!r} is a {type(obj).__name__}, not a model")
