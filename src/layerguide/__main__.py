"""``python -m layerguide`` runs the same command line as ``layerguide``."""

from layerguide.cli import main

if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
