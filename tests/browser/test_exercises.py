"""Exercise pages in the browser: they load cleanly, and hints and solutions unfold.

Every exercise page (``exercises/*.html``, both languages) loads without console errors;
its hint (a sphinx-design dropdown) and its solution (a myst-nb folded cell) start closed
and open on a click; the fold prompts are in the page's language; the page's notebook
download is served and is a notebook in the same language.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Error, Page, expect

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "ko")
PAGES = sorted(p.stem for p in (ROOT / "docs" / "en" / "exercises").glob("*.md"))
EXERCISES = [name for name in PAGES if name != "index"]
SHOW = {"en": "Show the solution", "ko": "풀이 보기"}
HINT = {"en": "Hint", "ko": "힌트"}


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    made = context.new_page()
    made.set_default_timeout(15_000)
    yield made
    made.close()


def open_clean(page: Page, url: str) -> list[str]:
    """Load ``url``; return its console errors and uncaught exceptions."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_error(error: Error) -> None:
        errors.append(f"{error.name}: {error.message}")

    page.on("console", on_console)
    page.on("pageerror", on_error)
    response = page.goto(url, wait_until="load")
    assert response is not None, f"{url}: no response"
    assert response.ok, f"{url}: HTTP {response.status}"
    page.wait_for_load_state("networkidle")
    return errors


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", PAGES)
def test_page_loads_without_errors(page: Page, base_url: str, lang: str, name: str) -> None:
    url = f"{base_url}{lang}/exercises/{name}.html"
    errors = open_clean(page, url)
    assert not errors, f"{url}: {errors}"
    expect(page.locator("html")).to_have_attribute("lang", lang)


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", EXERCISES)
def test_hint_and_solution_unfold(page: Page, base_url: str, lang: str, name: str) -> None:
    open_clean(page, f"{base_url}{lang}/exercises/{name}.html")
    hints = page.locator("details.sd-dropdown")
    solutions = page.locator(".tag_solution details.hide")
    n = solutions.count()
    assert 3 <= n <= 7  # the same bounds as tests/docs/test_exercises.py (ch. 3 has 7)
    expect(hints).to_have_count(n)

    hint = hints.first
    expect(hint).not_to_have_attribute("open", "")
    expect(hint.locator("summary")).to_contain_text(HINT[lang])
    hint.locator("summary").click()
    expect(hint).to_have_attribute("open", "")
    expect(hint.locator(".sd-card-body")).to_be_visible()

    solution = solutions.first
    code = solution.locator(".cell_input")
    expect(code).to_be_hidden()
    expect(solution.locator("summary")).to_contain_text(SHOW[lang])
    solution.locator("summary").click()
    expect(code).to_be_visible()
    expect(code).to_contain_text("assert")
    if lang == "ko":
        expect(page.locator("body")).not_to_contain_text("Show code cell")
        expect(page.locator("body")).not_to_contain_text("Hide code cell")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_notebook_download(page: Page, base_url: str, lang: str) -> None:
    name = EXERCISES[0]
    open_clean(page, f"{base_url}{lang}/exercises/{name}.html")
    link = page.locator("a.download[href$='.ipynb']")
    expect(link).to_have_count(1)
    href = link.get_attribute("href")
    assert href == f"{name}.ipynb"
    response = page.request.get(f"{base_url}{lang}/exercises/{href}")
    assert response.ok, f"{href}: HTTP {response.status}"
    notebook = json.loads(response.text())
    sources = ["".join(cell["source"]) for cell in notebook["cells"]]
    assert any(f"<summary>{HINT[lang]}</summary>" in s for s in sources)
    hidden = [c for c in notebook["cells"] if c["metadata"].get("jupyter", {}).get("source_hidden")]
    assert hidden, "no folded solution cells in the notebook"
    assert all("assert" in "".join(c["source"]) for c in hidden)
