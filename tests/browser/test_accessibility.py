"""axe-core over every built page in both languages: 0 WCAG 2.0/2.1 A/AA violations.

axe-core (the engine behind Lighthouse's accessibility audit) is installed from the npm
registry by the browser session (``tests/browser/package.json``, pinned; never a CDN) and
injected into each page as a local script. Light and dark colour modes are both checked,
since the theme changes contrast with the mode.

A failure prints, per violation: the rule, its impact, the page and the offending elements.

The chapters and the chapter index are checked a second time at a phone's width
(390×844), where wide tables and code overflow and become scroll regions that keyboard
users must be able to reach (axe's ``scrollable-region-focusable``). Every content image
must also have alternative text in the page's language (figures take theirs from their
titles); an empty ``alt`` is allowed only on a gallery thumbnail, whose link names it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize

HERE = Path(__file__).resolve().parent
AXE_JS = Path(os.environ.get("LAYERGUIDE_AXE_JS", HERE / "node_modules/axe-core/axe.min.js"))
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW: ViewportSize = {"width": 390, "height": 844}  # a phone in portrait
ROOT = HERE.parents[1]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
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


def _chapter_pages() -> list[str]:
    """Every gallery page (the chapters and their index) of both languages."""
    site = Path(os.environ.get("LAYERGUIDE_SITE", ROOT / "docs" / "_build" / "html")).resolve()
    pages = [
        f"{lang}/auto_examples/{path.name}"
        for lang in ("en", "ko")
        for path in sorted((site / lang / "auto_examples").glob("*.html"))
    ]
    return pages or ["<no built site>"]


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


def _record(site_page: str, mode: str, violations: list[dict]) -> None:
    summary = os.environ.get("LAYERGUIDE_AXE_SUMMARY")
    if summary:  # one JSON line per page, for counting before/after
        with Path(summary).open("a", encoding="utf-8") as f:
            f.write(json.dumps({"page": site_page, "mode": mode, "violations": violations}) + "\n")


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_no_axe_violations(shared_page: Page, base_url: str, site_page: str, mode: str) -> None:
    violations = axe_violations(shared_page, base_url + site_page, mode)
    _record(site_page, mode, violations)
    assert not violations, report(site_page, mode, violations)


@pytest.mark.parametrize("chapter", _chapter_pages())
def test_no_axe_violations_narrow(
    shared_page: Page, site: Path, base_url: str, chapter: str
) -> None:
    if not (site / chapter).is_file():
        pytest.fail(f"no gallery pages in {site}", pytrace=False)
    wide = shared_page.viewport_size
    shared_page.set_viewport_size(NARROW)
    try:
        violations = axe_violations(shared_page, base_url + chapter, "light")
    finally:
        if wide:
            shared_page.set_viewport_size(wide)
    _record(chapter, "light-390px", violations)
    assert not violations, report(chapter, "light, 390 px wide", violations)


# Images in the page's main content: their alt text and the language around them.
IMAGES_JS = """
() => Array.from(document.querySelectorAll("main img, article img"))
  .filter(img => img.getClientRects().length > 0)  // shown (not a hidden toggler icon)
  .map(img => ({
  src: (img.getAttribute("src") || "").slice(0, 80),
  alt: img.getAttribute("alt"),
  lang: (img.closest("[lang]") || document.documentElement).getAttribute("lang") || "",
  thumbnail: !!img.closest(".sphx-glr-thumbcontainer"),
  hidden: img.getAttribute("role") === "presentation" || img.getAttribute("aria-hidden") === "true",
}))
"""


def test_images_have_alt_in_page_language(
    shared_page: Page, site: Path, base_url: str, site_page: str
) -> None:
    if "<img" not in (site / site_page).read_text(encoding="utf-8", errors="replace"):
        return  # no image on this page: nothing to load
    shared_page.goto(base_url + site_page, wait_until="load")
    problems = []
    for img in shared_page.evaluate(IMAGES_JS):
        alt = (img["alt"] or "").strip()
        if not alt:
            if img["alt"] is None or not (img["thumbnail"] or img["hidden"]):
                problems.append(f"{img['src']}: no alt text")
        elif img["lang"].startswith("ko") and not HANGUL.search(alt):
            problems.append(f"{img['src']}: alt {alt!r} is not Korean")
        elif img["lang"].startswith("en") and HANGUL.search(alt):
            problems.append(f"{img['src']}: alt {alt!r} is not English")
    assert not problems, f"images on {site_page}:\n" + "\n".join(problems)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_root_chooser_no_axe_violations(shared_page: Page, base_url: str, mode: str) -> None:
    """The site's root page (the language chooser written by docs/make_root.py)."""
    violations = axe_violations(shared_page, base_url + "index.html?choose", mode)
    _record("index.html", mode, violations)
    assert not violations, report("index.html?choose", mode, violations)
