"""Keyboard only: Tab through a page and check every stop.

Each control the Tab key reaches must

* show where the focus is: its computed outline or box-shadow differs from the unfocused
  state (a focus ring of the theme, the browser or ``layerguide.css``), and
* have an accessible name (Chromium's own, read through the DevTools accessibility tree)
  in its language: Hangul on Korean pages, none on English ones. The language of a
  control is the nearest ``lang`` attribute, so the language switcher ("English" on a
  Korean page, marked ``lang="en"``) is judged in its own language; code (links to API
  names inside ``<code>``) and names without letters (``#``, ``1``) count for both.

Walked pages: one chapter with wide, scrollable trace tables (chapter 4), the chapter
index, and every page holding a matplotlib jshtml animation player (``.animation``) or a
playground (``[data-playground]``), in both languages. Every ``button``, ``input`` and
``select`` inside a player or playground must be reached by Tab, and a player's Play,
Pause and step buttons must work from the keyboard (Enter and Space).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, CDPSession, Page

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("en", "ko")
BASE_PAGES = (
    "auto_examples/plot_04_parameters_and_receptive_field.html",
    "auto_examples/index.html",
    "py-modindex.html",
)
WIDGETS = ".animation, [data-playground], [data-explorer]"
MAX_STOPS = 600  # a bound on the walk, far above any page's number of controls
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Proper names are written in Latin letters in Korean too: the project and the tools it credits.
PROPER_NAMES = re.compile(r"\b(layerguide|Sphinx|PyData|PyTorch|NumPy|matplotlib)\b", re.IGNORECASE)


def _site() -> Path:
    return Path(os.environ.get("LAYERGUIDE_SITE", ROOT / "docs" / "_build" / "html")).resolve()


def _widget_pages(site: Path, lang: str) -> list[str]:
    """Pages of one language whose HTML holds an animation player or a playground."""
    found = []
    for path in sorted((site / lang).glob("**/*.html")):
        rel = path.relative_to(site / lang)
        if rel.parts[0].startswith("_"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if 'class="animation"' in text or "data-playground" in text or "data-explorer" in text:
            found.append(rel.as_posix())
    return found


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "walk_page" in metafunc.fixturenames:
        site = _site()
        pages = {f"{lang}/{page}" for lang in LANGUAGES for page in BASE_PAGES}
        if (site / "en").is_dir():
            pages |= {f"{lang}/{p}" for lang in LANGUAGES for p in _widget_pages(site, lang)}
        metafunc.parametrize("walk_page", sorted(pages))
    if "player_page" in metafunc.fixturenames:
        site = _site()
        players = []
        if (site / "en").is_dir():
            players = [f"{lang}/{p}" for lang in LANGUAGES for p in _widget_pages(site, lang)]
        metafunc.parametrize("player_page", players or ["<none on the site>"])


# Marks the focused element with its stop number and returns what the test needs.
FOCUSED_JS = """
(stop) => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  if (el.hasAttribute("data-kbd-stop")) return {again: Number(el.dataset.kbdStop)};
  el.dataset.kbdStop = String(stop);
  const s = getComputedStyle(el);
  const langEl = el.closest("[lang]");
  return {
    html: el.outerHTML.slice(0, 160),
    ring: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(" | "),
    lang: langEl ? langEl.getAttribute("lang") : "",
    code: !!el.closest("code, pre, kbd, samp, .highlight, .sig") || !!el.querySelector("code"),
    visible: el.getClientRects().length > 0,
  };
}
"""

UNFOCUSED_JS = """
() => {
  if (document.activeElement) document.activeElement.blur();
  const out = {};
  for (const el of document.querySelectorAll("[data-kbd-stop]")) {
    const s = getComputedStyle(el);
    out[el.dataset.kbdStop] = [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow]
      .join(" | ");
  }
  return out;
}
"""

WIDGET_CONTROLS_JS = """
(sel) => Array.from(document.querySelectorAll(sel))
  .flatMap(w => Array.from(w.querySelectorAll("button, input, select, textarea")))
  .filter(el => !el.disabled && el.getClientRects().length > 0)
  .map(el => {
    // One radio of a group is a Tab stop; the arrow keys move within the group.
    const group = el.type === "radio" && el.name
      ? Array.from((el.form || document).querySelectorAll(`input[type=radio]`))
          .filter(r => r.name === el.name)
      : [el];
    const stop = group.map(r => r.dataset.kbdStop).find(s => s !== undefined);
    return {stop: stop === undefined ? null : stop, html: el.outerHTML.slice(0, 160)};
  })
