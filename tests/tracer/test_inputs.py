"""Real inputs (``input_data``, keyword arguments) and the fallback to a real pass."""

from __future__ import annotations

import pytest
import torch
from tests.tracer.helpers import real_trace
from torch import nn

from layerguide import TraceError, trace
from layerguide.errors import ArgumentError
from layerguide.layers import Linear
from layerguide.tracer import torch_engine


class Tagger(nn.Module):
    """Token ids and an attention mask, as a text model takes them."""

    def __init__(self) -> None:
        super().__init__()
        self.embed = nn.Embedding(50, 8)
        self.out = nn.Linear(8, 5)

    def forward(self, input_ids, attention_mask=None):
        h = self.embed(input_ids)
        if attention_mask is not None:
            h = h * attention_mask.unsqueeze(-1)
        return self.out(h)


IDS = torch.randint(0, 50, (2, 7))
MASK = torch.ones(2, 7)


def test_a_tensor() -> None:
    x = torch.randn(1, 3, 8, 8)
    t = trace(nn.Conv2d(3, 4, 3), input_data=x)
    assert t.input_shapes == ((1, 3, 8, 8),)
    assert t.output_shape == (1, 4, 6, 6)
    assert t.meta_device  # only the shapes were used


def test_several_tensors_and_a_dict_of_keyword_arguments() -> None:
    by_position = trace(Tagger(), input_data=[IDS, MASK])
    by_name = trace(Tagger(), input_data={"input_ids": IDS, "attention_mask": MASK})
    by_kwarg = trace(Tagger(), input_data=IDS, attention_mask=MASK)
    for t in (by_position, by_name, by_kwarg):
        assert [r.name for r in t.rows] == ["embed", "unsqueeze", "mul", "out"]
        assert t.output_shape == (2, 7, 5)
        assert t.input_shapes == ((2, 7), (2, 7))
        assert t.dtype == "int64, float32"
        assert "Input size as int64, float32: 168 B" in str(t)  # 14 × 8 + 14 × 4


def test_a_dict_batch_as_one_argument() -> None:
    class Batch(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(4, 2)

        def forward(self, batch):
            return self.fc(batch["x"] * batch["w"])

    t = trace(Batch(), input_data=[{"x": torch.ones(3, 4), "w": torch.ones(3, 1)}])
    assert t.output_shape == (3, 2)
    assert t.total_params == 10


class Branchy(nn.Module):
    """``forward`` branches on a value: the meta device cannot decide."""

    def __init__(self) -> None:
        super().__init__()
        self.a = nn.Linear(4, 4)
        self.b = nn.Linear(4, 2)

    def forward(self, x):
        if x.sum() > 0:
            return self.a(x)
        return self.b(x)


def test_value_dependent_branch_falls_back_to_one_real_pass() -> None:
    model = Branchy()
    up = trace(model, input_data=torch.ones(2, 4))
    assert not up.meta_device
    assert (up.needs_values, up.random_inputs) == ("Tensor.bool", False)
    assert [r.name for r in up.rows if r.params] == ["a"]
    assert up.unused == (("b", 10),)
    down = trace(model, input_data=-torch.ones(2, 4))
    assert [r.name for r in down.rows if r.params] == ["b"]
    assert down.output_shape == (2, 2)
    assert up.total_params == down.total_params == 30


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ["Traced with one real forward pass on the CPU", "Tensor.bool", "random"]),
        ("ko", ["CPU에서 실제 순전파를 한 번 실행해 추적했습니다", "Tensor.bool", "무작위"]),
    ],
)
def test_the_table_says_it_ran_for_real(lang, words) -> None:
    t = trace(Branchy(), (2, 4), lang=lang)
    assert t.random_inputs
    for text in (t.to_text(), t.to_markdown(), t.to_html()):
        assert all(w in text for w in words)
        assert "meta device: no memory" not in text


