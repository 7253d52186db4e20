"""Benchmark: one forward pass of the explorer (encoder + decoder) in Chromium, and torch's.

Opens the built explorer page (``docs/_build/html/en/explorer.html``, or the site named
by ``LAYERGUIDE_SITE``) in Debian's Chromium through Playwright, and times the page's own
forward function on a test digit for each of the five decoders (warm: after 5 untimed
passes; median and best of 30). Torch runs the same models (the weights the page loaded,
float32, one thread and all threads) on the same input. Also prints the time from
loading the page to a usable explorer (weights inflated) and the explorer's asset sizes.

The goal (issue 20) is ≤ 50 ms per encoder + decoder pass on a 2-core machine. Run::

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python bench/explorer.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from test_explorer import SHARED, shared_data, site_models

REPEAT = 30
TIME_PASS = """([name, pixels, repeat]) => {
  const ex = document.querySelector('[data-explorer="autoencoder"]').layerguideExplorer;
  const core = window.layerguideExplorerCore;
  const m = ex.models[name];
  for (let r = 0; r < 5; r++) core.forward(m.steps, m.tensors, pixels);
  const times = [];
  for (let r = 0; r < repeat; r++) {
    const t0 = performance.now();
    core.forward(m.steps, m.tensors, pixels);
    times.push(performance.now() - t0);
  }
  return times;
}"""


def torch_times(model: torch.nn.Module, x: torch.Tensor, threads: int) -> list[float]:
    torch.set_num_threads(threads)
    with torch.no_grad():
        for _ in range(5):
            model(x)
        times = []
        for _ in range(REPEAT):
            t0 = time.perf_counter()
            model(x)
            times.append((time.perf_counter() - t0) * 1000)
    return times


def main() -> None:
    site = Path(os.environ.get("LAYERGUIDE_SITE", ROOT / "docs" / "_build" / "html")).resolve()
    data = shared_data(site)
    pixels = (np.array(data["digits"][0]["levels"]) / 255).astype(np.float32)
    x = torch.from_numpy(pixels).reshape(1, 1, 28, 28)
    chromium = os.environ.get("LAYERGUIDE_CHROMIUM", "/usr/bin/chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        page = browser.new_page()
        t0 = time.perf_counter()
        page.goto((site / "en" / "explorer.html").as_uri())
        page.wait_for_selector('[data-explorer="autoencoder"][data-ready="true"]', timeout=60_000)
        ready = time.perf_counter() - t0
        js = {
            name: page.evaluate(TIME_PASS, [name, pixels.astype(float).tolist(), REPEAT])
            for name in data["models"]
        }
        browser.close()
    print(f"page load to a usable explorer (file://): {ready * 1000:.0f} ms")
    print(f"{'decoder':<14}{'JS median':>11}{'JS best':>9}{'torch 1 thr':>13}{'torch all':>11}")
    threads = torch.get_num_threads()
    for name, model in site_models(site).items():
        one = torch_times(model, x, 1)
        every = torch_times(model, x, threads)
        print(
            f"{name:<14}{statistics.median(js[name]):>9.1f}ms{min(js[name]):>7.1f}ms"
            f"{statistics.median(one):>11.2f}ms{statistics.median(every):>9.2f}ms"
        )
    files = [site / SHARED] + [
        site / lang / "_static" / f
        for lang in ("en", "ko")
        for f in ("explorer.js", "explorer.css")
    ]
    total = sum(f.stat().st_size for f in files)
    print(f"assets: {total:,} bytes ({(site / SHARED).stat().st_size:,} of them the models)")


if __name__ == "__main__":
    main()
