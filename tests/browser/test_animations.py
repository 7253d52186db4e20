"""The animation players on chapters 2, 3 and 6, in both languages.

Each player shows its first frame, a step button changes the frame (and the slider), it
does not start playing by itself, its controls are labelled in the page's language, and
the page makes no request to another host and logs no console error.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import ConsoleMessage, Error

PLAYERS = {  # page → number of animations on it
    "auto_examples/plot_02_linear.html": 1,
    "auto_examples/plot_03_convolution.html": 2,
    "auto_examples/plot_06_decoders.html": 2,
}
NEXT = {"en": "Next frame", "ko": "다음 프레임"}
PLAY = {"en": "Play", "ko": "재생"}
FRAME_SRC = "img => img.getAttribute('src') || ''"


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("path", sorted(PLAYERS))
def test_player_renders_and_steps(make_context, base_url: str, lang: str, path: str) -> None:
    blocked: list[tuple[str, str]] = []
    context = make_context(blocked=blocked, locale="ko-KR" if lang == "ko" else "en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    def on_error(error: Error) -> None:
        errors.append(str(error))

    page.on("console", on_console)
    page.on("pageerror", on_error)
    page.goto(f"{base_url}{lang}/{path}", wait_until="load")

    players = page.locator("div.animation")
    assert players.count() == PLAYERS[path]
    for n in range(players.count()):
        player = players.nth(n)
        player.scroll_into_view_if_needed()
        img = player.locator("img")
        page.wait_for_function(
            "img => (img.getAttribute('src') || '').startsWith('data:image/png')",
            arg=img.element_handle(),
        )
        assert img.get_attribute("alt"), "the frame image needs alt text"
        first = img.evaluate(FRAME_SRC)
        assert img.evaluate("img => img.naturalWidth") > 0
        # It does not play by itself: still the first frame a moment later.
        page.wait_for_timeout(1500)
        assert img.evaluate(FRAME_SRC) == first
        player.get_by_role("button", name=NEXT[lang], exact=True).click()
        second = img.evaluate(FRAME_SRC)
        assert second != first, "the step button did not change the frame"
        assert player.locator("input.anim-slider").input_value() == "1"
        assert player.get_by_role("button", name=PLAY[lang], exact=True).count() == 1
        if lang == "ko":
            assert player.get_by_role("button", name="Play", exact=True).count() == 0
    assert not blocked, f"requests to other hosts: {blocked}"
    assert not errors, f"console errors: {errors}"
    page.close()
