"""One catalogue per language, read by Python, the Sphinx extensions and the JavaScript.

The catalogues must agree key for key and field for field; there is no fallback (an
unknown language and a missing key are errors); and adding a language means adding a
catalogue: with a generated third catalogue (every key, each value marked), every
``lang``-taking helper and every JavaScript payload works in that language, in a fresh
process that finds the catalogue through ``$LAYERGUIDE_LOCALES``.
"""

from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from layerguide import i18n
from layerguide.errors import ArgumentError, LanguageError

ROOT = Path(__file__).resolve().parents[1]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _fields(value: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}


def test_the_languages_are_the_catalogues() -> None:
    assert i18n.LANGS == ("en", "ko")
    assert {p.stem for p in i18n.LOCALES.glob("*.toml")} == set(i18n.LANGS)


@pytest.mark.parametrize("lang", i18n.LANGS[1:])
def test_every_catalogue_has_the_keys_and_fields_of_english(lang: str) -> None:
    en, other = i18n.catalogue("en"), i18n.catalogue(lang)
    assert sorted(set(en) - set(other)) == [], f"missing from {lang}.toml"
    assert sorted(set(other) - set(en)) == [], f"only in {lang}.toml"
    wrong = {key: (_fields(en[key]), _fields(other[key])) for key in en}
    assert {k: v for k, v in wrong.items() if v[0] != v[1]} == {}


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_no_value_is_empty_and_korean_is_korean(lang: str) -> None:
    words = i18n.catalogue(lang)
    assert [key for key, value in words.items() if not value.strip()] == []
    if lang == "ko":
        # Names, symbols and formulas may stay as they are; words must be Korean.
        prose = {k: v for k, v in words.items() if len(re.findall(r"\b[a-z]{3,}\b", v)) >= 3}
        assert [k for k, v in prose.items() if not HANGUL.search(v)] == []


def test_no_fallback() -> None:
    with pytest.raises(
        LanguageError, match=r"show_image: lang must be one of \('en', 'ko'\), got 'fr'"
    ):
        i18n.check_lang("show_image", "fr")
    with pytest.raises(LanguageError, match="got None"):
        i18n.text(None, "viz.conv.input")  # type: ignore[arg-type]
    with pytest.raises(
        ArgumentError, match=re.escape("the ko catalogue (ko.toml) has no key 'viz.conv.nope'")
    ):
        i18n.text("ko", "viz.conv.nope")
    with pytest.raises(ArgumentError, match=r"has no table \[nowhere\]"):
        i18n.section("en", "nowhere")


def test_no_string_table_is_left_in_the_code() -> None:
    """A ``{"en": …, "ko": …}`` table in the code is a second place for a language's words."""
    pattern = re.compile(r"""["']ko["']\s*:\s*[{("'\[]""")
    found = []
    paths = [*(ROOT / "src/layerguide").rglob("*.py"), *(ROOT / "docs/_ext").rglob("*.py")]
    for path in [*paths, ROOT / "docs/conf.py"]:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{n}")
    assert found == []


THIRD = "xx"
MARK = "⟦xx⟧"

