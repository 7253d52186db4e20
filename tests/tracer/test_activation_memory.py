"""Activation memory: each row's ``output_bytes`` and ``Trace.activation_bytes``, against
hand counts (both engines, float64 and float16), a real NumPy forward pass, and VGG-16."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from tests.tracer.helpers import real_trace
from torch import nn

from layerguide import trace
from layerguide.layers import Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, Sigmoid
from layerguide.lesson.convnet import MOVIE_SHAPE, movie_convnet
from layerguide.lesson.vgg import VGG16, vgg16, vgg_blocks

# --------------------------------------------------------------------------- a tiny model
# (3, 2, 8, 8) → conv (3, 4, 8, 8) → ReLU (3, 4, 8, 8) → pool (3, 4, 4, 4) → flatten (3, 64)
# → Linear (3, 5): by hand, 768 + 768 + 192 + 0 + 15 = 1,743 values.
TINY_SHAPE = (3, 2, 8, 8)
TINY_VALUES = [3 * 4 * 8 * 8, 3 * 4 * 8 * 8, 3 * 4 * 4 * 4, 0, 3 * 5]


def tiny_torch(inplace: bool = False) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1), nn.ReLU(inplace), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(64, 5),
    )  # fmt: skip


def tiny_numpy() -> Sequential:
    return Sequential(Conv2d(2, 4, 3, padding=1), ReLU(), MaxPool2d(2), Flatten(), Linear(64, 5))


@pytest.mark.parametrize(("dtype", "itemsize"), [(torch.float64, 8), (torch.float16, 2)])
def test_torch_engine_hand_count(dtype, itemsize) -> None:
    t = trace(tiny_torch().to(dtype), TINY_SHAPE)
    assert t.dtype == str(dtype).removeprefix("torch.")
    assert [r.output_bytes for r in t.rows] == [n * itemsize for n in TINY_VALUES]
    assert t.activation_bytes == 1_743 * itemsize


@pytest.mark.parametrize(("dtype", "itemsize"), [(np.float64, 8), (np.float16, 2)])
def test_numpy_engine_hand_count(dtype, itemsize) -> None:
    t = trace(tiny_numpy().to(dtype), TINY_SHAPE)
    assert t.dtype == np.dtype(dtype).name
    assert [r.output_bytes for r in t.rows] == [n * itemsize for n in TINY_VALUES]
    assert t.activation_bytes == 1_743 * itemsize


def test_in_place_relu_adds_nothing() -> None:
    t = trace(tiny_torch(inplace=True), TINY_SHAPE)
    assert t.rows[1].output_bytes == 0
    assert t.activation_bytes == (1_743 - 768) * 4


def test_numpy_rows_match_the_memory_of_a_real_forward() -> None:
    """Each layer's output: its nbytes, or 0 when it shares memory with its input."""
    model = Sequential(
        Conv2d(1, 4, 3, padding=1), ReLU(), MaxPool2d(2), Sigmoid(), Flatten(), Linear(64, 3)
    )
    shape = (2, 1, 8, 8)
    x = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
    t = trace(model, shape)
    for row, layer in zip(t.rows, model.layers, strict=True):
        out = layer(x)
        assert row.output_bytes == (0 if np.shares_memory(out, x) else out.nbytes), row.name
        x = out
    assert t.rows[4].kind == "Flatten"
    assert t.rows[4].output_bytes == 0


