#!/usr/bin/python3
"""Photo-like JPEG inputs for the thumbnail anchors, made with Pillow alone.

Usage:
    /usr/bin/python3 makeinputs.py OUT_DIR NAME WxH COUNT [--seed S]
                                   [--quality 90] [--subsampling 420,444]
                                   [--procs N]

Writes OUT_DIR/SUB/NAME/NAME-NNN.jpg for each subsampling SUB (420 and 444 by
default), COUNT images of WxH at QUALITY. Both subsamplings hold the same
pixels, so their rows differ only by the chroma layout the decoder meets.

The pictures are made to cost what a photograph costs to decode: a smooth
colour field (low-resolution noise upsampled), mid-frequency texture like
foliage, sensor-like grain on every channel, hard-edged shapes, thin lines,
a chirp (a zone plate's rising frequency) and text at several sizes. Grain
and texture keep the entropy coder busy, so the files are about the size of
camera JPEGs (a flat chart would decode several times faster than a photo).
Every image comes from random.Random(seed + index): the same for the same
seed, whatever the Pillow build.

NumPy is not needed (Debian's python3-pil alone is enough).
"""

import argparse
import math
import multiprocessing
import os
import random
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
WORDS = ("corescale thumbnail anchor sample photograph texture noise harbour "
         "mountain evening quartz jumping fox lazy dog 0123456789").split()


def font(size):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


def noise_rgb(rng, w, h):
    return Image.frombytes("RGB", (w, h), rng.randbytes(w * h * 3))


def noise_l(rng, w, h):
    return Image.frombytes("L", (w, h), rng.randbytes(w * h))


def picture(w, h, seed):
    rng = random.Random(seed)
    # Smooth colour field: two octaves of coarse noise, upsampled.
    im = noise_rgb(rng, 6, 4).resize((w, h), Image.BICUBIC)
    mid = noise_rgb(rng, 48, 32).resize((w, h), Image.BICUBIC)
    im = Image.blend(im, mid, 0.3)
    # Foliage-like texture in a band of the picture: noise at 1/6 scale.
    tw, th = max(1, w // 6), max(1, h // 6)
    tex = noise_l(rng, tw, th).resize((w, h), Image.BILINEAR)
    mask = Image.new("L", (w, h), 0)
    md = ImageDraw.Draw(mask)
    md.ellipse((-w // 4, h // 2, w * 3 // 4, h * 3 // 2), fill=150)
    md.rectangle((w * 2 // 3, 0, w, h // 3), fill=110)
    mask = mask.filter(ImageFilter.BoxBlur(max(1, w // 200)))
    im = Image.composite(Image.merge("RGB", (tex.point(lambda v: v // 2 + 20), tex, tex.point(lambda v: v // 3))), im, mask)

    d = ImageDraw.Draw(im)
    s = max(w, h)
    # Hard-edged shapes and thin lines.
    for _ in range(24):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        x1, y1 = x0 + rng.randrange(s // 20, s // 5), y0 + rng.randrange(s // 20, s // 5)
        col = tuple(rng.randrange(256) for _ in range(3))
        (d.ellipse if rng.random() < 0.5 else d.rectangle)((x0, y0, x1, y1), fill=col)
    for _ in range(40):
        pts = [(rng.randrange(w), rng.randrange(h)) for _ in range(2)]
        d.line(pts, fill=tuple(rng.randrange(256) for _ in range(3)), width=rng.choice((1, 1, 2, 3)))
    # A 1-pixel grid and a chirp: detail up to the sampling limit.
    gx, gy, gs = w // 20, h // 20, s // 8
    for k in range(0, gs, 2):
        d.line((gx + k, gy, gx + k, gy + gs // 2), fill=(20, 20, 20))
    cs = max(16, s // 6)
    r = Image.radial_gradient("L").resize((cs, cs), Image.BILINEAR)
    chirp = r.point(lambda v: int(127.5 + 127.5 * math.cos(v * v / 40.0)))
    im.paste(Image.merge("RGB", (chirp, chirp, chirp)), (w - cs - w // 20, h - cs - h // 20))
    # Text at several sizes, dark on light and light on dark.
    y = h // 3
    for size in (s // 120, s // 80, s // 50, s // 30):
        if size < 6:
            continue
        line = " ".join(rng.choice(WORDS) for _ in range(8))
        dark = rng.random() < 0.5
        d.text((w // 30, y), line, font=font(size), fill=(15, 15, 15) if dark else (245, 245, 240))
        y += size * 2
    # Sensor-like grain on every channel (about +-8 levels).
    grain = noise_rgb(rng, w, h).point(lambda v: v * 17 // 256)
    return ImageChops.add(im, grain, 1.0, -8)


def make(job):
    out_dir, name, w, h, seed, quality, subs, i = job
    im = picture(w, h, seed + i)
    for sub in subs:
        path = os.path.join(out_dir, sub, name, "%s-%03d.jpg" % (name, i + 1))
        # subsampling: 2 is 4:2:0, 0 is 4:4:4 (Pillow's codes).
        im.save(path, "JPEG", quality=quality, subsampling={"420": 2, "444": 0}[sub])
    return i


def main():
    p = argparse.ArgumentParser(description="Make photo-like JPEGs for the thumbnail anchors.")
    p.add_argument("out_dir")
    p.add_argument("name")
    p.add_argument("size", help="WxH")
    p.add_argument("count", type=int)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--quality", type=int, default=90)
    p.add_argument("--subsampling", default="420,444")
    p.add_argument("--procs", type=int, default=os.cpu_count() or 1)
    a = p.parse_args()
    try:
        w, h = (int(v) for v in a.size.lower().split("x"))
    except ValueError:
        print("makeinputs: size %r is not WxH" % a.size, file=sys.stderr)
        return 2
    subs = [s for s in a.subsampling.split(",") if s]
    bad = [s for s in subs if s not in ("420", "444")]
    if bad or w < 16 or h < 16 or a.count < 1:
        print("makeinputs: want --subsampling of 420,444, a size of at least 16x16 and a count of 1 or more"
              " (got %s, %s, %d)" % (a.subsampling, a.size, a.count), file=sys.stderr)
        return 2
    for sub in subs:
        os.makedirs(os.path.join(a.out_dir, sub, a.name), exist_ok=True)
    jobs = [(a.out_dir, a.name, w, h, a.seed * 100003, a.quality, subs, i) for i in range(a.count)]
    if a.procs > 1 and a.count > 1:
        with multiprocessing.Pool(a.procs) as pool:
            pool.map(make, jobs, chunksize=1)
    else:
        for j in jobs:
            make(j)
    return 0


if __name__ == "__main__":
    sys.exit(main())
