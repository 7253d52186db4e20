"""The commands of the install page ("Run the chapters yourself", ``docs/<lang>/install.md``).

A MyST comment line ending in a marker (``% … : lg_install``) names the fenced block that
follows it; ``tests/install/test_wheel.py`` runs those blocks as they are written, so the page
and the install test cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARKER = re.compile(
    r"^% [^\n]*: (?P<name>lg_\w+)\n+```(?P<lang>\w*)\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL
)


def page(lang: str) -> Path:
    return ROOT / "docs" / lang / "install.md"


def marked_blocks(lang: str) -> dict[str, list[str]]:
    """{marker: the lines of the fenced block after it} on the install page of ``lang``."""
    text = page(lang).read_text(encoding="utf-8")
    blocks: dict[str, list[str]] = {}
    for m in MARKER.finditer(text):
        assert m["lang"] == "bash", f"{page(lang)}: the {m['name']} block is not bash"
        assert m["name"] not in blocks, f"{page(lang)}: two {m['name']} blocks"
        blocks[m["name"]] = m["body"].strip().splitlines()
    return blocks


def fenced_blocks(lang: str) -> list[str]:
    """Every fenced code block of the page, in order (marked or not)."""
    text = page(lang).read_text(encoding="utf-8")
    return [
        m[1].strip() for m in re.finditer(r"^```\w*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)
    ]
