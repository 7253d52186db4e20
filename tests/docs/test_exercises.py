"""Exercise pages (docs/{en,ko}/exercises/*.md): every answer runs, and the twins agree.

The pages are MyST-NB text notebooks. They are read here with myst-nb's own reader (the one
the docs build uses) and their code cells are executed in order, so a change in the API
fails ``nox -s tests``, not only the docs build.

Each exercise is a ``##`` section with a starter cell, a hint (a ``dropdown``) and one
solution cell tagged ``solution`` (and ``hide-cell``, which collapses it on the page) whose
last statement is an ``assert``.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.util
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from myst_nb.core.read import read_myst_markdown_notebook

from layerguide.i18n import text

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("en", "ko")
PAGES = sorted(
    p.name for p in (ROOT / "docs" / "en" / "exercises").glob("*.md") if p.stem != "index"
)
CHAPTERS = sorted(p.stem for p in (ROOT / "gallery" / "en").glob("plot_*.py"))
HINT = {"en": "Hint", "ko": "힌트"}


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


code_skeleton = _load("_twins", ROOT / "tests" / "docs" / "test_twins.py").code_skeleton
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
exercise_notebooks = _load("exercise_notebooks", ROOT / "docs" / "_ext" / "exercise_notebooks.py")


def notebook(lang: str, page: str) -> nbformat.NotebookNode:
    path = ROOT / "docs" / lang / "exercises" / page
    return read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=path)


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [cell for cell in nb.cells if cell.cell_type == "code"]


def exercises(nb: nbformat.NotebookNode) -> list[list[nbformat.NotebookNode]]:
    """The cells of each ``##`` section, in order."""
    sections: list[list[nbformat.NotebookNode]] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("## "):
                    sections.append([])
        if sections:
            sections[-1].append(cell)
    return sections


def is_solution(cell: nbformat.NotebookNode) -> bool:
    return cell.cell_type == "code" and "solution" in cell.metadata.get("tags", [])


def test_one_exercise_page_per_chapter() -> None:
    expected = {name.removeprefix("plot_") + ".md" for name in CHAPTERS}
    assert set(PAGES) == expected


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_solutions_run(lang: str, page: str, tmp_path: Path, monkeypatch) -> None:
    """Execute the page's code cells in order, like the docs build (a failing assert fails)."""
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "__main__"}
    for i, cell in enumerate(code_cells(notebook(lang, page))):
        code = compile(cell.source, f"{lang}/exercises/{page} (code cell {i + 1})", "exec")
        with contextlib.redirect_stdout(io.StringIO()):
            exec(code, namespace)  # noqa: S102 - running the page's own cells is the test


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_page_structure(lang: str, page: str) -> None:
    nb = notebook(lang, page)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    prompts = nb.metadata["mystnb"]
    assert prompts["code_prompt_show"]
    assert prompts["code_prompt_hide"]
    sections = exercises(nb)
    assert 3 <= len(sections) <= 7, f"{lang}/{page}: {len(sections)} exercises"
    for n, cells in enumerate(sections, start=1):
        where = f"{lang}/{page}, exercise {n}"
        kinds = [("solution" if is_solution(c) else c.cell_type) for c in cells]
        assert kinds.count("solution") == 1, f"{where}: needs exactly one solution cell"
        solution = next(c for c in cells if is_solution(c))
        assert "hide-cell" in solution.metadata["tags"], f"{where}: solution is not collapsed"
        assert kinds.index("code") < kinds.index("solution"), f"{where}: no starter cell first"
        text = "\n".join(c.source for c in cells if c.cell_type == "markdown")
        assert re.search(rf"^:::{{dropdown}} {HINT[lang]}$", text, re.MULTILINE), (
            f"{where}: no hint"
        )
        last = ast.parse(solution.source).body[-1]
        assert isinstance(last, ast.Assert), f"{where}: the solution must end with an assert"


@pytest.mark.parametrize("page", PAGES)
def test_twins_have_identical_code(page: str) -> None:
    en, ko = (notebook(lang, page) for lang in LANGS)
    en_cells, ko_cells = code_cells(en), code_cells(ko)
    assert len(en_cells) == len(ko_cells), f"{page}: different number of code cells"
    for i, (a, b) in enumerate(zip(en_cells, ko_cells, strict=True)):
        assert a.metadata.get("tags") == b.metadata.get("tags"), f"{page}: cell {i + 1} tags"
        assert code_skeleton(a.source) == code_skeleton(b.source), f"{page}: cell {i + 1} code"
    assert len(exercises(en)) == len(exercises(ko)), f"{page}: different number of exercises"


