"""Failures are explained: TraceError, bad sizes, bad models, bad languages."""

from __future__ import annotations

import pytest
import torch
from torch import nn

import layerguide
from layerguide import LayerguideError, TraceError, trace
from layerguide.errors import ArgumentError, ArgumentTypeError
from layerguide.layers import Flatten, Linear, Sequential


def test_trace_error_shows_rows_so_far_and_the_failing_input() -> None:
    model = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.Flatten(), nn.Linear(100, 1))
    with pytest.raises(TraceError) as info:
        trace(model, (1, 3, 10, 10))
    err = info.value
    assert isinstance(info.value, LayerguideError)  # not on err: that would narrow it for mypy
    assert [r.name for r in err.rows] == ["0", "1", "2"]
    assert (err.name, err.kind, err.input_shape) == ("3", "Linear", (1, 256))
    assert isinstance(err.original, RuntimeError)
    assert err.__cause__ is err.original
    text = str(err)
    assert "3 (Linear), on input shape (1, 256)" in text
    assert str(err.original) in text
    assert "(1, 4, 8, 8)" in text  # the rows traced so far are shown


def test_trace_error_inside_a_functional_call() -> None:
    class Bad(nn.Module):
        def forward(self, x):
            return x.view(7, -1)

    with pytest.raises(TraceError) as info:
        trace(Bad(), (2, 3, 4, 4))
    assert (info.value.name, info.value.kind, info.value.input_shape) == (
        "view",
        "Tensor.view",
        (2, 3, 4, 4),
    )


def test_trace_error_from_numpy_layers() -> None:
    model = Sequential(Flatten(), Linear(100, 1))
    with pytest.raises(TraceError) as info:
        trace(model, (1, 3, 1080, 1920))
    err = info.value
    assert (err.name, err.input_shape) == ("1", (1, 6_220_800))
    assert "in_features=100" in str(err)
    assert err.rows[0].output_shape == (1, 6_220_800)


def test_trace_error_in_korean_keeps_korean_headers() -> None:
    model = nn.Sequential(nn.Flatten(), nn.Linear(5, 1))
    with pytest.raises(TraceError, match="입력 형태"):
        trace(model, (1, 2, 3), lang="ko")


@pytest.mark.parametrize("bad", [(), "1,3", (1, -3), (1.5, 2), [(1, 2), "x"], None, (True, 2)])
def test_bad_input_size(bad) -> None:
    with pytest.raises(ArgumentError, match="input_size"):
        trace(nn.Linear(2, 2), bad)


def test_bad_model_and_language() -> None:
    with pytest.raises(ArgumentTypeError, match=r"torch\.nn\.Module"):
        trace(object(), (1, 2))
    with pytest.raises(ValueError, match="lang"):
        trace(nn.Linear(2, 2), (1, 2), lang="fr")
    assert issubclass(ArgumentTypeError, TypeError)
    assert layerguide.Trace is layerguide.tracer.Trace


def test_int_inputs_with_dtype() -> None:
    t = trace(nn.Embedding(10, 3), (2, 5), dtype=torch.long)
    assert t.rows[0].output_shape == (2, 5, 3)
    assert t.rows[0].param_formula == "10×3 = 30"


def test_dtype_is_refused_for_a_numpy_model_not_ignored() -> None:
    """A NumPy model is traced in its parameters' dtype; a dtype argument would be ignored."""
    with pytest.raises(ArgumentError, match=r"trace: dtype=torch\.float64 applies to torch"):
        trace(Linear(2, 3), (4, 2), dtype=torch.float64)
    assert trace(Linear(2, 3), (4, 2)).rows[0].output_shape == (4, 3)


def test_trace_error_raised_by_a_container_itself() -> None:
    class Picky(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU())

        def forward(self, x):
            y = self.body(x)
            if y.shape[-1] < 8:
                raise ValueError(f"Picky: feature map too small, got width {y.shape[-1]}")
            return y

    with pytest.raises(TraceError) as info:
        trace(nn.Sequential(Picky()), (1, 1, 6, 6))
    err = info.value
    assert (err.name, err.kind, err.input_shape) == ("0", "Picky", (1, 1, 6, 6))
    assert [r.name for r in err.rows] == ["0.body.0", "0.body.1"]
    assert "feature map too small, got width 4" in str(err)


def test_input_dtype_follows_the_model() -> None:
    t = trace(nn.Conv2d(1, 2, 3).half(), (1, 1, 5, 5))
    assert t.dtype == "float16"
    assert "Input size as float16: 50 B" in str(t)


def test_the_failure_line_exists_in_every_language() -> None:
    from layerguide.i18n import LANGS, text

    assert all(text(lang, "tracer.table.failed") for lang in LANGS)