"""


@pytest.fixture
def kbd_page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.emulate_media(reduced_motion="reduce")  # no focus-ring transitions mid-measurement
    try:
        yield page
    finally:
        page.close()


def accessible_name(cdp: CDPSession, stop: int) -> str:
    """Chromium's computed accessible name of the element marked with ``stop``."""
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": f'[data-kbd-stop="{stop}"]'})
    tree = cdp.send(
        "Accessibility.getPartialAXTree", {"nodeId": node["nodeId"], "fetchRelatives": False}
    )
    for ax in tree["nodes"]:
        if not ax.get("ignored"):
            return str(ax.get("name", {}).get("value", "")).strip()
    return ""


def language_problem(name: str, lang: str, code: bool) -> str | None:
    """Why ``name`` is not in language ``lang``, or None."""
    if not name:
        return "no accessible name"
    if re.fullmatch(r"https?://\S+", name.strip()):
        return None  # a link shown as its address (a reference list) reads the same in both
    name = PROPER_NAMES.sub("", name)
    if code or (not LATIN_WORD.search(name) and not HANGUL.search(name)):
        return None  # an identifier, or no words at all: fits either language
    if lang.startswith("ko") and not HANGUL.search(name):
        return f"name {name!r} is not Korean"
    if lang.startswith("en") and HANGUL.search(name):
        return f"name {name!r} is not English"
    return None


def walk(page: Page, context: BrowserContext, url: str) -> tuple[list[dict], list[str]]:
    """Tab through ``url`` once around; return the stops and the problems found."""
    page.goto(url, wait_until="load")
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("Accessibility.enable")
    stops: list[dict] = []
    problems: list[str] = []
    for _ in range(MAX_STOPS):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUSED_JS, len(stops))
        if info is None:
            continue  # focus left the document (the address bar): keep going round
        if "again" in info:
            break  # back at the first stop: the walk is complete
        info["name"] = accessible_name(cdp, len(stops))
        stops.append(info)
    else:
        problems.append(f"Tab never came back to the first stop after {MAX_STOPS} presses")
    unfocused = page.evaluate(UNFOCUSED_JS)
    for i, stop in enumerate(stops):
        where = f"stop {i} {stop['html']}"
        if stop["visible"] and stop["ring"] == unfocused[str(i)]:
            problems.append(f"{where}: no visible focus indicator (outline/box-shadow unchanged)")
        lang = stop["lang"]
        problem = language_problem(stop["name"], lang, stop["code"])
        if problem:
            problems.append(f"{where}: {problem}")
    for control in page.evaluate(WIDGET_CONTROLS_JS, WIDGETS):
        if control["stop"] is None:
            problems.append(f"not reachable by Tab: {control['html']}")
    cdp.detach()
    return stops, problems


def test_keyboard_walk(
    kbd_page: Page, context: BrowserContext, base_url: str, site: Path, walk_page: str
) -> None:
    if not (site / walk_page).is_file():
        pytest.fail(f"{walk_page} is missing from {site}", pytrace=False)
    stops, problems = walk(kbd_page, context, base_url + walk_page)
    assert len(stops) > 5, f"only {len(stops)} Tab stops on {walk_page}: is Tab working?"
    assert not problems, f"{len(problems)} keyboard problem(s) on {walk_page}:\n" + "\n".join(
        problems
    )


# Buttons of a jshtml player, by the method their onclick calls (matplotlib's
# DISPLAY_TEMPLATE); the slider's value is the frame shown.
PLAYER_JS = """
(player) => {
  const button = m => player.querySelector(`button[onclick*=".${m}("]`);
  const slider = player.querySelector('input[type="range"]');
  const once = player.querySelector('form.anim-state input[value="once"]');
  return {frame: slider ? Number(slider.value) : null, frames: slider ? Number(slider.max) : 0,
          once: once ? once.checked : null,
          has: ["play_animation", "pause_animation", "next_frame", "previous_frame",
                "first_frame"].filter(m => button(m)).length};
}
"""


