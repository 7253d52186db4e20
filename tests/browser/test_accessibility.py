"""axe-core over every built page in both languages: 0 WCAG 2.0/2.1 A/AA violations.

axe-core (the engine behind Lighthouse's accessibility audit) is installed from the npm
registry by the browser session (``tests/browser/package.json``, pinned; never a CDN) and
injected into each page as a local script. Light and dark colour modes are both checked,
since the theme changes contrast with the mode.

A failure prints, per violation: the rule, its impact, the page and the offending elements.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

HERE = Path(__file__).resolve().parent
AXE_JS = Path(os.environ.get("LAYERGUIDE_AXE_JS", HERE / "node_modules/axe-core/axe.min.js"))
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_HINT = (
    f"axe-core not found at {AXE_JS}: run `npm ci --prefix tests/browser` "
    "(the browser nox session does it) or set LAYERGUIDE_AXE_JS."
)

RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags},
                                           resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html.slice(0, 160),
                              summary: (n.failureSummary || "").slice(0, 300)})),
  }));
}
"""


def axe_violations(page: Page, url: str, mode: str) -> list[dict]:
    """Load ``url`` in colour ``mode`` and return axe's violations there."""
    if not AXE_JS.is_file():
        pytest.fail(AXE_HINT, pytrace=False)
    page.goto(url, wait_until="load")
    page.evaluate(
        "(mode) => { document.documentElement.dataset.theme = mode;"
        " document.documentElement.dataset.mode = mode; }",
        mode,
    )
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(RUN_AXE, TAGS)


def report(site_page: str, mode: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} axe violation(s) on {site_page} ({mode} mode):"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node['html']}")
            if node["summary"]:
                lines.append("      " + node["summary"].replace("\n", "\n      "))
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more element(s)")
    return "\n".join(lines)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_no_axe_violations(shared_page: Page, base_url: str, site_page: str, mode: str) -> None:
    violations = axe_violations(shared_page, base_url + site_page, mode)
    summary = os.environ.get("LAYERGUIDE_AXE_SUMMARY")
    if summary:  # one JSON line per page, for counting before/after
        with Path(summary).open("a", encoding="utf-8") as f:
            f.write(json.dumps({"page": site_page, "mode": mode, "violations": violations}) + "\n")
    assert not violations, report(site_page, mode, violations)
