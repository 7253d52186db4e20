"""The movie traces without memory: peak RSS grows by less than 100 MB (fresh process)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CODE = textwrap.dedent(
    """
    import resource
    import torch
    import layerguide
    import layerguide.tracer.torch_engine  # import cost is not the trace's
    from layerguide.lesson.convnet import MOVIE_SHAPE, movie_convnet

    model = movie_convnet()
    # Cap the address space: a real 849 GB allocation would fail instead of swapping.
    vm = next(int(l.split()[1]) * 1024 for l in open("/proc/self/status") if l.startswith("VmSize"))
    resource.setrlimit(resource.RLIMIT_AS, (vm + 2 * 1024**3, vm + 2 * 1024**3))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = layerguide.trace(model, MOVIE_SHAPE)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(t.output_shape, (after - before) // 1024)
    """
)


def test_movie_peak_rss_growth_under_100_mb() -> None:
    out = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, check=True
    ).stdout.split(")")
    assert out[0] + ")" == "(162000, 10)"
    assert int(out[1]) < 100  # MiB, including torch's one-time imports for meta kernels
