#!/usr/bin/python3
"""Resize one image with Pillow, as Image.resize does: the oracle for tests.

Usage:
    /usr/bin/python3 pillow_resize.py IN OUT WIDTH HEIGHT FILTER [--reducing-gap G]

    IN      any image Pillow reads (PNG from the Go tests)
    OUT     the result, always written as PNG
    WIDTH, HEIGHT
            the output size in pixels (both required, aspect is not kept)
    FILTER  nearest | box | bilinear | bicubic | lanczos | hamming
            (corescale's names are accepted too: linear = bilinear,
            catmullrom = bicubic, which is Catmull-Rom in Pillow (a = -0.5),
            lanczos3 = lanczos; Pillow has no mitchell or lanczos2)
    --reducing-gap G
            Pillow's fast mode: an exact integer box reduce first, then the
            filter for the remaining factor of at least G (G >= 1.0)

Exit status: 0 written; 2 bad usage or an input Pillow cannot resize
faithfully (the message says why); 1 any other failure.

Modes, and where this differs from a bare Image.resize call:
    L, RGB       resized as they are.
    LA, RGBA     premultiplied while filtering (Image.resize converts to
                 La/RGBa itself). Pillow 9.4 (Debian bookworm) then drops
                 reducing_gap; this script does the same steps by hand so that
                 the gap is kept, as newer Pillow does. The output is PNG with
                 straight (non-premultiplied) alpha.
    P, 1         converted to RGBA / RGB / L first (Image.resize would fall
                 back to NEAREST for them).
    I;16 (16-bit gray PNG)
                 resized as mode I (32-bit) and written as 16-bit gray PNG,
                 clamped to 0..65535 (Pillow 9.4 cannot resize I;16 itself).
    16-bit RGB(A) PNG
                 refused (exit 2): Pillow reads them as 8 bits per channel.

Pillow's version is printed on stderr with --version.
"""

import argparse
import sys

from PIL import Image, __version__ as PIL_VERSION

R = getattr(Image, "Resampling", Image)
FILTERS = {
    "nearest": R.NEAREST,
    "box": R.BOX,
    "bilinear": R.BILINEAR,
    "linear": R.BILINEAR,
    "bicubic": R.BICUBIC,
    "catmullrom": R.BICUBIC,
    "lanczos": R.LANCZOS,
    "lanczos3": R.LANCZOS,
    "hamming": R.HAMMING,
}


def usage_error(msg):
    print("pillow_resize: " + msg, file=sys.stderr)
    sys.exit(2)


def resize(im, size, resample, gap):
    """Image.resize, keeping reducing_gap for LA/RGBA (see the docstring)."""
    if im.mode in ("LA", "RGBA") and resample != R.NEAREST:
        pre = {"LA": "La", "RGBA": "RGBa"}[im.mode]
        return im.convert(pre).resize(size, resample, reducing_gap=gap).convert(im.mode)
    return im.resize(size, resample, reducing_gap=gap)


def main():
    if "--version" in sys.argv[1:]:
        print("Pillow " + PIL_VERSION, file=sys.stderr)
        return 0
    p = argparse.ArgumentParser(description="Resize with Pillow (the oracle).")
    p.add_argument("input")
    p.add_argument("output")
    p.add_argument("width", type=int)
    p.add_argument("height", type=int)
    p.add_argument("filter")
    p.add_argument("--reducing-gap", type=float, default=None)
    a = p.parse_args()

    resample = FILTERS.get(a.filter.lower())
    if resample is None:
        usage_error("unknown filter %r; want one of %s" % (a.filter, " ".join(sorted(FILTERS))))
    if a.width < 1 or a.height < 1:
        usage_error("the output size must be at least 1x1, not %dx%d" % (a.width, a.height))
    if a.reducing_gap is not None and a.reducing_gap < 1.0:
        usage_error("--reducing-gap must be 1.0 or more")

    try:
        im = Image.open(a.input)
    except (OSError, ValueError) as e:
        usage_error("cannot read %s: %s" % (a.input, e))
    rawmode = im.tile[0][3] if im.tile and isinstance(im.tile[0][3], str) else ""
    if im.format == "PNG" and im.mode in ("RGB", "RGBA") and ";16" in rawmode:
        usage_error("%s is 16 bits per channel in colour, which Pillow reads as 8 bits" % a.input)
    im.load()

    size = (a.width, a.height)
    if im.mode == "P":
        im = im.convert("RGBA" if "transparency" in im.info else "RGB")
    elif im.mode == "1":
        im = im.convert("L")
    elif im.mode == "PA":
        im = im.convert("RGBA")

    if im.mode.startswith("I;16") or im.mode == "I":
        import numpy as np

        out = resize(im.convert("I"), size, resample, a.reducing_gap)
        arr = np.clip(np.asarray(out, dtype=np.int64), 0, 65535).astype(np.uint16)
        out = Image.fromarray(arr, "I;16")
    elif im.mode in ("L", "LA", "RGB", "RGBA"):
        out = resize(im, size, resample, a.reducing_gap)
    else:
        usage_error("mode %s of %s is not supported" % (im.mode, a.input))
    out.save(a.output, format="PNG")
    return 0


if __name__ == "__main__":
    sys.exit(main())
