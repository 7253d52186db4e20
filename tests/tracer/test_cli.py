"""``layerguide trace TARGET --input …``."""

from __future__ import annotations

import textwrap

import pytest

from layerguide.cli import main

MODEL_FILE = textwrap.dedent(
    """
    from torch import nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 16, 5, stride=5)
            self.fc = nn.Linear(16 * 216 * 384, 1)

        def forward(self, x):
            return self.fc(self.conv(x).flatten(1))

    def make():
        return Net()

    net = Net()
    number = 3
    """
)


@pytest.fixture
def model_file(tmp_path):
    path = tmp_path / "mymodel.py"
    path.write_text(MODEL_FILE, encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["Net", "make", "net"])
def test_file_targets(model_file, name, capsys) -> None:
    assert main(["trace", f"{model_file}:{name}", "--input", "1,3,1080,1920"]) == 0
    out = capsys.readouterr().out
    assert "Total params: 1,328,321" in out
    assert "3×16×5×5 + 16 = 1,216" in out


def test_module_target_formats_and_korean(capsys) -> None:
    target = "layerguide.lesson.convnet:movie_convnet"
    assert main(["trace", target, "-i", "162000x1x1024x1280", "--format", "markdown"]) == 0
    assert "| 1 | 0 (Conv2d) | (162000, 1, 1024, 1280) |" in capsys.readouterr().out
    assert (
        main(["trace", target, "-i", "(2, 1, 1024, 1280)", "--format", "html", "--lang", "ko"]) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith('<div class="layerguide-trace" role="region"')
    assert "입력 형태" in out


@pytest.mark.parametrize(
    ("lang", "fmt", "words"),
    [
        ("en", "text", ("Output memory", "Activation memory: 5,308,420 B (5.3 MB)")),
        ("ko", "text", ("출력 메모리", "활성화 메모리: 5,308,420 B (5.3 MB)")),
        ("en", "markdown", ("| Output memory |", "- Activation memory: 5,308,420 B (5.3 MB)")),
        ("ko", "html", ('text-align:right">출력 메모리</th>', "활성화 메모리: 5,308,420 B")),
    ],
)
def test_activation_memory_column(model_file, lang, fmt, words, capsys) -> None:
    """The convolution's output is 16 × 216 × 384 float32 values, 4 B each; flatten is a
    view; the Linear returns one value."""
    args = ["trace", f"{model_file}:net", "-i", "1,3,1080,1920", "--lang", lang, "--format", fmt]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert 16 * 216 * 384 * 4 + 4 == 5_308_420
    for word in words:
        assert word in out
    assert "5.3 MB" in out.split(words[0])[1]  # the conv row's cell, after the header


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere.py:net", "-i", "1,3"], "no such file 'nowhere.py'"),
        (["{file}:missing", "-i", "1,3"], "has no attribute 'missing'"),
        (["{file}:number", "-i", "1,3"], "is a int, not a model"),
        (["no_such_module_xyz:net", "-i", "1,3"], "cannot import module 'no_such_module_xyz'"),
        (["justaname", "-i", "1,3"], "TARGET must look like module.path:name"),
        (["{file}:net", "-i", "1,three,5"], "--input '1,three,5' is not a shape"),
        (
            ["{file}:net", "-i", "1,3,10,10"],
            "trace failed at row 3, fc (Linear), on input shape (1, 64)",
        ),
        (["torch.nn:Conv2d", "-i", "1,3"], "takes no arguments"),
        (["{file}:net", "-i", "1,3,5,5", "--depth", "-1"], "got depth=-1"),
    ],
)
def test_clear_errors(model_file, args, message, capsys) -> None:
    args = [a.replace("{file}", str(model_file)) for a in args]
    assert main(["trace", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("layerguide: error: trace")
    assert message in err


@pytest.mark.parametrize(("lang", "fmt"), [("en", "text"), ("ko", "html"), ("ko", "markdown")])
def test_depth(lang, fmt, capsys) -> None:
    target = "tests.tracer.models:ResNet50"
    args = ["trace", target, "-i", "1,3,64,64", "--depth", "1", "--lang", lang, "--format", fmt]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "layer4 (Sequential)" in out
    assert "layer4.0" not in out
    assert "25,557,032" in out
    assert ("level 1" if lang == "en" else "깊이 1") in out