class Views(nn.Module):
    """Rows that return memory counted before, and two that copy."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(2, 3, 1)
        self.drop = nn.Dropout()
        self.same = nn.Identity()

    def forward(self, x):
        h = self.conv(x)  # (2, 3, 4, 5): new
        h = self.same(self.drop(h))  # Dropout when not training, Identity: the same tensor
        v = h.view(2, 60)  # a view
        h.add_(1)  # in place
        t = h.transpose(2, 3)  # a view, not contiguous
        f = t.flatten(1)  # so flatten must copy: new
        pair = torch.split(f, [20, 40], dim=1)  # views of f
        return torch.stack(pair[:1] * 2), v  # new: (2, 2, 20)


def test_views_and_in_place_rows_add_nothing_copies_do() -> None:
    t = trace(Views(), (2, 2, 4, 5))
    got = {r.name: r.output_bytes for r in t.rows}
    assert got == {
        "conv": 2 * 3 * 4 * 5 * 4,
        "drop": 0,
        "same": 0,
        "view": 0,
        "add_": 0,
        "transpose": 0,
        "flatten": 2 * 60 * 4,
        "split": 0,
        "stack": 2 * 2 * 20 * 4,
    }
    assert t.activation_bytes == sum(got.values())
    assert real_trace(Views(), (2, 2, 4, 5)).rows == t.rows  # the meta pass agrees


class Pair(nn.Module):
    def forward(self, x):
        return torch.chunk(x * 2, 2, dim=1), (x + 1, x - 1)


def test_tuple_outputs_sum_their_tensors() -> None:
    t = trace(Pair(), (2, 6))
    assert [(r.name, r.output_bytes) for r in t.rows] == [
        ("mul", 48),  # x * 2: (2, 6) float32
        ("chunk", 0),  # two views of it
        ("add", 48),
        ("sub", 48),
    ]


class TwoOut(nn.Module):
    """One row returning a tuple of two new tensors."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = nn.LSTM(4, 3, batch_first=True)

    def forward(self, x):
        out, (_h, _c) = self.lstm(x)
        return out


def test_a_row_returning_a_tuple_counts_every_new_tensor() -> None:
    t = trace(TwoOut(), (2, 5, 4))
    (row,) = t.rows
    assert row.kind == "LSTM"
    assert row.output_bytes == (2 * 5 * 3 + 1 * 2 * 3 + 1 * 2 * 3) * 4  # out, h, c


def test_the_movie_costs_no_memory_but_counts_its_bytes() -> None:
    t = trace(movie_convnet(), MOVIE_SHAPE)
    frames = MOVIE_SHAPE[0]
    by_hand = frames * (16 * 204 * 256 * 2 + 16 * 102 * 128 + 32 * 102 * 128 * 2 + 32 * 51 * 64)
    by_hand += frames * 10  # the Linear; Flatten is a view
    assert t.activation_bytes == 4 * by_hand == 1_827_428_688_000
    assert "Activation memory: 1,827,428,688,000 B (1.8 TB)" in t.to_text()


def test_table_column_and_footer_in_both_languages() -> None:
    t = trace(tiny_torch(inplace=True), TINY_SHAPE)
    en, ko = t.to_text("en"), t.to_text("ko")
    assert "Output memory" in en
    assert "출력 메모리" in ko
    assert " 3.1 kB " in en
    assert " 3.1 kB " in ko
    assert "Activation memory: 3,900 B (3.9 kB)" in en
    assert "활성화 메모리: 3,900 B (3.9 kB)" in ko
    assert "in-place ReLU" in en
    assert "제자리(in-place) ReLU" in ko
    assert "not the peak memory of training" in en
    html = t.to_html("ko")
    assert '<th style="text-align:right">출력 메모리</th>' in html
    assert '<td style="text-align:right">0 B</td>' in html


# ---------------------------------------------------------------------------------- VGG-16
def vgg_by_hand(size: int = 224, batch: int = 1, itemsize: int = 4) -> list[tuple[str, int, int]]:
    """(kind, params, output values) of every row, from the configuration list alone."""
    rows, c, hw = [], 3, size
    for v in VGG16:
        if v == "M":
            hw //= 2
            rows.append(("MaxPool2d", 0, batch * c * hw * hw))
        else:
            rows.append(("Conv2d", c * int(v) * 9 + int(v), batch * int(v) * hw * hw))
            rows.append(("ReLU", 0, 0))  # in place
            c = int(v)
    rows.append(("AdaptiveAvgPool2d", 0, batch * c * 7 * 7))  # a new tensor, even 7 → 7
    rows.append(("torch.flatten", 0, 0))  # a view
    for n_in, n_out in ((c * 49, 4096), (4096, 4096), (4096, None)):
        n_out = n_out or 1000
        rows.append(("Linear", n_in * n_out + n_out, batch * n_out))
        if n_out == 4096:
            rows += [("ReLU", 0, 0), ("Dropout", 0, 0)]  # in place; not training
    return [(k, p, n * itemsize) for k, p, n in rows]


@pytest.fixture(scope="module")
def vgg_trace():
    return trace(vgg16(device="meta"), (1, 3, 224, 224))


