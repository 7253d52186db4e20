"""Moving between the languages: the navbar switcher and the root language chooser."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import BrowserContext, Page, expect

# A top-level page, nested pages, and a generated one.
SWITCH_PAGES = [
    "index.html",
    "auto_examples/index.html",
    "auto_examples/plot_01_data_shapes.html",
    "api/index.html",
    "genindex.html",
]


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    made = context.new_page()
    made.set_default_timeout(15_000)
    yield made
    made.close()


def click_switcher(page: Page) -> None:
    switch = page.locator("a.lg-language-switch:visible")
    expect(switch).to_have_count(1)
    with page.expect_navigation():
        switch.click()


# Each case is a round trip, so starting in English covers both directions; one case
# starts in Korean. (test_pages checks every page's switcher link.)
SWITCH_CASES = [("en", path) for path in SWITCH_PAGES] + [("ko", SWITCH_PAGES[2])]


@pytest.mark.parametrize(("start", "path"), SWITCH_CASES)
def test_switcher_goes_to_the_same_page_and_back(
    page: Page, base_url: str, start: str, path: str
) -> None:
    other = "ko" if start == "en" else "en"
    page.goto(f"{base_url}{start}/{path}")
    expect(page.locator("html")).to_have_attribute("lang", start)
    click_switcher(page)
    assert page.url == f"{base_url}{other}/{path}"
    expect(page.locator("html")).to_have_attribute("lang", other)
    click_switcher(page)
    assert page.url == f"{base_url}{start}/{path}"


def test_switcher_labels_name_the_other_language(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}en/index.html")
    expect(page.locator("a.lg-language-switch:visible")).to_contain_text("한국어")
    page.goto(f"{base_url}ko/index.html")
    expect(page.locator("a.lg-language-switch:visible")).to_contain_text("English")


@pytest.mark.parametrize(
    ("locale", "lang"),
    [("ko-KR", "ko"), ("en-US", "en"), ("fr-FR", "en")],
)
def test_root_follows_the_browser_language(
    make_context: Callable[..., BrowserContext], base_url: str, locale: str, lang: str
) -> None:
    page = make_context(locale=locale).new_page()
    page.goto(base_url)
    page.wait_for_url(f"{base_url}{lang}/index.html")
    expect(page.locator("html")).to_have_attribute("lang", lang)


@pytest.mark.parametrize("locale", ["ko-KR", "en-US"])
def test_root_stays_when_asked_to_choose(
    make_context: Callable[..., BrowserContext], base_url: str, locale: str
) -> None:
    page = make_context(locale=locale).new_page()
    page.goto(f"{base_url}index.html?choose")
    ko = page.locator("#choose-ko")
    en = page.locator("#choose-en")
    expect(ko).to_be_visible()
    expect(en).to_be_visible()
    expect(ko).to_contain_text("한국어")
    expect(en).to_contain_text("English")
    assert page.url == f"{base_url}index.html?choose"
    with page.expect_navigation():
        ko.click()
    assert page.url == f"{base_url}ko/index.html"


def test_root_offers_both_languages_without_javascript(
    make_context: Callable[..., BrowserContext], base_url: str
) -> None:
    page = make_context(locale="ko-KR", java_script_enabled=False).new_page()
    page.goto(base_url)
    assert page.url == base_url  # no script, no redirect: the reader picks
    for lang in ("ko", "en"):
        link = page.locator(f"#choose-{lang}")
        expect(link).to_be_visible()
        expect(link).to_have_attribute("href", re.compile(rf"^{lang}/index\.html$"))
