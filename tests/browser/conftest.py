"""Fixtures for the browser tests: the built site, a local HTTP server and Chromium.

The tests read the site built by ``nox -s docs`` (``docs/_build/html``) or the folder
named by ``LAYERGUIDE_SITE``. They drive Debian's Chromium (``/usr/bin/chromium``, or
``LAYERGUIDE_CHROMIUM``) through Playwright, which cannot download a browser here.

A missing site or a missing Chromium **fails** the tests: in CI they must run. Set
``LAYERGUIDE_BROWSER_OPTIONAL=1`` to skip them instead (for a quick local ``pytest`` run
without a built site).

Every request the pages make goes through one route handler: requests to the local
server pass, anything else is aborted and recorded, so a page that would reach the
network fails its test and the report names the URL.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "ko")
# Folders of the built site that hold assets, not pages.
ASSET_DIRS = {"_static", "_sources", "_downloads", "_images"}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}  # wide: the navbar shows the language switcher
BUILD_HINT = (
    "Build the site first: `python -m nox -s docs` (writes docs/_build/html), or point "
    "LAYERGUIDE_SITE at a built site (a folder with index.html, en/ and ko/). "
    "Set LAYERGUIDE_BROWSER_OPTIONAL=1 to skip the browser tests instead."
)


def _optional() -> bool:
    return os.environ.get("LAYERGUIDE_BROWSER_OPTIONAL", "") not in ("", "0")


def _unavailable(message: str) -> None:
    """Fail (the default, for CI) or skip (LAYERGUIDE_BROWSER_OPTIONAL=1)."""
    if _optional():
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


def site_path() -> Path:
    """The built site: ``$LAYERGUIDE_SITE`` or ``docs/_build/html``."""
    return Path(os.environ.get("LAYERGUIDE_SITE", ROOT / "docs" / "_build" / "html")).resolve()


def site_problem(site: Path) -> str | None:
    """Why ``site`` is not a usable built site, or None."""
    needed = ["index.html"] + [f"{lang}/index.html" for lang in LANGUAGES]
    missing = [name for name in needed if not (site / name).is_file()]
    if missing:
        return f"built site not found: {site} has no {', '.join(missing)}. {BUILD_HINT}"
    return None


def html_pages(site: Path, lang: str) -> list[str]:
    """Every HTML page of one language, as paths relative to ``site/lang`` (posix)."""
    base = site / lang
    pages = []
    for path in sorted(base.rglob("*.html")):
        rel = path.relative_to(base)
        if rel.parts[0] not in ASSET_DIRS:
            pages.append(rel.as_posix())
    return pages


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``site_page`` with every built page as ``"<lang>/<path>"``."""
    if "site_page" not in metafunc.fixturenames:
        return
    site = site_path()
    if site_problem(site):
        # One placeholder case; the `site` fixture fails (or skips) with the reason.
        metafunc.parametrize("site_page", ["<no built site>"])
        return
    pages = [f"{lang}/{page}" for lang in LANGUAGES for page in html_pages(site, lang)]
    metafunc.parametrize("site_page", pages)


@pytest.fixture(scope="session")
def site() -> Path:
    path = site_path()
    problem = site_problem(path)
    if problem:
        _unavailable(problem)
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass  # keep pytest's output clean; failures are reported by the tests


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    """Serve the site on 127.0.0.1 at a free port, from a background thread."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    assert isinstance(host, str)  # bytes only for an AF_UNIX server
    try:
        yield f"http://{host}:{port}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def chromium_path() -> str | None:
    configured = os.environ.get("LAYERGUIDE_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    for candidate in (
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = chromium_path()
    if executable is None:
        _unavailable(
            "Chromium not found (looked at $LAYERGUIDE_CHROMIUM, /usr/bin/chromium, PATH). "
            "Install it with `sudo apt-get install chromium`; Playwright cannot download "
            "its own browser here. Set LAYERGUIDE_BROWSER_OPTIONAL=1 to skip instead."
        )
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@dataclass
class OfflineGuard:
    """Route handler: let requests to the local server through, abort and record the rest."""

    base_url: str
    blocked: list[tuple[str, str]]  # (page URL, request URL), appended to

    def __call__(self, route: Route) -> None:
        request = route.request
        url = request.url
        if url.startswith((self.base_url, "data:", "blob:", "about:")):
            route.continue_()
            return
        try:
            origin = request.frame.url
        except Exception:  # noqa: BLE001 - service-worker or detached-frame requests
            origin = "?"
        self.blocked.append((origin, url))
        route.abort("blockedbyclient")


# Every request any test's browser blocked, for the summary at the end of the run.
ALL_BLOCKED: list[tuple[str, str]] = []


def _new_context(
    browser: Browser, base_url: str, blocked: list[tuple[str, str]], **options: Any
) -> BrowserContext:
    options = {"viewport": VIEWPORT, "service_workers": "block", **options}
    context = browser.new_context(**options)
    context.route("**/*", OfflineGuard(base_url, blocked))
    return context


@pytest.fixture(scope="session")
def blocked_requests() -> list[tuple[str, str]]:
    """(page URL, request URL) of every request to another host, in order (append-only)."""
    return ALL_BLOCKED


@pytest.fixture(scope="session")
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    """The shared English-locale context; requests to other hosts are blocked."""
    made = _new_context(browser, base_url, ALL_BLOCKED, locale="en-US")
    try:
        yield made
    finally:
        made.close()


@pytest.fixture
def make_context(browser: Browser, base_url: str) -> Iterator[Callable[..., BrowserContext]]:
    """Factory for extra contexts (``make_context(locale="ko-KR")``), closed after the test.

    Blocked requests go to ``blocked`` if given, else to the run's summary.
    """
    made: list[BrowserContext] = []

    def make(blocked: list[tuple[str, str]] | None = None, **options: Any) -> BrowserContext:
        made.append(
            _new_context(browser, base_url, ALL_BLOCKED if blocked is None else blocked, **options)
        )
        return made[-1]

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture(scope="session")
def shared_page(context: BrowserContext) -> Iterator[Page]:
    """One page reused by the per-page checks (much faster than a page per test)."""
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        page.close()


@pytest.fixture(scope="session")
def screenshot_dir(site: Path) -> Path:
    """``<site>/../screenshots`` (docs/_build/screenshots for the default site)."""
    path = site.parent / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not ALL_BLOCKED:
        return
    urls = sorted({url for _, url in ALL_BLOCKED})
    terminalreporter.section("requests to other hosts (blocked)")
    terminalreporter.write_line(
        f"{len(ALL_BLOCKED)} blocked request(s), {len(urls)} distinct URL(s):"
    )
    for url in urls:
        terminalreporter.write_line(f"  {url}")
