#!/usr/bin/python3
"""The single-image speed anchor: Pillow's resize on a 24-megapixel image.

Usage:
    /usr/bin/python3 bench_pillow.py [IMAGE] [--size WxH] [--repeats N]

IMAGE is the picture to shrink, normally the 6000x4000 testchart.Photo chart
written by `go run ./resize/makejpegs -png FILE` in bench/anchors, so that Go and
Python time the same pixels; without it a 6000x4000 stand-in (gradients and
noise from NumPy) is made and a warning printed. The image is decoded and
converted to RGB before timing: only the resize is timed.

For each job, one untimed warm-up and then N timed runs (default 7, at least
5) of
    lanczos       im.resize((600, 400), Image.LANCZOS)
    lanczos_gap3  im.resize((600, 400), Image.LANCZOS, reducing_gap=3.0)
and one machine-readable line each on stdout:
    RESULT tool=pillow job=lanczos in=6000x4000 out=600x400 runs=7 median_s=0.28 min_s=0.27 cpu_s=0.28 mp_per_s=85.7 mp_per_s_best=88.9 mp_per_cpu_s=85.7
mp_per_s counts INPUT megapixels per wall second of the median run (best: of
the fastest); mp_per_cpu_s per second of the process's CPU time (median),
the steadier figure when other work shares the machine. Pillow's resize
runs on one core, so these are per-core figures.
"""

import argparse
import statistics
import sys
import time

from PIL import Image, __version__ as PIL_VERSION

R = getattr(Image, "Resampling", Image)


def stand_in(w, h):
    import numpy as np

    print("bench_pillow: no IMAGE given, timing a NumPy stand-in, not the Go chart", file=sys.stderr)
    rng = np.random.default_rng(1)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.stack([x / w, y / h, 0.5 + 0.5 * np.sin(x / 97.0) * np.cos(y / 61.0)], axis=-1) * 220
    noise = rng.integers(0, 30, size=(h, w, 3), dtype=np.uint8)
    return Image.fromarray((base.astype(np.uint8) + noise), "RGB")


def main():
    p = argparse.ArgumentParser(description="Time Pillow's LANCZOS resize.")
    p.add_argument("image", nargs="?")
    p.add_argument("--size", default="600x400", help="output size WxH (default 600x400)")
    p.add_argument("--repeats", type=int, default=7)
    a = p.parse_args()
    ow, oh = (int(v) for v in a.size.lower().split("x"))
    repeats = max(a.repeats, 5)

    im = Image.open(a.image).convert("RGB") if a.image else stand_in(6000, 4000)
    im.load()
    mp = im.width * im.height / 1e6
    print("# Pillow %s, input %dx%d (%.1f MP)" % (PIL_VERSION, im.width, im.height, mp), file=sys.stderr)

    jobs = [("lanczos", None), ("lanczos_gap3", 3.0)]
    for name, gap in jobs:
        im.resize((ow, oh), R.LANCZOS, reducing_gap=gap)  # warm-up
        times, cpus = [], []
        for _ in range(repeats):
            c0, t0 = time.process_time(), time.perf_counter()
            im.resize((ow, oh), R.LANCZOS, reducing_gap=gap)
            times.append(time.perf_counter() - t0)
            cpus.append(time.process_time() - c0)
        med, best, cpu = statistics.median(times), min(times), statistics.median(cpus)
        print(
            "RESULT tool=pillow job=%s in=%dx%d out=%dx%d runs=%d median_s=%.4f min_s=%.4f cpu_s=%.4f"
            " mp_per_s=%.1f mp_per_s_best=%.1f mp_per_cpu_s=%.1f"
            % (name, im.width, im.height, ow, oh, repeats, med, best, cpu, mp / med, mp / best, mp / cpu),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