# Run in a fresh process: LANGS is read once, when layerguide.i18n is imported.
SCRIPT = textwrap.dedent(
    """
    import inspect, json, sys
    import matplotlib
    matplotlib.use("Agg")
    import numpy as np
    sys.path[:0] = [{root!r}, {ext!r}]

    from layerguide import i18n, viz
    from layerguide.viz.table import Table
    assert i18n.LANGS == ("en", "ko", "xx"), i18n.LANGS

    called = set()
    def record(name, fn):
        def wrapper(*args, **kwargs):
            called.add(name)
            return fn(*args, **kwargs)
        return wrapper
    helpers = [n for n in viz.__all__ if inspect.isfunction(getattr(viz, n))
               and "lang" in inspect.signature(getattr(viz, n)).parameters]
    for n in helpers:
        setattr(viz, n, record(n, getattr(viz, n)))

    def words(obj):
        if isinstance(obj, Table):
            return [obj.caption, *obj.header, *(str(c) for r in obj.rows for c in r)]
        if isinstance(obj, dict):
            return [str(v) for v in obj.values()]
        if isinstance(obj, str):
            return [obj]
        fig = getattr(obj, "fig", obj)
        if hasattr(obj, "records"):
            obj.step(len(obj.records) - 1)
        return [t.get_text() for t in fig.findobj(matplotlib.text.Text)]

    from tests.viz import test_figures_ch34 as ch34, test_figures_ch56 as ch56
    from tests.viz import test_figures_ch9 as ch9
    from layerguide.lesson import linear as lesson
    from layerguide.layers import Linear, Sequential
    from tests.viz import test_figures_ch8 as ch8
    results = dict(ch34.figures("xx"))
    results.update(ch8.figures("xx"))
    results.update({{k: f("xx") for k, f in ch56.FIGURES.items()}})
    results.update({{k: f("xx") for k, f in ch56.TABLES.items()}})
    results.update({{f"ch9_{{k}}": f("xx") for k, f in {{**ch9.FIGURES, **ch9.TABLES}}.items()}})
    grid = np.linspace(-1, 1, 5)[:, None]
    data = lesson.noisy_sine(4, 4)
    run = lesson.fit(Sequential(Linear(1, 1)).to(np.float64), data, grid, steps=3)
    results.update(
        image=viz.show_image(np.zeros((2, 2)), "t", lang="xx"),
        channels=viz.show_channels(np.zeros((3, 2, 2)), ["r", "g", "b"], lang="xx"),
        side=viz.show_side_by_side([np.zeros((2, 2))] * 2, ["a", "b"], lang="xx"),
        quads=viz.show_quadrilaterals(lesson.QUADRILATERALS, {{"A": 0.5, "B": -1.0}}, lang="xx"),
        connections=viz.show_connections([(2, 3)], lang="xx"),
        bias=viz.show_bias_fit(np.arange(3.0), np.arange(3.0), np.ones(3), np.zeros(3), lang="xx"),
        steps=viz.show_training_steps(np.arange(3.0), np.arange(3.0), {{0: (1.0, 0.0)}}, lang="xx"),
        overfit=viz.show_overfitting(grid, data[0], data[1], {{"m": (2, run)}}, lang="xx"),
        keras=viz.keras_table(lesson.keras_pytorch_pairs(), lang="xx"),
        fits=viz.overfitting_table({{"m": 2}}, {{"m": run}}, data, lang="xx"),
        collapse=viz.show_collapse(
            lesson.collapsed_weight(lesson.richer_network()), *lesson.xor_square(),
            {{"linear": lesson.least_squares_linear(*lesson.xor_square())}}, lang="xx",
        ),
        kernels=viz.kernel_names(lang="xx"),
        decoder=viz.decoder_name("transpose", "xx"),
        conv=viz.animate_convolution(lang="xx"),
        linear=viz.animate_linear_map(lang="xx"),
        pool=viz.animate_max_pooling(lang="xx"),
        transpose=viz.animate_transposed_convolution(lang="xx"),
        upsampling=viz.animate_upsampling(lang="xx"),
    )
    import torch
    import layerguide
    from layerguide.layers import Conv2d
    traced = layerguide.trace(torch.nn.Conv2d(1, 2, 3), (1, 1, 5, 5), lang="xx")
    results.update(
        trace_text=traced.to_text(),
        trace_html=traced._repr_html_(),
        trace_numpy=str(layerguide.trace(Conv2d(1, 2, 3), (1, 1, 5, 5), lang="xx")),
    )
    html = results["conv"].to_jshtml()
    unmarked = sorted(k for k, r in results.items() if not any({mark!r} in w for w in words(r)))

    import accessibility, conv_playground, explorer, learning_path  # the Sphinx extensions
    payloads = {{
        "playground": conv_playground.page_data("xx")["strings"],
        "a11y": json.loads(accessibility.words_script("xx").split(" = ", 1)[1].rstrip(";"))["player"],
        "learning_path": i18n.section("xx", "learning_path"),
        "explorer": explorer.page_data("xx")["strings"],
    }}
    print(json.dumps({{
        "missing": sorted(set(helpers) - called),
        "unmarked": unmarked,
        "player_marked": {mark!r} in html,
        "payloads": {{k: sorted(v) for k, v in payloads.items()}},
        "payloads_marked": {{k: all(s.startswith({mark!r}) for s in v.values()) for k, v in payloads.items()}},
    }}))
    """
)


def _write_third_catalogue(folder: Path) -> None:
    """Every key of en.toml, its value marked (fields kept, so formatting still works)."""
    lines = []
    for key, value in i18n.catalogue("en").items():
        lines.append(f"{json.dumps(key)} = {json.dumps(MARK + ' ' + value, ensure_ascii=False)}")
    (folder / f"{THIRD}.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_adding_a_language_is_adding_a_catalogue(tmp_path: Path) -> None:
    _write_third_catalogue(tmp_path)
    script = SCRIPT.format(root=str(ROOT), ext=str(ROOT / "docs" / "_ext"), mark=MARK)
    env = {**os.environ, i18n.LOCALES_ENV: str(tmp_path), "MPLBACKEND": "Agg"}
    done = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["missing"] == [], "lang-taking helpers the third language never called"
    assert result["unmarked"] == [], "results that show none of the third language's words"
    assert result["player_marked"]
    for name, keys in result["payloads"].items():
        assert keys, name
    assert all(result["payloads_marked"].values()), result["payloads_marked"]