@pytest.mark.parametrize("lang", LANGS)
def test_index_lists_every_page(lang: str) -> None:
    text = (ROOT / "docs" / lang / "exercises" / "index.md").read_text(encoding="utf-8")
    for page in PAGES:
        assert re.search(rf"^{re.escape(page.removesuffix('.md'))}$", text, re.MULTILINE), page


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_links_to_its_exercises(lang: str, name: str) -> None:
    text = (ROOT / "gallery" / lang / f"{name}.py").read_text(encoding="utf-8")
    target = f"/exercises/{name.removeprefix('plot_')}"
    last_block = text.rsplit("# %%", 1)[-1]
    assert target in last_block, f"gallery/{lang}/{name}.py: no link to {target} at the end"


@pytest.mark.parametrize("lang", LANGS)
def test_download_notebook(lang: str, tmp_path: Path) -> None:
    """The .ipynb download: valid, in the page's language, solutions present but collapsed."""
    page = PAGES[0]
    source = ROOT / "docs" / lang / "exercises" / page
    nb = exercise_notebooks.to_notebook(source)
    nbformat.validate(nb)
    markdown = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert ":::" not in markdown
    assert "{doc}" not in markdown
    assert f"<summary>{HINT[lang]}</summary>" in markdown
    solutions = [c for c in nb.cells if is_solution(c)]
    assert solutions == [c for c in code_cells(nb) if c.metadata.get("jupyter")]
    assert all(c.metadata["jupyter"] == {"source_hidden": True, "outputs_hidden": True}
               for c in solutions)  # fmt: skip
    assert "mystnb" not in nb.metadata
    out = tmp_path / "page.ipynb"
    exercise_notebooks.write_notebook(source, out)
    assert json.loads(out.read_text(encoding="utf-8"))["cells"]


EXERCISE_PAGE = """---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# Tiny

## 1. One

```{{code-cell}} ipython3
x = 2
```

```{{code-cell}} ipython3
:tags: [hide-cell, solution]

assert x * 3 == {answer}
```
"""


def build_exercise(tmp_path: Path, lang: str, answer: int) -> subprocess.CompletedProcess[str]:
    """The real docs configuration on a one-exercise site (no gallery chapters)."""
    src = tmp_path / "docs" / lang
    gallery = tmp_path / "gallery" / lang
    (src / "exercises").mkdir(parents=True)
    gallery.mkdir(parents=True)
    (gallery / "GALLERY_HEADER.rst").write_text("Gallery\n=======\n", encoding="utf-8")
    index = "Test\n====\n\n.. toctree::\n\n   auto_examples/index\n   exercises/tiny\n"
    (src / "index.rst").write_text(index, encoding="utf-8")
    page = EXERCISE_PAGE.format(answer=answer)
    (src / "exercises" / "tiny.md").write_text(page, encoding="utf-8")
    env = {**os.environ, "LAYERGUIDE_GALLERY_ROOT": str(tmp_path / "gallery"), "MPLBACKEND": "Agg"}
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-c", str(ROOT / "docs")]
    cmd += ["-D", f"language={lang}", "-W", "-n", "--keep-going", "-q"]
    cmd += ["-d", str(tmp_path / "doctrees"), str(src), str(tmp_path / "html")]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)


@pytest.mark.slow
def test_wrong_solution_fails_the_build(tmp_path: Path) -> None:
    result = build_exercise(tmp_path, "en", answer=7)
    assert result.returncode != 0
    assert "AssertionError" in result.stderr + result.stdout


@pytest.mark.slow
def test_exercise_page_builds_in_korean(tmp_path: Path) -> None:
    result = build_exercise(tmp_path, "ko", answer=6)
    assert result.returncode == 0, result.stderr
    html = (tmp_path / "html" / "exercises" / "tiny.html").read_text(encoding="utf-8")
    assert "코드 보기" in html  # the Korean default prompt (the page sets none)
    assert "Show code cell" not in html
    assert 'href="tiny.ipynb"' in html
    assert text("ko", "exercises.download") in html
    written = nbformat.read(tmp_path / "html" / "exercises" / "tiny.ipynb", as_version=4)
    assert written.cells[-1].metadata["jupyter"]["source_hidden"] is True
    assert not (tmp_path / "html" / "jupyter_execute").exists()  # not published
