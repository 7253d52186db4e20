"""Screenshots of the key pages for a human to review, in ``<site>/../screenshots``.

``nox -s docs`` then ``nox -s browser`` leaves them in ``docs/_build/screenshots``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page

KEY_PAGES = {
    "home": "index.html",
    "gallery": "auto_examples/index.html",
    "data-shapes": "auto_examples/plot_01_data_shapes.html",
    "glossary": "glossary.html",
}


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    made = context.new_page()
    made.set_default_timeout(15_000)
    yield made
    made.close()


def shoot(page: Page, url: str, path: Path) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => null)")
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000, f"{path} is suspiciously small"


@pytest.mark.parametrize("name", sorted(KEY_PAGES))
@pytest.mark.parametrize("lang", ["en", "ko"])
def test_screenshot_key_page(
    page: Page, site: Path, base_url: str, screenshot_dir: Path, lang: str, name: str
) -> None:
    if not (site / lang / KEY_PAGES[name]).is_file():
        pytest.fail(f"key page {lang}/{KEY_PAGES[name]} is missing from {site}", pytrace=False)
    shoot(page, f"{base_url}{lang}/{KEY_PAGES[name]}", screenshot_dir / f"{lang}-{name}.png")


def test_screenshot_root_chooser(page: Page, base_url: str, screenshot_dir: Path) -> None:
    shoot(page, f"{base_url}index.html?choose", screenshot_dir / "root-choose.png")
