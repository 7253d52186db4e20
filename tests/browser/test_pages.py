"""Every built page, in both languages, as a reader's browser meets it.

For each page: no console errors or uncaught exceptions, no failed local requests,
every image loads, zero requests to hosts other than the local server, every internal
link (and its #fragment) resolves, and the language switcher points at the same page
in the other language.
"""

from __future__ import annotations

import functools
import html.parser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from playwright.sync_api import ConsoleMessage, Error, Page, Request, Response

LANGUAGES = ("en", "ko")

# Waits for every <img> (lazy ones too) to finish, then lists the ones that failed.
# The 10 s bound only stops a hung image from hanging the test; it is not a delay.
BROKEN_IMAGES_JS = """
async () => {
  const images = Array.from(document.images);
  for (const img of images) img.loading = "eager";
  const settled = img => img.complete ? null : new Promise(done => {
    img.addEventListener("load", done, {once: true});
    img.addEventListener("error", done, {once: true});
  });
  const bound = new Promise(done => setTimeout(done, 10000));
  await Promise.race([Promise.all(images.map(settled)), bound]);
  return images
    .filter(img => !(img.complete && img.naturalWidth > 0))
    .map(img => img.currentSrc || img.src || img.outerHTML.slice(0, 200));
}
"""


class _AnchorCollector(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.anchors: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value and (name == "id" or (tag == "a" and name == "name")):
                self.anchors.add(value)


@functools.cache
def anchors_in(path: Path) -> frozenset[str]:
    """The ids (and ``<a name>``) a page defines: valid targets for ``page.html#...``."""
    collector = _AnchorCollector()
    collector.feed(path.read_text(encoding="utf-8"))
    return frozenset(collector.anchors)


def resolve_local(site: Path, url_path: str) -> Path | None:
    """The file a same-origin URL path serves, or None if there is none."""
    target = site / unquote(url_path).lstrip("/")
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


def broken_links(site: Path, base_url: str, hrefs: list[str]) -> list[str]:
    """Same-origin links whose file (or #fragment in it) does not exist."""
    origin = urlsplit(base_url).netloc
    problems = []
    for href in sorted(set(hrefs)):
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or parts.netloc != origin:
            continue  # external links are not followed; mailto: etc. are not pages
        target = resolve_local(site, parts.path)
        if target is None:
            problems.append(f"{href}: no such file")
            continue
        fragment = unquote(parts.fragment)
        if fragment and target.suffix == ".html" and fragment not in anchors_in(target):
            problems.append(f"{href}: no element with id {fragment!r} in {target.name}")
    return problems


def test_page_is_clean(
    site_page: str,
    site: Path,
    base_url: str,
    shared_page: Page,
    blocked_requests: list[tuple[str, str]],
) -> None:
    lang, rel = site_page.split("/", 1)
    page = shared_page
    url = base_url + site_page
    console_errors: list[str] = []
    page_errors: list[str] = []
    failed: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        source = message.location.get("url", "")
        if message.type == "error":
            console_errors.append(f"{message.text} ({source})")

    def on_page_error(error: Error) -> None:
        page_errors.append(f"{error.name}: {error.message}")

    def on_response(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"HTTP {response.status} {response.url}")

    def on_request_failed(request: Request) -> None:
        if request.url.startswith(base_url):
            failed.append(f"{request.failure} {request.url}")

    handlers = [
        ("console", on_console),
        ("pageerror", on_page_error),
        ("response", on_response),
        ("requestfailed", on_request_failed),
    ]
    for event, handler in handlers:
        page.on(event, handler)  # type: ignore[call-overload]
    blocked_before = len(blocked_requests)
    try:
        response = page.goto(url, wait_until="load")
        assert response is not None
        assert response.ok, f"{url}: HTTP {response.status}"
        # Scripts (MathJax, search, theme) may fetch more after "load".
        page.wait_for_load_state("networkidle")
        broken_images = page.evaluate(BROKEN_IMAGES_JS)
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
        switchers = page.eval_on_selector_all("a.lg-language-switch", "els => els.map(a => a.href)")
    finally:
        for event, handler in handlers:
            page.remove_listener(event, handler)

    external = [request for _, request in blocked_requests[blocked_before:]]
    assert not external, f"{url} requested other hosts (blocked): {external}"
    assert not page_errors, f"{url}: uncaught exceptions: {page_errors}"
    assert not console_errors, f"{url}: console errors: {console_errors}"
    assert not failed, f"{url}: failed requests: {failed}"
    assert not broken_images, f"{url}: images that did not load: {broken_images}"
    problems = broken_links(site, base_url, hrefs)
    assert not problems, f"{url}: broken internal links:\n" + "\n".join(problems)

    other = next(code for code in LANGUAGES if code != lang)
    assert switchers, f"{url}: no language switcher (a.lg-language-switch)"
    expected = base_url + f"{other}/{rel}"
    wrong = [href for href in switchers if href != expected]
    assert not wrong, f"{url}: language switcher goes to {wrong}, expected {expected}"


def test_broken_links_finds_missing_files_and_fragments(tmp_path: Path) -> None:
    """The link checker itself, on a two-page site (no browser needed)."""
    (tmp_path / "en" / "api").mkdir(parents=True)
    (tmp_path / "en" / "index.html").write_text('<h1 id="top">x</h1><a name="old">', "utf-8")
    (tmp_path / "en" / "api" / "index.html").write_text('<p id="f%C3%A9">', "utf-8")
    base = "http://127.0.0.1:8000/"
    hrefs = [
        base + "en/index.html#top",
        base + "en/index.html#old",
        base + "en/api/",
        base + "en/index.html",
        "https://example.com/elsewhere.html",
        "mailto:someone@example.com",
        base + "en/missing.html",
        base + "en/index.html#nowhere",
    ]
    assert broken_links(tmp_path, base, hrefs) == [
        f"{base}en/index.html#nowhere: no element with id 'nowhere' in index.html",
        f"{base}en/missing.html: no such file",
    ]
