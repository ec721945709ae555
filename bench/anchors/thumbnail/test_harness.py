#!/usr/bin/python3
"""Checks of the anchors' own arithmetic and plumbing (no timing):

    /usr/bin/python3 -m unittest discover -s bench/anchors/thumbnail -p 'test_*.py'
"""

import os
import random
import subprocess
import sys
import tempfile
import unittest

from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import harness  # noqa: E402


class TestPSNR(unittest.TestCase):
    def test_channel_mse_matches_direct_sum(self):
        rng = random.Random(7)
        a = Image.frombytes("RGB", (37, 23), rng.randbytes(37 * 23 * 3))
        b = Image.frombytes("RGB", (37, 23), rng.randbytes(37 * 23 * 3))
        got = harness.channel_mse(a, b)
        ya, yb = a.convert("YCbCr"), b.convert("YCbCr")
        for c in range(3):
            pa, pb = ya.getchannel(c).getdata(), yb.getchannel(c).getdata()
            want = sum((x - y) ** 2 for x, y in zip(pa, pb)) / (37 * 23)
            self.assertAlmostEqual(got[c], want, places=9, msg="channel %d" % c)

    def test_only_cr_differs(self):
        # A shift in Cr alone must show in Cr alone, or the table would blame the wrong plane.
        base = Image.new("YCbCr", (8, 8), (100, 128, 128))
        shifted = Image.new("YCbCr", (8, 8), (100, 128, 138))
        mse = harness.channel_mse(base.convert("RGB"), shifted.convert("RGB"))
        self.assertLess(mse[0], 1.5)
        self.assertLess(mse[1], 1.5)
        self.assertGreater(mse[2], 50)
        self.assertEqual(harness.psnr(0), float("inf"))


class TestOutputs(unittest.TestCase):
    def test_finds_mirrored_outputs_and_skips_temporaries(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "sub"))
            for n in ("sub/a.jpg", "b.png", ".c.jpg.tmp123", ".d.jpg", "e.txt"):
                open(os.path.join(d, n), "w").close()
            self.assertEqual(sorted(harness.outputs(d)), ["a", "b"])


class TestMakeInputs(unittest.TestCase):
    def make(self, d, seed):
        subprocess.run([sys.executable, os.path.join(HERE, "makeinputs.py"), d, "t", "64x48", "2", "--seed",
                        str(seed), "--procs", "1"], check=True)
        return [open(os.path.join(d, sub, "t", "t-%03d.jpg" % i), "rb").read() for sub in ("420", "444")
                for i in (1, 2)]

    def test_seeded_and_both_subsamplings(self):
        with tempfile.TemporaryDirectory() as d1, tempfile.TemporaryDirectory() as d2, \
                tempfile.TemporaryDirectory() as d3:
            a, b, c = self.make(d1, 5), self.make(d2, 5), self.make(d3, 6)
            self.assertEqual(a, b)
            self.assertNotEqual(a, c)
            self.assertNotEqual(a[0], a[1])  # each image of a set differs
            for sub, want in (("420", [(2, 2), (1, 1), (1, 1)]), ("444", [(1, 1)] * 3)):
                with Image.open(os.path.join(d1, sub, "t", "t-001.jpg")) as im:
                    got = [(layer[1], layer[2]) for layer in im.layer]  # sampling factors per component
                    self.assertEqual(got, want, sub)

    def test_bad_size_is_refused(self):
        p = subprocess.run([sys.executable, os.path.join(HERE, "makeinputs.py"), "/nonexistent", "t", "64by48",
                            "1"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("64by48", p.stderr)


if __name__ == "__main__":
    unittest.main()
