"""Accessibility fixes for HTML that Sphinx extensions generate (held to axe-core).

* ``sphinx.ext.viewcode`` writes its module index (``_modules/index.html``) with a
  submodule ``<ul>`` directly inside the parent ``<ul>`` (``collect_pages`` in
  sphinx/ext/viewcode.py, Sphinx 9.0; no upstream issue found as of 2026-11). A list may
  hold only ``<li>``: screen readers announce the wrong item counts and axe reports
  ``list``. :func:`nest_lists` moves each such ``<ul>`` into the item before it.
* Every page loads ``a11y.js``: accessible names in the page's language for the controls
  of matplotlib's jshtml animation players, and no endless motion under
  ``prefers-reduced-motion: reduce``. Its words are the ``[player]`` table of the
  language's catalogue (:mod:`layerguide.i18n`), written into every page as
  ``window.layerguideWords`` — the same words the Python side of the players uses.
  The same object carries the ``[site.search]`` table, which ``ko_search_messages.js``
  hands to Sphinx's search (its Korean catalogue leaves the result summary empty).
"""

from __future__ import annotations

import json
import re
from typing import Any

from layerguide.i18n import check_lang, section

_UL = re.compile(r"(<ul>|</ul>)")


def nest_lists(body: str) -> str:
    """Move every ``<ul>`` that directly follows an ``</li>`` into that item.

    >>> nest_lists("<ul><li>a</li>\\n<ul><li>a.b</li>\\n</ul></ul>")
    '<ul><li>a\\n<ul><li>a.b</li>\\n</ul></li></ul>'
    >>> nest_lists("<ul><li>a</li></ul>")
    '<ul><li>a</li></ul>'
    """
    out: list[str] = []
    closes_item: list[bool] = []  # per open <ul>: must it close the <li> it moved into?
    for token in _UL.split(body):
        if token == "<ul>":
            before = "".join(out)
            stripped = before.rstrip()
            moved = bool(closes_item) and stripped.endswith("</li>")
            if moved:  # reopen the previous item; keep the whitespace after it
                out = [stripped[: -len("</li>")] + before[len(stripped) :]]
            closes_item.append(moved)
            out.append(token)
        elif token == "</ul>":
            out.append(token)
            if closes_item and closes_item.pop():
                out.append("</li>")
        else:
            out.append(token)
    return "".join(out)


#: myst-nb names every folded cell's <summary> "Toggle hidden content" although it shows
#: other words ("Show the solution" / "풀이 보기"): axe's label-content-name-mismatch, and an
#: English name on Korean pages. Without the attribute the name is the visible text.
_TOGGLE_LABEL = ' aria-label="Toggle hidden content"'


def summary_names_from_text(body: str) -> str:
    """Drop myst-nb's fixed English ``aria-label`` from ``<summary>`` elements.

    >>> summary_names_from_text('<summary aria-label="Toggle hidden content"><p>Show</p>')
    '<summary><p>Show</p>'
    """
    return body.replace("<summary" + _TOGGLE_LABEL + ">", "<summary>")


def _fix_page(
    app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if "body" not in context:
        return
    if pagename == "_modules/index":
        context["body"] = nest_lists(context["body"])
    context["body"] = summary_names_from_text(context["body"])


def words_script(lang: str) -> str:
    """The inline script that hands ``a11y.js`` its words in ``lang``.

    >>> words_script("en")[:40]
    'window.layerguideWords = {"player": {"sl'
    """
    lang = check_lang("accessibility", lang)
    data = {"player": section(lang, "player"), "search": section(lang, "site.search")}
    text = json.dumps(data, ensure_ascii=False)
    return "window.layerguideWords = " + text.replace("</", "<\\/") + ";"


def _add_words(app: Any) -> None:
    app.add_js_file(None, body=words_script(app.config.language or "en"))


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", _fix_page)
    app.connect("builder-inited", _add_words)
    app.add_js_file("a11y.js", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
