"""The HTML of the trace and result tables: keyboard-reachable, named scroll regions.

Wide tables scroll sideways on a phone; a scroll region that cannot take focus cannot be
scrolled from the keyboard (axe's ``scrollable-region-focusable``, WCAG 2.1.1). The
browser test ``tests/browser/test_accessibility.py`` checks the built pages; this checks
the markup where it is made, in both languages.
"""

from __future__ import annotations

import re

import pytest
from torch import nn

from layerguide import trace
from layerguide.viz import Table

WRAPPER = re.compile(r'^<div class="(?P<cls>[\w-]+)" role="region" tabindex="0"(?P<rest>[^>]*)>')


@pytest.mark.parametrize(
    ("lang", "label"),
    [("en", "Trace table: shapes, parameters"), ("ko", "추적 표: 층마다 형태, 파라미터")],
)
def test_trace_html_is_a_named_focusable_region(lang: str, label: str) -> None:
    t = trace(nn.Sequential(nn.Linear(2, 3)), (4, 2), lang=lang)
    match = WRAPPER.match(t.to_html())
    assert match
    assert match["cls"] == "layerguide-trace"
    assert f' lang="{lang}"' in match["rest"]
    assert f'aria-label="{label}' in match["rest"]


def test_trace_html_in_another_language_says_so() -> None:
    html = trace(nn.Sequential(nn.Linear(2, 3)), (4, 2), lang="en").to_html(lang="ko")
    assert ' lang="ko" aria-label="추적 표' in html
    assert "입력 형태" in html


def test_result_table_region_is_named_by_caption_or_header() -> None:
    with_caption = Table(["k", "출력"], [[3, 26]], caption="28 × 28 <입력>").to_html()
    match = WRAPPER.match(with_caption)
    assert match
    assert match["cls"] == "layerguide-table"
    assert 'aria-label="28 × 28 &lt;입력&gt;"' in match["rest"]
    without = WRAPPER.match(Table(["커널", "출력"], [[3, 26]]).to_html())
    assert without
    assert 'aria-label="커널, 출력"' in without["rest"]
