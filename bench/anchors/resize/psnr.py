#!/usr/bin/python3
"""PSNR between two images of the same size and mode, for comparing resizers.

Usage:
    /usr/bin/python3 psnr.py A B

Prints one line: `psnr_db=… max_diff=… mean_abs_diff=…` over every sample
(all channels, alpha included), with peak 255 for 8-bit images and 65535 for
16-bit ones. Identical images print psnr_db=inf. Exit status 2 when the sizes
or modes differ.
"""

import sys

import numpy as np
from PIL import Image


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    a, b = (Image.open(p) for p in sys.argv[1:])
    if a.size != b.size or a.mode != b.mode:
        print("psnr: %s is %s %s, %s is %s %s" % (sys.argv[1], a.mode, a.size, sys.argv[2], b.mode, b.size),
              file=sys.stderr)
        return 2
    x, y = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    peak = 65535.0 if a.mode.startswith("I") else 255.0
    d = x - y
    mse = float(np.mean(d * d))
    psnr = float("inf") if mse == 0 else 10 * np.log10(peak * peak / mse)
    print("psnr_db=%.2f max_diff=%d mean_abs_diff=%.4f" % (psnr, int(np.max(np.abs(d))), float(np.mean(np.abs(d)))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
