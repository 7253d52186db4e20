"""The publishing and CI configs cannot run here, so check them as far as a parser can.

``.github/workflows/docs.yml`` (GitHub Pages) and ``.readthedocs.yaml`` must be valid
YAML without duplicate keys, build with the README's own docs command, and publish
``docs/_build/html``. ``.github/workflows/ci.yml`` runs the README's test command on push
and pull request; dependabot keeps the actions current. ``.github/workflows/release.yml``
builds and checks the dists with ``nox -s build`` on a version tag, publishes them to PyPI by
trusted publishing (no stored token) and attaches them and the site archive to a release.
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
CI_WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
RELEASE_WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"
DEPENDABOT = ROOT / ".github" / "dependabot.yml"
PRE_COMMIT = ROOT / ".pre-commit-config.yaml"
READTHEDOCS = ROOT / ".readthedocs.yaml"
SITE = "docs/_build/html"


class _StrictLoader(yaml.SafeLoader):  # type: ignore[misc]  # no PyYAML stubs: SafeLoader is Any
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


def readme_command(marker: str) -> str:
    """The command after the line starting with ``marker`` in README.md (as .ci/run reads it)."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    for line, following in itertools.pairwise(lines):
        if line.startswith(marker):
            return following.strip()
    pytest.fail(f"README.md has no line starting with {marker!r}")


def readme_docs_command() -> str:
    return readme_command("# build the site")


def normalise(command: str) -> str:
    """Compare commands loosely: ``python3``/``python`` and spacing do not matter."""
    return " ".join(re.sub(r"\bpython3\b", "python", command).split())


@pytest.mark.parametrize(
    "path",
    [WORKFLOW, READTHEDOCS, CI_WORKFLOW, RELEASE_WORKFLOW, DEPENDABOT, PRE_COMMIT],
    ids=lambda p: p.name,
)
def test_yaml_parses_without_duplicate_keys(path: Path) -> None:
    load(path)


def test_strict_loader_rejects_duplicate_keys() -> None:
    with pytest.raises(yaml.constructor.ConstructorError, match="duplicate key 'a'"):
        yaml.load("a: 1\nb: 2\na: 3\n", Loader=_StrictLoader)


def test_workflow_builds_with_the_readme_command_and_deploys_pages() -> None:
    workflow = load(WORKFLOW)
    # YAML 1.1 reads a bare `on` as True; GitHub reads it as the string "on".
    triggers = workflow.get("on", workflow.get(True))
    assert triggers is not None
    assert triggers["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    # only the deploying job may write Pages and mint an OIDC token
    assert workflow["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}

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


def _pinned(uses: list[str]) -> list[str]:
    return [u for u in uses if u and not re.search(r"@(v\d+(\.\d+)*|[0-9a-f]{40})$", u)]


def test_ci_workflow_runs_lint_and_the_readme_tests_on_push_and_pull_request() -> None:
    workflow = load(CI_WORKFLOW)
    triggers = workflow.get("on", workflow.get(True))
    assert triggers is not None
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    runs = [normalise(s["run"]) for s in steps if "run" in s]
    assert normalise(readme_command("# run the tests")) in runs
    assert normalise("python noxfile.py -s lint") in runs
    assert any("pre-commit run --all-files" in r for r in runs)
    assert not _pinned([s.get("uses", "") for s in steps])


def test_dependabot_updates_the_actions() -> None:
    config = load(DEPENDABOT)
    assert config["version"] == 2
    ecosystems = {u["package-ecosystem"]: u for u in config["updates"]}
    assert ecosystems["github-actions"]["directory"] == "/"


def test_pre_commit_runs_ruff_and_ruff_format() -> None:
    hooks = {h["id"] for repo in load(PRE_COMMIT)["repos"] for h in repo["hooks"]}
    assert {"ruff-check", "ruff-format", "check-yaml", "end-of-file-fixer"} <= hooks


def _runs(job: dict) -> list[str]:
    return [normalise(s["run"]) for s in job["steps"] if "run" in s]


def _uses(job: dict) -> list[str]:
    return [s.get("uses", "") for s in job["steps"]]


def test_release_workflow_builds_checks_publishes_and_attaches_the_site() -> None:
    workflow = load(RELEASE_WORKFLOW)
    triggers = workflow.get("on", workflow.get(True))
    assert triggers is not None
    assert triggers["push"] == {"tags": ["v*"]}
    assert "branches" not in triggers["push"]
    assert workflow["permissions"] == {"contents": "read"}
    jobs = workflow["jobs"]
    assert set(jobs) == {"dist", "site", "pypi", "github-release"}

    # the dists: nox -s build (twine check --strict and the contents check), the tag checked
    dist = " ".join(_runs(jobs["dist"]))
    assert "python noxfile.py -s build -- --tag" in dist
    assert "$GITHUB_REF_NAME" in dist
    # the site: the README's docs command, docs/_build/html as one archive
    site = _runs(jobs["site"])
    assert normalise(readme_docs_command()) in site
    assert any(SITE in r and "zipfile -c" in r for r in site)
    artifacts = {
        s["with"]["name"]: s["with"]["path"]
        for name in ("dist", "site")
        for s in jobs[name]["steps"]
        if s.get("uses", "").startswith("actions/upload-artifact@")
    }
    assert artifacts == {"dist": "dist/", "site": "site/"}

    # PyPI: trusted publishing only, from the pypi environment, after both builds, on tags
    pypi = jobs["pypi"]
    assert set(pypi["needs"]) == {"dist", "site"}
    assert pypi["if"] == "github.ref_type == 'tag'"
    assert pypi["environment"]["name"] == "pypi"
    assert pypi["permissions"] == {"id-token": "write"}
    (publish,) = [s for s in pypi["steps"] if "pypi-publish" in s.get("uses", "")]
    assert publish["uses"].startswith("pypa/gh-action-pypi-publish@")
    assert not {"password", "user"} & set(publish.get("with", {}))
    text = RELEASE_WORKFLOW.read_text(encoding="utf-8")
    assert "secrets." not in text, "trusted publishing needs no stored token"
    assert [name for name, job in jobs.items() if "id-token" in job.get("permissions", {})] == [
        "pypi"
    ]

    # the GitHub release: after PyPI, with the dists and the site archive
    release = jobs["github-release"]
    assert release["needs"] == ["pypi"]
    assert release["if"] == "github.ref_type == 'tag'"
    assert release["permissions"] == {"contents": "write"}
    create = " ".join(_runs(release))
    assert "gh release create" in create
    assert "dist/*" in create
    assert "site/*.zip" in create

    every_use = [u for job in jobs.values() for u in _uses(job)]
    assert not _pinned(every_use), f"actions without a version: {_pinned(every_use)}"