def _press_on(page: Page, selector: str, key: str) -> None:
    page.locator(selector).first.focus()
    page.keyboard.press(key)


def test_players_and_playgrounds_work_by_keyboard(
    kbd_page: Page, base_url: str, player_page: str
) -> None:
    """Step, play and pause every jshtml player with Enter/Space; change playground inputs."""
    if player_page.startswith("<"):
        pytest.skip("no animation player or playground on the site yet")
    page = kbd_page  # prefers-reduced-motion: reduce, like a reader who asked for less motion
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(base_url + player_page, wait_until="load")
    page.wait_for_timeout(200)  # players are created in a setTimeout after their markup
    players = page.locator(".animation")
    for i in range(players.count()):
        player = players.nth(i)
        sel = f".animation >> nth={i}"
        state = player.evaluate(PLAYER_JS)
        assert state["has"] == 5, f"player {i} on {player_page}: missing step/play buttons"
        assert state["once"] is True, f"player {i}: loops although reduced motion was asked for"
        if state["frames"] < 2:
            continue
        _press_on(page, f"{sel} >> button[onclick*='.first_frame(']", "Enter")
        _press_on(page, f"{sel} >> button[onclick*='.next_frame(']", "Enter")
        assert player.evaluate(PLAYER_JS)["frame"] == 1, f"player {i}: Enter did not step"
        page.keyboard.press("Space")
        assert player.evaluate(PLAYER_JS)["frame"] == 2, f"player {i}: Space did not step"
        _press_on(page, f"{sel} >> button[onclick*='.first_frame(']", "Enter")
        _press_on(page, f"{sel} >> button[onclick*='.play_animation(']", "Enter")
        page.wait_for_function(
            "el => Number(el.querySelector('input[type=range]').value) > 0",
            arg=player.element_handle(),
            timeout=10_000,
        )
        _press_on(page, f"{sel} >> button[onclick*='.pause_animation(']", "Enter")
        paused = player.evaluate(PLAYER_JS)["frame"]
        page.wait_for_timeout(600)
        assert player.evaluate(PLAYER_JS)["frame"] == paused, f"player {i}: Pause did not stop it"
    playgrounds = page.locator("[data-playground]")
    for i in range(playgrounds.count()):
        controls = playgrounds.nth(i).locator("input:not([type=hidden]), select")
        for j in range(controls.count()):
            control = controls.nth(j)
            if not control.is_visible() or control.is_disabled():
                continue
            before = control.input_value()
            control.focus()
            page.keyboard.press("ArrowDown" if before != "" else "ArrowUp")
            if control.input_value() == before:
                page.keyboard.press("ArrowUp")
            after = control.input_value()
            name = control.get_attribute("name") or control.get_attribute("id") or j
            if control.evaluate("el => el.type") not in ("checkbox", "radio", "text"):
                assert after != before, f"playground {i} control {name}: arrows change nothing"
    assert not errors, f"script errors on {player_page}: {errors}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_module_index_groups_fold_by_keyboard(kbd_page: Page, base_url: str, lang: str) -> None:
    """a11y.js turns Sphinx's +/- images into buttons: Enter folds a group, Space opens it."""
    page = kbd_page
    page.goto(f"{base_url}{lang}/py-modindex.html", wait_until="load")
    button = page.locator("button.lg-toggler").first
    assert button.count() == 1, "no folding button in the module index"
    group = button.evaluate("b => b.querySelector('img').id.slice('toggle-'.length)")
    rows = page.locator(f"tr.cg-{group}")
    assert rows.count() > 0
    assert rows.first.is_visible()
    assert button.get_attribute("aria-expanded") == "true"
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "false"
    assert not rows.first.is_visible()
    word = {"en": "Expand", "ko": "펼치기"}[lang]
    assert word in (button.get_attribute("aria-label") or "")
    page.keyboard.press("Space")
    assert button.get_attribute("aria-expanded") == "true"
    assert rows.first.is_visible()
