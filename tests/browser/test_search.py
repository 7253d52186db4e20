"""Search as a reader uses it: type in the navbar search, read the result list.

Sphinx has no Korean search language: without one, 배열 does not find a page that only
says 배열은/배열을 (see shared NOTES). The Korean test picks a stem that the data-shapes
chapter uses only with particles attached: it fails without docs/_ext/korean_search.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import BrowserContext, Page

CHAPTER = "auto_examples/plot_01_data_shapes.html"
# Nouns of the data-shapes chapter; the test uses the first one that the page writes
# only with a particle attached (배열은, 배열을, ...), never bare. Glossary terms such as
# 텐서 or 배치 appear bare at first use ("배치(batch)"), so they cannot serve.
KOREAN_STEMS = ("배열", "해상도", "동영상", "신경망", "메모리", "모니터", "데이터")
HANGUL_WORD = re.compile(r"[가-힣]+")
# Sphinx's search retitles its result box "Search Results" (in the page's language)
# once the last result is listed.
SEARCH_FINISHED = """() => {
  const title = document.querySelector("#search-results h2");
  return title !== null && title.innerText === Documentation.gettext("Search Results");
}"""


def search(page: Page, base_url: str, lang: str, query: str) -> tuple[list[str], str]:
    """Type ``query`` into the navbar search of ``lang``'s home.

    Returns the pages listed (paths relative to the language root) and the summary line.
    """
    page.goto(f"{base_url}{lang}/index.html")
    page.locator(".search-button__button:visible").first.click()
    box = page.locator("#pst-search-dialog input[type=search]")
    box.fill(query)
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\.html\?q="))
    page.wait_for_function(SEARCH_FINISHED)
    hrefs = page.eval_on_selector_all(
        "#search-results ul.search li a", "els => els.map(a => a.getAttribute('href'))"
    )
    summary = page.inner_text("#search-results .search-summary").strip()
    return sorted({href.split("?")[0].split("#")[0] for href in hrefs}), summary


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    made = context.new_page()
    made.set_default_timeout(15_000)
    yield made
    made.close()


def inflected_only_stem(page: Page, base_url: str) -> tuple[str, list[str]]:
    """A stem from KOREAN_STEMS the chapter writes only inflected, and those forms."""
    page.goto(f"{base_url}ko/{CHAPTER}")
    words = set(HANGUL_WORD.findall(page.inner_text("article")))
    for stem in KOREAN_STEMS:
        forms = sorted(w for w in words if w.startswith(stem) and w != stem)
        if forms and stem not in words:
            return stem, forms
    pytest.fail(
        f"ko/{CHAPTER} uses none of {KOREAN_STEMS} only with particles attached; "
        "add a noun the chapter writes only inflected (e.g. X는/X를) to KOREAN_STEMS",
        pytrace=False,
    )


def test_korean_query_finds_inflected_forms(page: Page, base_url: str) -> None:
    stem, forms = inflected_only_stem(page, base_url)
    results, _ = search(page, base_url, "ko", stem)
    assert CHAPTER in results, (
        f"searching {stem!r} on the Korean site should list {CHAPTER}, which says "
        f"{forms}; got {results}"
    )


def test_english_search_still_works(page: Page, base_url: str) -> None:
    results, _ = search(page, base_url, "en", "shape")
    assert CHAPTER in results, f"searching 'shape' should list {CHAPTER}; got {results}"


@pytest.mark.parametrize(
    ("lang", "query"),
    [
        ("en", "shape"),
        ("ko", "형태"),
    ],
)
def test_search_says_how_many_pages_it_found(
    page: Page, base_url: str, lang: str, query: str
) -> None:
    results, summary = search(page, base_url, lang, query)
    assert results, f"searching {query!r} on the {lang} site found nothing"
    listed = page.locator("#search-results ul.search > li").count()
    # Not \b: in "8개" the digit and the Hangul syllable are both word characters.
    assert re.search(rf"(?<!\d){listed}(?!\d)", summary) or listed == 1, (
        f"{lang} search listed {listed} results but its summary says {summary!r}"
    )