def test_vgg16_parameter_count() -> None:
    model = vgg16(device="meta")
    assert sum(p.numel() for p in model.parameters()) == 138_357_544
    assert sum(p.numel() for p in vgg16(10, device="meta").parameters()) == (
        138_357_544 - 4096 * 1000 - 1000 + 4096 * 10 + 10
    )
    convs = [m for m in model.features if isinstance(m, nn.Conv2d)]
    assert len(convs) == 13
    assert all(m.kernel_size == (3, 3) and m.padding == (1, 1) for m in convs)
    assert sum(isinstance(m, nn.MaxPool2d) for m in model.features) == 5
    assert all(m.inplace for m in model.modules() if isinstance(m, nn.ReLU))
    # torchvision's state_dict keys: features.{conv index}, classifier.{0, 3, 6}
    conv_at = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28]
    keys = [f"features.{i}.{p}" for i in conv_at for p in ("weight", "bias")]
    keys += [f"classifier.{i}.{p}" for i in (0, 3, 6) for p in ("weight", "bias")]
    assert list(model.state_dict()) == keys


def test_vgg16_trace_against_hand_counts(vgg_trace) -> None:
    t = vgg_trace
    hand = vgg_by_hand()
    assert [(r.kind, r.params, r.output_bytes) for r in t.rows] == hand
    assert t.total_params == 138_357_544
    assert t.rows[0].output_bytes == 64 * 224 * 224 * 4 == 12_845_056
    assert t.activation_bytes == sum(b for _, _, b in hand) == 60_448_672
    biggest = max(t.rows, key=lambda r: r.params)
    assert (biggest.name, biggest.params) == ("classifier.0", 25088 * 4096 + 4096)
    most = sorted(t.rows, key=lambda r: r.output_bytes, reverse=True)
    assert [r.name for r in most[:2]] == ["features.0", "features.2"]  # the first convolutions
    assert most[2].output_bytes < most[0].output_bytes
    assert t["features.30"].receptive_field == (212, 212)  # the published field of VGG-16


def test_vgg16_blocks(vgg_trace) -> None:
    blocks = vgg_blocks(vgg_trace)
    assert [b.name for b in blocks] == ["block1", "block2", "block3", "block4", "block5", "head"]
    assert sum(len(b.rows) for b in blocks) == len(vgg_trace.rows)
    assert sum(b.param_share for b in blocks) == 1 == sum(b.activation_share for b in blocks)
    first, head = blocks[0], blocks[-1]
    # block 1: two convolutions of 64 × 224 × 224 and a pooling to 64 × 112 × 112
    assert first.activation_bytes == (2 * 64 * 224 * 224 + 64 * 112 * 112) * 4 == 28_901_376
    assert first.params == 3 * 64 * 9 + 64 + 64 * 64 * 9 + 64 == 38_720
    assert f"{float(first.activation_share):.1%}" == "47.8%"
    assert head.params == 123_642_856
    assert f"{float(head.param_share):.1%}" == "89.4%"
    first_linear = (25088 * 4096 + 4096) / 138_357_544
    assert f"{first_linear:.1%}" == "74.3%"


def test_vgg16_batch_and_dtype_scale_the_memory_not_the_parameters() -> None:
    t = trace(vgg16(device="meta").to(torch.float16), (8, 3, 224, 224))
    assert t.total_params == 138_357_544
    assert t.activation_bytes == sum(b for *_, b in vgg_by_hand(batch=8, itemsize=2))
    assert t.activation_bytes == 60_448_672 * 8 // 2
    assert math.isclose(t.activation_bytes / 1e6, 241.8, rel_tol=1e-3)


def test_lesson_transpose_is_a_view_in_both_engines() -> None:
    """Chapter 2's two-step network: its Transpose returns a view (0 B) in NumPy and in torch."""
    from layerguide.lesson import linear as lesson

    model = lesson.two_step_network()
    x = np.ones((4, 2), dtype=model.parameters()[0].data.dtype)
    numpy_rows = trace(model, (4, 2)).rows
    torch_rows = trace(lesson.two_step_network_torch(model), (4, 2)).rows
    for layer, row in zip(model.layers, numpy_rows, strict=True):
        out = layer(x)
        assert row.output_bytes == (0 if np.shares_memory(out, x) else out.nbytes), row.name
        x = out
    assert [r.output_bytes for r in numpy_rows] == [r.output_bytes for r in torch_rows]