def test_value_checks_in_a_distribution_and_a_mask_fall_back() -> None:
    class Likelihood(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.mu = nn.Linear(3, 2)

        def forward(self, x):
            loc = self.mu(x)
            normal = torch.distributions.Normal(loc, torch.ones_like(loc))  # checks the args
            return normal.log_prob(loc)

    class Masked(nn.Module):
        def forward(self, x):
            return x[x > 0]  # output shape depends on the values (nonzero)

    t = trace(Likelihood(), (5, 3))
    assert t.needs_values
    assert t.output_shape == (5, 2)
    assert trace(Masked(), input_data=torch.tensor([[1.0, -1.0, 2.0]])).output_shape == (2,)


def test_the_real_pass_matches_what_real_trace_sees() -> None:
    model = Branchy()
    x = torch.ones(2, 4)
    fell_back = trace(model, input_data=x)
    real = torch_engine.trace_module(model, [x])
    assert fell_back.rows == real.rows
    assert real_trace(model, (2, 4)).total_params == 30


def test_too_big_for_a_real_pass_keeps_the_clear_error() -> None:
    n = torch_engine.REAL_PASS_LIMIT // 4 + 1  # float32: one element over the limit
    with pytest.raises(TraceError, match="cannot be called on meta tensors") as info:
        trace(Branchy(), (n, 4))  # would be 4 × the limit: not run
    assert info.value.needs_values
    assert (info.value.name, info.value.kind) == ("bool", "Tensor.bool")
    with torch.device("meta"):
        on_meta = Branchy()  # no values to run with at all
    with pytest.raises(TraceError):
        trace(on_meta, (2, 4))


def test_a_shape_error_is_not_retried() -> None:
    with pytest.raises(TraceError) as info:
        trace(nn.Sequential(nn.Flatten(), nn.Linear(5, 1)), (1, 2, 3))
    assert not info.value.needs_values


def test_the_real_pass_leaves_the_model_as_it_was() -> None:
    model = nn.Sequential(nn.BatchNorm1d(4), Branchy()).train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    trace(model, (3, 4))
    assert model.training
    assert all(m.training for m in model.modules())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, r"give input_size \(a shape\) or input_data \(tensors\), not both; got neither"),
        (
            {"input_size": (1, 4), "input_data": torch.ones(1, 4)},
            r"got both: input_size=\(1, 4\) and input_data=Tensor\(shape=\(1, 4\), dtype=torch",
        ),
        ({"input_size": (1, 4), "depth": -1}, r"depth must be an int >= 0 .* got depth=-1"),
        ({"input_size": (1, 4), "depth": 1.5}, r"got depth=1\.5"),
        ({"input_size": (1, 4), "depth": True}, r"got depth=True"),
        ({"input_data": "tokens"}, r"input_data must be a tensor, .* got 'tokens'"),
        (
            {"input_data": torch.ones(1, 4), "dtype": torch.float64},
            r"dtype=torch\.float64 applies to input_size; input_data keeps",
        ),
        (
            {"input_data": {"x": torch.ones(1, 4)}, "x": torch.ones(1, 4)},
            r"x given both in input_data and as a keyword argument",
        ),
    ],
)
def test_bad_arguments_are_named(kwargs, message) -> None:
    with pytest.raises(ArgumentError, match=message):
        trace(nn.Linear(4, 2), **kwargs)


@pytest.mark.parametrize("name", ["input_data", "depth", "scale"])
def test_numpy_models_refuse_torch_only_arguments(name) -> None:
    value = {"input_data": torch.ones(4, 2), "depth": 1, "scale": 2.0}[name]
    args = {} if name == "input_data" else {"input_size": (4, 2)}
    with pytest.raises(ArgumentError, match=f"trace: {name}=.* applies to torch models only"):
        trace(Linear(2, 3), **args, **{name: value})


def test_packed_sequences_need_their_lengths() -> None:
    """``pack_padded_sequence`` reads the lengths on the CPU: one real pass."""

    class Packed(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.Embedding(10, 6)
            self.lstm = nn.LSTM(6, 4)

        def forward(self, ids, lengths):
            packed = nn.utils.rnn.pack_padded_sequence(self.embed(ids), lengths)
            _, (h, _) = self.lstm(packed)
            return h[-1]

    ids, lengths = torch.zeros(5, 3, dtype=torch.long), torch.tensor([5, 3, 2])
    t = trace(Packed(), input_data=[ids, lengths])
    assert t.needs_values == "torch._pack_padded_sequence"
    assert not t.random_inputs
    assert t.output_shape == (3, 4)


def test_the_real_pass_does_not_write_into_the_callers_tensors() -> None:
    class InPlace(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.Linear(3, 3)

        def forward(self, x):
            if x.max() > 0:
                x += self.fc(x)
            return x

    x = torch.ones(2, 3)
    t = trace(InPlace(), input_data=x)
    assert t.needs_values
    assert torch.equal(x, torch.ones(2, 3))
