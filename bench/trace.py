"""Benchmark: ``layerguide.trace`` against ``torchinfo.summary`` on two models.

Cases: the lesson's 90-minute movie as one batch, (162000, 1, 1024, 1280) — 849 GB as
float32 — through a small conv stack, and ResNet-50 at (1, 3, 224, 224).

Every measurement runs in its own subprocess, after imports and model construction:
wall time of the call (the first call in the process, which pays one-time lazy imports,
and a second one) and growth of peak RSS. Each child first caps its address space at
its current size + 3 GiB (``RLIMIT_AS``), so a tool that tries to allocate the movie
fails at once instead of eating the shared machine. Run::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/trace.py

``python bench/trace.py --totals`` instead puts both tools' total beside the count a
reader checks first, ``sum(p.numel() for p in model.parameters())``, on issue 24's
reduced cases (the models of ``tests/tracer/test_totals.py`` and ``test_inputs.py``).

``python bench/trace.py --memory`` puts layerguide's activation memory (each new tensor
once: a view, an in-place ReLU or Dropout in eval adds nothing) beside the sum of every
row's output size and torchinfo's "Forward/backward pass size" (in torchinfo 1.8: the
outputs of the leaf modules that have parameters, doubled "for gradients"; pooling and
activations are left out) for VGG-16 and ResNet-50 at (1, 3, 224, 224), float32.
torchinfo runs a real pass: about 1 GB for VGG-16.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MOVIE = (162_000, 1, 1024, 1280)  # layerguide.lesson.convnet.MOVIE_SHAPE: (T, C, H, W)
HEADROOM = 3 * 1024**3  # bytes of address space a child may add
TOOLS = ("layerguide", "layerguide, imports done", "torchinfo (device='meta')", "torchinfo (cpu)")
CASES = ("movie conv stack", "ResNet-50")


def build(case: str):
    """The model and its input size."""
    if case == "movie conv stack":
        from layerguide.lesson.convnet import movie_convnet

        return movie_convnet(), MOVIE
    sys.path.insert(0, str(ROOT))
    from tests.tracer.models import ResNet50  # the tests' definition (no torchvision)

    return ResNet50(stride_in_1x1=False), (1, 3, 224, 224)


def peak_rss() -> int:
    """Peak resident set size of this process so far, in bytes (Linux: KiB units)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def vm_size() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) * 1024
    return 0


