"""layerguide.lesson.decoders: the helpers chapters 5 and 6 added for issue 22, without training."""

from __future__ import annotations

import pytest
import torch

from layerguide.lesson.decoders import batch_dependence, read_table


def test_batch_norm_depends_on_the_batch_only_in_training_mode() -> None:
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2))
    images = torch.randn(4, 1, 6, 6)
    model.train()
    model(images)  # running statistics that are not the defaults
    model.eval()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    modes = batch_dependence(model, images, torch.sigmoid)
    assert modes["eval"] < 1e-6
    assert modes["train"] > 1e-2
    assert not model.training  # the model itself is left as it was
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_read_table_reads_what_the_chapter_says() -> None:
    infos = {
        "nearest": {"params": 100, "test_bce": 0.085},
        "bed_of_nails": {"params": 100, "test_bce": 0.083},
        "max_unpool": {"params": 100, "test_bce": 0.069},
        "transpose": {"params": 190, "test_bce": 0.081},
        "fc": {"params": 418, "test_bce": 0.102},
    }
    reading = read_table(infos)
    assert reading.best == "max_unpool"
    assert reading.worst_code_only == reading.most_params == "fc"
    assert reading.fc_over_transpose == pytest.approx(2.2)
    assert reading.transpose_over_nearest == pytest.approx(1.9)
    assert reading.best_conv == "transpose"
    assert reading.conv_spread == pytest.approx(0.004)
    assert reading.fc_gap == pytest.approx(0.017)
