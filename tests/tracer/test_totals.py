"""Totals that always add up: the total is the model's unique parameter count.

The models are the reduced cases of issue 24 (what a peer's test suite found): parameters
a module uses in its own ``forward``, parameters the pass never reaches, and outputs that
are not one tensor. Every trace here also passes the ``totals_add_up`` fixture.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from tests.tracer.helpers import unique_params
from torch import nn

from layerguide import trace
from layerguide.tracer import table


class ReturnsWeight(nn.Module):
    """``forward`` returns its own parameter (4 × 8), not the input's shape."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(4, 8))

    def forward(self, x):
        return self.weight


class Pruned(nn.Module):
    """Pruning-style names: ``weight_orig`` is returned, ``weight_mask`` never read."""

    def __init__(self) -> None:
        super().__init__()
        self.weight_orig = nn.Parameter(torch.ones(4, 8))
        self.weight_mask = nn.Parameter(torch.zeros(4, 8))

    def forward(self, x):
        return self.weight_orig


class UnusedList(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(3, 2)
        self.extra = nn.ParameterList([nn.Parameter(torch.zeros(100, 100)) for _ in range(3)])

    def forward(self, x):
        return self.fc(x)


class CellBranch(nn.Module):
    """``projection`` is used on another branch only."""

    def __init__(self) -> None:
        super().__init__()
        self.cell = nn.LSTMCell(2, 3)
        self.projection = nn.Linear(3, 3)

    def forward(self, x, project: bool = False):
        h, _ = self.cell(x)
        return self.projection(h) if project else h


class Inner(nn.Module):
    """A child with children that uses its own parameters: one in ``*``, one returned as a
    view (``view`` on no data makes no row: the parameter is the module's own)."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.scale = nn.Parameter(torch.ones(4))
        self.offset = nn.Parameter(torch.zeros(4))

    def forward(self, x):
        return self.fc(x) * self.scale, self.offset.view(1, 4)


class Outer(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.inner = Inner()

    def forward(self, x):
        y, offset = self.inner(x)
        return y + offset


def test_a_returned_parameter_gets_its_modules_row() -> None:
    t = trace(ReturnsWeight(), (1, 8))
    assert [(r.name, r.params, r.param_formula) for r in t.rows] == [
        ("ReturnsWeight", 32, "4×8 = 32")
    ]
    assert t.total_params == 32
    assert t.output_shape == (4, 8)  # the model's output, not the input's shape


def test_pruning_names_used_and_unused() -> None:
    t = trace(Pruned(), (1, 8))
    assert t.rows[0].param_formula == "4×8 = 32"
    assert t.unused == (("weight_mask", 32),)
    assert t.total_params == 64
    assert t.output_shape == (4, 8)


def test_parameters_used_by_a_containers_own_forward() -> None:
    t = trace(Outer(), (2, 4))
    rows = {r.name: r for r in t.rows}
    assert rows["inner.mul"].param_formula == "4"  # scale, charged to the op that uses it
    assert rows["inner"].kind == "Inner"  # offset is returned: Inner's own row
    assert (rows["inner"].params, rows["inner"].param_formula) == (4, "4")
    assert t.unused == ()
    assert t.total_params == 20 + 4 + 4


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Parameters not used in this pass: extra (30,000)"),
        ("ko", "이번 순전파에서 쓰이지 않은 파라미터: extra (30,000)"),
    ],
)
def test_unused_parameter_list_is_listed_and_counted(lang, line) -> None:
    t = trace(UnusedList(), (2, 3), lang=lang)
    assert t.unused == (("extra", 30_000),)
    assert t.total_params == 30_008
    for text in (t.to_text(), t.to_markdown(), t.to_html()):
        assert line in text


def test_a_branch_not_taken_is_listed_by_module() -> None:
    model = CellBranch()
    t = trace(model, (2, 2))
    assert t.unused == (("projection", 12),)
    assert t.total_params == unique_params(model) == 96
    assert "projection (12)" in str(t)
    both = trace(model, (2, 2), project=True)  # the other branch, through **kwargs
    assert both.unused == ()
    assert both.total_params == 96


def test_a_half_used_module_lists_the_parameter() -> None:
    class HalfUsed(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(3, 2)

        def forward(self, x):
            return F.linear(x, self.fc.weight)  # bias never read

    t = trace(HalfUsed(), (1, 3))
    assert t.unused == (("fc.bias", 2),)
    assert t.total_params == 8


def test_buffers_are_apart() -> None:
    model = nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4))
    t = trace(model, (1, 1, 8, 8))
    assert t.total_params == 40 + 8  # running_mean, running_var, num_batches_tracked: buffers
    assert t.unused == ()


def test_tied_and_shared_parameters_once() -> None:
    class TiedLM(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(10, 4)
            self.head = nn.Linear(4, 10, bias=False)
            self.head.weight = self.embed.weight

        def forward(self, ids):
            return self.head(self.embed(ids))

    model = TiedLM()
    t = trace(model, (2, 5), dtype=torch.long)
    assert [r.params for r in t.rows] == [40, 0]
    assert t.rows[1].param_formula == "shared with embed"
    assert t.total_params == unique_params(model) == 40


def test_parameter_dict_and_a_module_called_twice() -> None:
    class Heads(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Linear(4, 4)
            self.heads = nn.ParameterDict(
                {"cls": nn.Parameter(torch.ones(4, 3)), "box": nn.Parameter(torch.ones(4, 2))}
            )

        def forward(self, x):
            h = self.body(self.body(x))
            return h @ self.heads["cls"]

    t = trace(Heads(), (2, 4))
    assert [r.name for r in t.rows] == ["body", "body", "matmul"]
    assert [r.params for r in t.rows] == [20, 0, 12]
    assert t.unused == (("heads.box", 8),)
    assert t.total_params == 40


class DictOut(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.enc = nn.Linear(6, 8)
        self.cls = nn.Linear(8, 3)

    def forward(self, x):
        h = self.enc(x)
        return {"logits": self.cls(h), "hidden": (h, h.mean(0)), "steps": 2}


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("en", "Model output: logits: (2, 3), hidden: [(2, 8), (8,)], steps: int"),
        ("ko", "모델 출력: logits: (2, 3), hidden: [(2, 8), (8,)], steps: int"),
    ],
)
def test_a_dict_of_outputs_shows_each(lang, line) -> None:
    t = trace(DictOut(), (2, 6), lang=lang)
    assert t.outputs == {"logits": (2, 3), "hidden": [(2, 8), (8,)], "steps": "int"}
    assert t.output_shapes == [(2, 3), (2, 8), (8,)]
    assert t.output_shape == (2, 3)
    assert line in t.to_text()
    assert line in t.to_html()


def test_a_single_output_said_by_the_last_row_is_not_repeated() -> None:
    t = trace(nn.Sequential(nn.Linear(2, 3), nn.ReLU()), (1, 2))
    assert t.outputs == (1, 3)
    assert "Model output" not in str(t)


def test_every_model_parameter_is_in_a_row_or_listed() -> None:
    model = Outer()
    t = trace(model, (2, 4))
    in_rows = sum(r.params for r in t.rows)
    assert in_rows + t.unused_params == t.total_params == unique_params(model)


def test_the_shared_fixture_catches_a_total_that_does_not_add_up(monkeypatch) -> None:
    # Forget the unused parameters again (the bug of issue 24): the fixture must fail.
    monkeypatch.setattr(table.Trace, "unused_params", property(lambda self: 0))
    with pytest.raises(AssertionError, match=r"total 8 != 30,008"):
        trace(UnusedList(), (2, 3))


def test_no_test_binds_an_engine_function_by_name() -> None:
    """``from …torch_engine import trace_module`` would get round ``totals_add_up``."""
    for path in Path(__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("_engine"):
                names = {a.name for a in node.names}
                assert not names & {"trace_module", "trace_layers"}, path.name
