"""The checks themselves: a request to another host is blocked and recorded.

If the route guard silently let requests through, every "zero external requests"
assertion would pass on a site that needs the network.
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import BrowserContext

EXTERNAL = [
    "https://cdn.jsdelivr.net/npm/jquery@3/dist/jquery.min.js",
    "https://example.com/picture.png",
]
PROBE_JS = """async urls => {
  const script = document.createElement("script");
  script.src = urls[0];
  const scriptDone = new Promise(done => { script.onload = script.onerror = done; });
  document.head.appendChild(script);
  const img = new Image();
  const imgDone = new Promise(done => { img.onload = img.onerror = done; });
  img.src = urls[1];
  await Promise.all([scriptDone, imgDone]);
  return {jquery: typeof window.jQuery, imageWidth: img.naturalWidth};
}"""


def test_requests_to_other_hosts_are_blocked_and_recorded(
    make_context: Callable[..., BrowserContext], base_url: str
) -> None:
    blocked: list[tuple[str, str]] = []
    page = make_context(blocked=blocked).new_page()
    page.goto(f"{base_url}en/index.html")
    assert blocked == []
    outcome = page.evaluate(PROBE_JS, EXTERNAL)
    assert outcome == {"jquery": "undefined", "imageWidth": 0}  # nothing got through
    assert sorted(url for _, url in blocked) == sorted(EXTERNAL)
    assert all(origin == f"{base_url}en/index.html" for origin, _ in blocked)
