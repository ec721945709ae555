#!/usr/bin/python3
"""The fast-class peer of the thumbnail anchors: Pillow's Image.thumbnail.

Usage:
    /usr/bin/python3 pillow_thumb.py --out DIR [--procs 1] [--width 600]
                                     [--quality 85] [--format jpeg|png] INPUT...

INPUT is JPEG files or folders of them (*.jpg, not recursive). Each is
opened and shrunk with im.thumbnail((WIDTH, WIDTH)) — Pillow's defaults as a
user calls it: BICUBIC and reducing_gap=2.0, so that libjpeg decodes at 1/2,
1/4 or 1/8 scale (draft mode) when the image is at least 2x the box times 2 —
then saved as DIR/STEM.jpg (quality QUALITY, Pillow's default 4:2:0) or
DIR/STEM.png. With --procs 1 the files are done in a plain loop in this
process (one core); with more, by multiprocessing.Pool(PROCS), chunksize 1.
Exit status 2 on bad usage or no inputs, 1 when a file fails (named on
stderr; the others are still done).
"""

import argparse
import multiprocessing
import os
import sys

from PIL import Image

OPTS = {}


def work(src):
    stem = os.path.splitext(os.path.basename(src))[0]
    dst = os.path.join(OPTS["out"], stem + "." + ("png" if OPTS["format"] == "png" else "jpg"))
    try:
        with Image.open(src) as im:
            im.thumbnail((OPTS["width"], OPTS["width"]))
            if OPTS["format"] == "png":
                im.save(dst, "PNG")
            else:
                im.save(dst, "JPEG", quality=OPTS["quality"])
    except (OSError, ValueError) as e:
        return "%s: %s" % (src, e)
    return None


def init(opts):
    OPTS.update(opts)


def main():
    p = argparse.ArgumentParser(description="Thumbnail JPEGs with Pillow's Image.thumbnail.")
    p.add_argument("inputs", nargs="+")
    p.add_argument("--out", required=True)
    p.add_argument("--procs", type=int, default=1)
    p.add_argument("--width", type=int, default=600)
    p.add_argument("--quality", type=int, default=85)
    p.add_argument("--format", choices=("jpeg", "png"), default="jpeg")
    a = p.parse_args()
    files = []
    for i in a.inputs:
        if os.path.isdir(i):
            files += sorted(os.path.join(i, n) for n in os.listdir(i) if n.lower().endswith((".jpg", ".jpeg")))
        else:
            files.append(i)
    if not files or a.procs < 1 or a.width < 1:
        print("pillow_thumb: want at least one JPEG, --procs and --width of 1 or more", file=sys.stderr)
        return 2
    os.makedirs(a.out, exist_ok=True)
    opts = {"out": a.out, "width": a.width, "quality": a.quality, "format": a.format}
    if a.procs == 1:
        init(opts)
        errs = [work(f) for f in files]
    else:
        with multiprocessing.Pool(a.procs, initializer=init, initargs=(opts,)) as pool:
            errs = pool.map(work, files, chunksize=1)
    errs = [e for e in errs if e]
    for e in errs:
        print("pillow_thumb: " + e, file=sys.stderr)
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