def child(tool: str, case: str) -> dict[str, object]:
    """Measure one tool on one case in this (fresh) process."""
    import torch

    import layerguide

    if tool.startswith("torchinfo"):
        import torchinfo
    import layerguide.tracer.torch_engine  # module imports, like `import torchinfo`

    if tool == "layerguide, imports done":
        # What torch's meta kernels import on first use (sympy via torch._check,
        # torch._dynamo via the reference implementations): paid once per process.
        import torch._dynamo
        import torch.fx.experimental.symbolic_shapes
    model, size = build(case)
    limit = vm_size() + HEADROOM
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    def call():
        if tool.startswith("layerguide"):
            return layerguide.trace(model, size)
        device = "meta" if "meta" in tool else "cpu"
        return torchinfo.summary(model, input_size=size, device=device, verbose=0)

    result: dict[str, object] = {"ok": True}
    times, growth = [], []
    try:
        for _ in range(2):
            before = peak_rss()
            start = time.perf_counter()
            out = call()
            times.append(time.perf_counter() - start)
            growth.append(peak_rss() - before)
        if tool.startswith("layerguide"):
            result["params"] = out.total_params
            result["macs"] = out.total_macs
        else:
            result["params"] = out.total_params
            result["macs"] = out.total_mult_adds
    except Exception as exc:  # noqa: BLE001 - report any failure as text
        times.append(time.perf_counter() - start)
        growth.append(peak_rss() - before)
        result["ok"] = False
        result["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:100]}"
    result["times"] = times
    result["growth"] = growth
    del torch
    return result


def main() -> None:
    import torch

    print(f"torch {torch.__version__}, python {sys.version.split()[0]}")
    print(f"movie input {MOVIE}: {torch.Size(MOVIE).numel() * 4:,} bytes as float32")
    print(
        "Each tool is called twice in a fresh process, after its module is imported: the\n"
        "first call pays one-time lazy imports (torch's meta kernels import sympy and\n"
        "torch._dynamo; 'imports done' does those first), the second is the steady cost.\n"
        "'RSS +' is the growth of peak resident memory during that call.\n"
    )
    header = (
        f"{'case':17} {'tool':25} {'1st call':>9} {'RSS +':>9} {'2nd call':>9} {'RSS +':>9}  result"
    )
    print(header)
    print("-" * len(header))
    for case in CASES:
        for tool in TOOLS:
            proc = subprocess.run(
                [sys.executable, __file__, "--child", tool, case],
                capture_output=True,
                text=True,
                check=False,
            )
            try:
                r = json.loads(proc.stdout.strip().splitlines()[-1])
            except (IndexError, json.JSONDecodeError):
                tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                print(f"{case:17} {tool:25} child died (exit {proc.returncode}): {tail[:80]}")
                continue
            cells = []
            for k in range(2):
                if k < len(r["times"]):
                    cells += [f"{r['times'][k]:.3f} s", f"{r['growth'][k] / 1e6:.1f} MB"]
                else:
                    cells += ["", ""]
            if r["ok"]:
                what = f"ok: {r['params']:,} params, {r['macs'] / 1e9:,.2f} GMACs"
            else:
                what = f"FAILED: {r['error']}"
            print(f"{case:17} {tool:25} " + " ".join(f"{c:>9}" for c in cells) + f"  {what}")
    print(
        "\nlayerguide traces on the meta device; torchinfo 1.8 builds real input tensors "
        "(even with device='meta'), so the movie needs 849 GB and fails under the cap."
    )


def totals() -> None:
    """Each tool's total parameters and output shape on the reduced cases, beside the model's."""
    import torch
    import torchinfo

    import layerguide

    sys.path.insert(0, str(ROOT))
    from tests.tracer import test_inputs, test_totals

    cases = {
        "returns its weight": (test_totals.ReturnsWeight, (1, 8)),
        "pruning names": (test_totals.Pruned, (1, 8)),
        "unused ParameterList": (test_totals.UnusedList, (2, 3)),
        "LSTMCell, branch not taken": (test_totals.CellBranch, (2, 2)),
        "own params in a child": (test_totals.Outer, (2, 4)),
        "dict of outputs": (test_totals.DictOut, (2, 6)),
        "if x.sum() > 0": (test_inputs.Branchy, (2, 4)),
    }
    print(f"{'case':27} {'parameters()':>12} {'layerguide':>10} {'torchinfo':>10}  output shapes")
    for name, (factory, size) in cases.items():
        torch.manual_seed(0)
        model = factory()
        count = sum({id(p): p.numel() for p in model.parameters()}.values())
        ours = layerguide.trace(model, size)
        try:
            stats = torchinfo.summary(model, input_size=size, verbose=0)
            theirs = f"{stats.total_params:,}"
        except Exception as exc:  # noqa: BLE001 - report any failure as text
            theirs = type(exc).__name__
        shapes = ", ".join(str(s) for s in ours.output_shapes)
        print(f"{name:27} {count:>12,} {ours.total_params:>10,} {theirs:>10}  {shapes}")


def memory() -> None:
    """Activation memory: layerguide's count, every row's output, torchinfo's estimate."""
    import math

    import torch
    import torchinfo

    import layerguide
    from layerguide.lesson.vgg import vgg16
    from layerguide.shapes import format_bytes

    sys.path.insert(0, str(ROOT))
    from tests.tracer.models import ResNet50

    size = (1, 3, 224, 224)
    print(f"{'model':10} {'layerguide':>24} {'every row':>24} {'torchinfo fwd/bwd':>24}")
    for name, factory in (("VGG-16", vgg16), ("ResNet-50", lambda: ResNet50(False))):
        with torch.device("meta"):
            ours = layerguide.trace(factory(), size)
        every = sum(math.prod(r.output_shape) * 4 for r in ours.rows)
        stats = torchinfo.summary(factory(), input_size=size, verbose=0)
        cells = [ours.activation_bytes, every, stats.total_output_bytes]
        print(f"{name:10} " + " ".join(f"{format_bytes(n):>24}" for n in cells))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        print(json.dumps(child(sys.argv[2], sys.argv[3])))
    elif sys.argv[1:] == ["--totals"]:
        totals()
    elif sys.argv[1:] == ["--memory"]:
        memory()
    else:
        main()
