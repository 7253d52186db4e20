"""The publishing configs cannot run here, so check them as far as a parser can.

``.github/workflows/docs.yml`` (GitHub Pages) and ``.readthedocs.yaml`` must be valid
YAML without duplicate keys, build with the README's own docs command, and publish
``docs/_build/html``.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "docs.yml"
READTHEDOCS = ROOT / ".readthedocs.yaml"
SITE = "docs/_build/html"


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate keys (PyYAML keeps the last one silently)."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates
)


def load(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert "\t" not in text, f"{path.name}: tabs are not allowed in YAML"
    data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    assert isinstance(data, dict), f"{path.name}: top level must be a mapping"
    return data


def readme_docs_command() -> str:
    """The command after the ``# build the site`` comment in README.md (as .ci/run reads it)."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    for line, following in itertools.pairwise(lines):
        if line.startswith("# build the site"):
            return following.strip()
    pytest.fail("README.md has no line starting with '# build the site'")


def normalise(command: str) -> str:
    """Compare commands loosely: ``python3``/``python`` and spacing do not matter."""
    return " ".join(re.sub(r"\bpython3\b", "python", command).split())


@pytest.mark.parametrize("path", [WORKFLOW, READTHEDOCS], ids=lambda p: p.name)
def test_yaml_parses_without_duplicate_keys(path: Path) -> None:
    load(path)


def test_strict_loader_rejects_duplicate_keys() -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'a'"):
        yaml.load("a: 1\nb: 2\na: 3\n", Loader=_StrictLoader)


def test_workflow_builds_with_the_readme_command_and_deploys_pages() -> None:
    workflow = load(WORKFLOW)
    # YAML 1.1 reads a bare `on` as True; GitHub reads it as the string "on".
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"]["pages"] == "write"
    assert workflow["permissions"]["id-token"] == "write"

    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    steps = build["steps"]
    uses = [step.get("uses", "") for step in steps]
    assert any(u.startswith("actions/checkout@") for u in uses)
    python = next(s for s in steps if s.get("uses", "").startswith("actions/setup-python@"))
    assert python["with"]["python-version"] == "3.11"  # a string: 3.10 would read as 3.1
    runs = [normalise(s["run"]) for s in steps if "run" in s]
    assert normalise(readme_docs_command()) in runs
    upload = next(
        s for s in steps if s.get("uses", "").startswith("actions/upload-pages-artifact@")
    )
    assert upload["with"]["path"] == SITE

    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])

    every_use = uses + [s.get("uses", "") for s in deploy["steps"]]
    unpinned = [u for u in every_use if u and not re.search(r"@(v\d+(\.\d+)*|[0-9a-f]{40})$", u)]
    assert not unpinned, f"actions without a version: {unpinned}"


def test_readthedocs_builds_with_the_readme_command() -> None:
    config = load(READTHEDOCS)
    assert config["version"] == 2
    build = config["build"]
    assert build["os"] == "ubuntu-24.04"
    assert build["tools"]["python"] == "3.11"
    commands = [normalise(c) for c in build["commands"]]
    assert normalise(readme_docs_command()) in commands
    # Read the Docs publishes whatever lands in $READTHEDOCS_OUTPUT/html.
    copy = [c for c in commands if c.startswith("cp ")]
    assert copy, "no command copies the site into $READTHEDOCS_OUTPUT/html"
    assert SITE in copy[0]
    assert "$READTHEDOCS_OUTPUT/html" in copy[0]
    # build.commands replaces Read the Docs' own Sphinx step: no sphinx/python keys.
    assert "sphinx" not in config
    assert "python" not in config
