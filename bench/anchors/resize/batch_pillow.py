#!/usr/bin/python3
"""The thumbnail batch with Pillow, one process per core.

Usage:
    /usr/bin/python3 batch_pillow.py IN_DIR OUT_DIR [--procs 2] [--width 600]
                                     [--quality 85] [--method resize|thumbnail]

Every *.jpg in IN_DIR is opened, shrunk to WIDTH pixels wide (height keeps
the aspect, rounded) with LANCZOS and saved as OUT_DIR/NAME.jpg at QUALITY,
by a multiprocessing.Pool of PROCS processes.

    --method resize     (default) full decode, then im.resize(..., LANCZOS):
                        the exact filter on every pixel, the same work the
                        Go engines do.
    --method thumbnail  im.thumbnail(...): what most Pillow users call. It
                        asks libjpeg to decode at 1/2, 1/4 or 1/8 scale
                        (draft mode) and uses reducing_gap=2.0, so it does far
                        less work and is not the same quality.

Prints the wall time of the pool on stderr; batch.sh times the whole command.
"""

import argparse
import multiprocessing
import os
import sys
import time

from PIL import Image

R = getattr(Image, "Resampling", Image)
OPTS = {}


def work(name):
    src = os.path.join(OPTS["in"], name)
    dst = os.path.join(OPTS["out"], os.path.splitext(name)[0] + ".jpg")
    width = OPTS["width"]
    with Image.open(src) as im:
        if OPTS["method"] == "thumbnail":
            im.thumbnail((width, 1 << 30), R.LANCZOS)
            out = im
        else:
            im = im.convert("RGB")
            h = max(1, round(im.height * width / im.width))
            out = im.resize((width, h), R.LANCZOS)
        out.save(dst, "JPEG", quality=OPTS["quality"])
    return out.size


def init(opts):
    OPTS.update(opts)


def main():
    p = argparse.ArgumentParser(description="Thumbnail a folder of JPEGs with Pillow.")
    p.add_argument("in_dir")
    p.add_argument("out_dir")
    p.add_argument("--procs", type=int, default=2)
    p.add_argument("--width", type=int, default=600)
    p.add_argument("--quality", type=int, default=85)
    p.add_argument("--method", choices=("resize", "thumbnail"), default="resize")
    a = p.parse_args()
    names = sorted(n for n in os.listdir(a.in_dir) if n.lower().endswith((".jpg", ".jpeg")))
    if not names:
        print("batch_pillow: no JPEG files in " + a.in_dir, file=sys.stderr)
        return 2
    os.makedirs(a.out_dir, exist_ok=True)
    opts = {"in": a.in_dir, "out": a.out_dir, "width": a.width, "quality": a.quality, "method": a.method}
    t0 = time.perf_counter()
    with multiprocessing.Pool(a.procs, initializer=init, initargs=(opts,)) as pool:
        sizes = pool.map(work, names, chunksize=1)
    dt = time.perf_counter() - t0
    print("batch_pillow: %d files, %s, %d processes, %.3f s in the pool, last output %dx%d"
          % (len(names), a.method, a.procs, dt, sizes[-1][0], sizes[-1][1]), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
