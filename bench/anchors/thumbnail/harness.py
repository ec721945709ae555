#!/usr/bin/python3
"""Times corescale's thumbnails beside vipsthumbnail and Pillow, and checks
their quality: the measurements of issue #12. run.sh makes the inputs and
calls this; see README.md.

Usage:
    /usr/bin/python3 harness.py --bin CORESCALE --inputs DIR --work DIR
        [--runs 5] [--width 600] [--cores 1,2] [--qfiles 3] [--md FILE]

DIR (--inputs) holds SUB/SET/*.jpg as makeinputs.py writes them: SUB is 420
or 444, SET is single (one large JPEG), hd or mp12 (batches).

Speed: every job (a set of inputs on a number of cores) runs each tool once
untimed (warm page cache, outputs checked), then RUNS rounds in which every
tool runs once, whole processes, the order rotated each round so that no
tool always follows the same one. A tool's figure is its median wall time
over the rounds; a ratio is the median over the rounds of the paired ratio
(peer's time / corescale's time within one round, so >1 means corescale is
faster), which cancels most of the drift of a shared machine. Peak RSS is
GNU time's %M: the largest single process (for 2 processes, the larger one).
Jobs on fewer cores than the machine has are pinned with taskset.

Quality: each tool also writes PNG for the first QFILES files of every set;
each output (PNG, and the JPEG of the untimed run) is compared with Pillow's
full decode + LANCZOS resize to the same size, on Y, Cb and Cr separately
(Pillow's JPEG-style YCbCr); the table shows the worst file per channel.

Prints RESULT lines on stdout as it goes, then the Markdown report, which is
also written to --md.
"""

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import time

from PIL import Image, ImageChops, __version__ as PIL_VERSION

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"
TOOLS = ("cs-exact", "cs-fast", "vips", "pillow")
TITLES = {
    "cs-exact": "corescale exact",
    "cs-fast": "corescale `--fast`",
    "vips": "vipsthumbnail",
    "pillow": "Pillow `thumbnail` (draft)",
}
SETS = ("single", "hd", "mp12")
SUBS = ("420", "444")
SUBNAME = {"420": "4:2:0", "444": "4:4:4"}


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def jpegs(d):
    return sorted(os.path.join(d, n) for n in os.listdir(d) if n.endswith(".jpg"))


def outputs(d):
    """Every output under d by stem (corescale mirrors folders)."""
    found = {}
    for dirpath, _, names in os.walk(d):
        for n in names:
            if not n.startswith(".") and n.endswith((".jpg", ".png")):
                found[os.path.splitext(n)[0]] = os.path.join(dirpath, n)
    return found


class Job:
    def __init__(self, sub, name, files, cores, single):
        self.sub, self.name, self.files, self.cores, self.single = sub, name, files, cores, single
        self.indir = os.path.dirname(files[0])
        with Image.open(files[0]) as im:
            self.size = im.size
        self.mp = sum(_pixels(f) for f in files) / 1e6

    def label(self):
        w, h = self.size
        if self.single:
            return "one %d×%d JPEG (%.0f MP), %s" % (w, h, self.mp, SUBNAME[self.sub])
        return "%d × %d×%d, %s, %d core%s" % (len(self.files), w, h, SUBNAME[self.sub], self.cores,
                                             "" if self.cores == 1 else "s")


def _pixels(f):
    with Image.open(f) as im:
        return im.size[0] * im.size[1]


class Bench:
    def __init__(self, a):
        self.a = a
        self.bin = a.bin
        self.ncpu = len(os.sched_getaffinity(0))
        self.taskset = shutil.which("taskset")
        self.lists = os.path.join(a.work, "lists")
        os.makedirs(self.lists, exist_ok=True)
        self.results = {}  # (job label, tool) -> list of (wall, cpu, rss_kb) or an error string
        self.ratios = {}  # (job label, tool, peer) -> list of paired ratios

    def pin(self, cores):
        if self.taskset and cores < self.ncpu:
            # The first CPUs this process may use: a container's cpuset need not start at 0.
            return ["taskset", "-c", ",".join(str(c) for c in sorted(os.sched_getaffinity(0))[:cores])]
        return []

    def command(self, tool, job, files, out, fmt):
        """argv, extra environment and the command as a user would type it."""
        w = str(self.a.width)
        batch_in = job.indir if files == job.files and not job.single else None
        if tool.startswith("cs-"):
            argv = [self.bin, "resize", "--size", w + "x", "--format", fmt, "--quality", "85", "--quiet"]
            if not job.single:
                argv += ["--workers", str(job.cores)]
            if tool == "cs-fast":
                argv.append("--fast")
            argv += ["--out", out + "/"]
            shown = " ".join(["corescale"] + argv[1:] + ["DIR/" if batch_in else "IN.jpg"])
            return argv + ([batch_in] if batch_in else files), {}, shown.replace(out + "/", "OUT/")
        if tool == "vips":
            pattern = "%s/%%s.%s" % (out, "jpg[Q=85]" if fmt == "jpeg" else "png")
            if job.single or len(files) == 1:
                return (["vipsthumbnail", "-s", w, "-o", pattern] + files, {},
                        "vipsthumbnail -s %s -o 'OUT/%%s.jpg[Q=85]' IN.jpg" % w)
            procs = job.cores
            per = -(-len(files) // procs)
            lst = os.path.join(self.lists, "%s-%s-%d.txt" % (job.sub, job.name, len(files)))
            with open(lst, "w") as f:
                f.write("\n".join(files) + "\n")
            argv = ["xargs", "-P", str(procs), "-n", str(per), "-a", lst, "vipsthumbnail", "-s", w, "-o", pattern]
            return argv, {}, "ls DIR/*.jpg | xargs -P%d -n %d vipsthumbnail -s %s -o 'OUT/%%s.jpg[Q=85]'" % (
                procs, per, w)
        procs = 1 if job.single else job.cores
        argv = [PY, os.path.join(HERE, "pillow_thumb.py"), "--procs", str(procs), "--width", w,
                "--quality", "85", "--format", fmt, "--out", out] + ([batch_in] if batch_in else files)
        how = "a loop" if procs == 1 else "multiprocessing.Pool(%d)" % procs
        return argv, {}, "Pillow %s: im.thumbnail((%s, %s)); im.save(OUT, quality=85) — %s (pillow_thumb.py)" % (
            PIL_VERSION, w, w, how)

    def run(self, tool, job, files, out, fmt):
        """One whole-process run: (wall s, cpu s, peak RSS kB) or an error string."""
        if os.path.exists(out):
            shutil.rmtree(out)
        os.makedirs(out)
        argv, env, _ = self.command(tool, job, files, out, fmt)
        tfile = os.path.join(self.a.work, "time.txt")
        full = ["/usr/bin/time", "-f", "%U %S %M", "-o", tfile] + self.pin(job.cores) + argv
        t0 = time.perf_counter()
        p = subprocess.run(full, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, **env})
        wall = time.perf_counter() - t0
        if p.returncode != 0:
            tail = p.stderr.decode(errors="replace").strip().splitlines()[-3:]
            return "exit %d: %s" % (p.returncode, " / ".join(tail))
        made = outputs(out)
        if len(made) != len(files):
            return "wrote %d of %d outputs" % (len(made), len(files))
        with open(tfile) as f:
            u, s, m = f.read().split()[-3:]
        return wall, float(u) + float(s), int(m)

    def speed(self, job):
        label = job.label()
        log("== %s (%.1f MP in)" % (label, job.mp))
        live = []
        keep = os.path.join(self.a.work, "jpeg", job.sub, job.name)
        for tool in TOOLS:
            r = self.run(tool, job, job.files, os.path.join(keep, tool), "jpeg")
            if isinstance(r, str):
                log("   %s failed in the untimed run: %s" % (tool, r))
                shutil.rmtree(os.path.join(keep, tool), ignore_errors=True)  # no JPEG quality from a failed run
                self.results[(label, tool)] = r
                continue
            live.append(tool)
            self.results[(label, tool)] = []
        scratch = os.path.join(self.a.work, "scratch")
        for rnd in range(self.a.runs):
            k = rnd % len(live) if live else 0
            order = live[k:] + live[:k]
            walls = {}
            for tool in order:
                r = self.run(tool, job, job.files, scratch, "jpeg")
                if isinstance(r, str):
                    log("   %s failed in round %d: %s" % (tool, rnd + 1, r))
                    self.results[(label, tool)] = r
                    live.remove(tool)
                    continue
                self.results[(label, tool)].append(r)
                walls[tool] = r[0]
            for cs, peer in (("cs-exact", "vips"), ("cs-fast", "pillow"), ("cs-exact", "pillow"),
                             ("cs-fast", "vips")):
                if cs in walls and peer in walls:
                    self.ratios.setdefault((label, cs, peer), []).append(walls[peer] / walls[cs])
        shutil.rmtree(scratch, ignore_errors=True)
        for tool in TOOLS:
            r = self.results.get((label, tool))
            if isinstance(r, list) and r:
                wall = statistics.median(x[0] for x in r)
                cpu = statistics.median(x[1] for x in r)
                rss = max(x[2] for x in r)
                print("RESULT tool=%s job=%s-%s cores=%d files=%d runs=%d median_s=%.3f min_s=%.3f cpu_s=%.3f "
                      "mp_per_s=%.1f mp_per_cpu_s=%.1f peak_rss_mb=%.1f" % (
                          tool, job.sub, job.name, job.cores, len(job.files), len(r), wall, min(x[0] for x in r),
                          cpu, job.mp / wall, job.mp / cpu, rss / 1024), flush=True)

    def cell(self, job, tool):
        r = self.results.get((job.label(), tool))
        if r is None:
            return "not run"
        if isinstance(r, str):
            return "failed: " + r.replace("|", "\\|")[:80]
        wall = statistics.median(x[0] for x in r)
        rss = max(x[2] for x in r) / 1024
        if job.single:
            return "%.3f s, %.0f MB" % (wall, rss)
        return "%.0f MP/s, %.0f MB" % (job.mp / wall, rss)

    def ratio(self, job, cs, peer):
        rs = self.ratios.get((job.label(), cs, peer))
        if not rs:
            return None, None
        a, b = self.results.get((job.label(), cs)), self.results.get((job.label(), peer))
        if not (isinstance(a, list) and a and isinstance(b, list) and b):
            return None, None  # one of them failed in a later round: no pair to show
        rss = max(x[2] for x in a) / max(x[2] for x in b)
        return statistics.median(rs), rss


def psnr(mse):
    return float("inf") if mse == 0 else 10 * math.log10(255.0 * 255.0 / mse)


def channel_mse(a, b):
    """MSE of each of Y, Cb, Cr between two RGB images of one size."""
    out = []
    for x, y in zip(a.convert("YCbCr").split(), b.convert("YCbCr").split()):
        h = ImageChops.difference(x, y).histogram()
        n = a.size[0] * a.size[1]
        out.append(sum(c * i * i for i, c in enumerate(h)) / n)
    return out


class Quality:
    def __init__(self, bench):
        self.b = bench
        self.refs = {}
        self.rows = []  # (sub, set, tool, kind, out sizes, [worst psnr Y, Cb, Cr])

    def ref(self, src, size):
        key = (src, size)
        if key not in self.refs:
            with Image.open(src) as im:
                self.refs[key] = im.convert("RGB").resize(size, Image.LANCZOS)
        return self.refs[key]

    def score(self, files, outdir):
        made = outputs(outdir)
        worst, sizes = [float("inf")] * 3, set()
        for f in files:
            stem = os.path.splitext(os.path.basename(f))[0]
            if stem not in made:
                return None, "no output for %s" % os.path.basename(f)
            with Image.open(made[stem]) as o:
                o = o.convert("RGB")
            sizes.add("%d×%d" % o.size)
            for c, m in enumerate(channel_mse(o, self.ref(f, o.size))):
                worst[c] = min(worst[c], psnr(m))
        return worst, ", ".join(sorted(sizes))

    def row(self, sub, name, tool, kind, files, outdir):
        worst, sizes = self.score(files, outdir)
        if worst is None:
            return (sub, name, tool, kind, "", sizes)  # sizes holds why
        return (sub, name, tool, kind, sizes, worst)

    def measure(self, sub, name, job):
        files = job.files[: self.b.a.qfiles]
        for tool in TOOLS:
            out = os.path.join(self.b.a.work, "png", sub, name, tool)
            r = self.b.run(tool, job, files, out, "png")
            if isinstance(r, str):
                self.rows.append((sub, name, tool, "PNG", "", r))
            else:
                self.rows.append(self.row(sub, name, tool, "PNG", files, out))
            jdir = os.path.join(self.b.a.work, "jpeg", sub, name, tool)
            if os.path.isdir(jdir):
                self.rows.append(self.row(sub, name, tool, "JPEG q85", files, jdir))
        self.refs.clear()

    def get(self, sub, name, tool, kind="PNG"):
        for r in self.rows:
            if r[:4] == (sub, name, tool, kind) and isinstance(r[5], list):
                return r[5]
        return None


def fmt_db(v):
    return "inf" if v == float("inf") else "%.1f" % v


def stamp(path):
    """Which build of the binary: others may rebuild it while this runs."""
    st = os.stat(path)
    return "built %s, %d bytes" % (time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(st.st_mtime)), st.st_size)


def describe(bin_):
    """Versions, and the decoder corescale says it uses."""
    lines = []
    try:
        rev = subprocess.run(["git", "-C", HERE, "describe", "--always", "--dirty"], capture_output=True,
                             text=True).stdout.strip()
    except OSError:
        rev = "?"
    lines.append("corescale: `%s` (%s); checkout at %s" % (bin_, stamp(bin_), rev or "?"))
    try:
        v = subprocess.run(["vipsthumbnail", "--vips-version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        v = "not installed"
    try:
        from PIL import features
        jt = features.version("libjpeg_turbo") or features.version("jpg")
    except Exception:  # noqa: BLE001 - only a label
        jt = "?"
    lines.append("%s; Pillow %s (libjpeg-turbo %s); Python %s" % (v, PIL_VERSION, jt, sys.version.split()[0]))
    return lines


def decoder_note(bench, job):
    """corescale --verbose's lines about decoding one file, when it says so."""
    out = os.path.join(bench.a.work, "verbose")
    shutil.rmtree(out, ignore_errors=True)
    p = subprocess.run([bench.bin, "resize", "--size", "%dx" % bench.a.width, "--format", "jpeg", "--verbose",
                        "--out", out + "/", job.files[0]], capture_output=True, text=True)
    shutil.rmtree(out, ignore_errors=True)
    base = os.path.basename(job.files[0])
    said = [ln.strip() for ln in p.stderr.splitlines() if "decod" in ln.lower() or base in ln]
    return [ln.replace(os.path.dirname(job.files[0]) + "/", "").replace(out + "/", "OUT/") for ln in said[:4]]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", required=True)
    ap.add_argument("--inputs", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--width", type=int, default=600)
    ap.add_argument("--cores", default="1,2")
    ap.add_argument("--qfiles", type=int, default=3)
    ap.add_argument("--md", default="")
    ap.add_argument("--note", default="")
    ap.add_argument("--sets", default=",".join(SETS), help="which of single,hd,mp12 to run")
    ap.add_argument("--subs", default=",".join(SUBS), help="which of 420,444 to run")
    a = ap.parse_args()
    sets = [x for x in a.sets.split(",") if x]
    subs = [x for x in a.subs.split(",") if x]
    if not sets or not subs or not set(sets) <= set(SETS) or not set(subs) <= set(SUBS):
        log("harness: --sets %r and --subs %r: want some of %s and of %s" % (a.sets, a.subs, ",".join(SETS),
                                                                            ",".join(SUBS)))
        return 2
    try:
        cores = sorted({int(c) for c in a.cores.split(",") if c})
    except ValueError:
        log("harness: --cores %r is not a list of numbers" % a.cores)
        return 2
    if a.runs < 1 or not cores or min(cores) < 1 or a.qfiles < 1:
        log("harness: want --runs, --qfiles and --cores of 1 or more")
        return 2
    a.bin = os.path.abspath(a.bin)
    b = Bench(a)
    jobs = []
    for sub in subs:
        for name in sets:
            d = os.path.join(a.inputs, sub, name)
            if not os.path.isdir(d):
                continue
            files = jpegs(d)
            if not files:
                continue
            if name == "single":
                jobs.append(Job(sub, name, files[:1], max(cores), True))
            else:
                jobs.extend(Job(sub, name, files, c, False) for c in cores)
    if not jobs:
        log("harness: no inputs under %s (want 420/single/*.jpg ...)" % a.inputs)
        return 2
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    stamp0 = stamp(a.bin)
    load0 = os.getloadavg()
    said = decoder_note(b, jobs[0])
    for job in jobs:
        b.speed(job)
    log("== quality (PNG and JPEG outputs against Pillow's full decode + LANCZOS)")
    q = Quality(b)
    for job in jobs:
        if job.single or job.cores == max(cores):
            q.measure(job.sub, job.name, job)
    load1 = os.getloadavg()

    md = []
    md.append("# Thumbnails: corescale beside vipsthumbnail and Pillow")
    md.append("")
    md.append("%s; %d cores; load average %.1f at the start, %.1f at the end; timed rounds per job: %d "
              "(whole processes, tools interleaved, order rotated), medians; JPEG q90 in, %d px wide q85 out."
              % (started, b.ncpu, load0[0], load1[0], a.runs, a.width))
    if a.note:
        md.append("")
        md.append("**%s**" % a.note)
    if stamp(a.bin) != stamp0:
        md.append("")
        md.append("**The corescale binary changed during the run (%s at the start): the figures mix two builds.**"
                  % stamp0)
    md.append("")
    for ln in describe(a.bin):
        md.append("- " + ln)
    for ln in said:
        md.append("- corescale --verbose: `%s`" % ln)
    md.append("")
    md.append("## Speed and peak RSS")
    md.append("")
    md.append("One image: median wall time. Batches: input megapixels per wall second. MB: peak RSS of the largest "
              "process. Ratios: median of the paired per-round ratios of wall time (peer ÷ corescale: above 1.0× "
              "corescale is faster) and of peak RSS (corescale ÷ peer: below 1.0× it uses less).")
    md.append("")
    md.append("| job | %s | exact vs vipsthumbnail | fast vs Pillow |" % " | ".join(TITLES[t] for t in TOOLS))
    md.append("|---|%s---|---|" % ("---|" * len(TOOLS)))
    for job in jobs:
        cells = [b.cell(job, t) for t in TOOLS]
        rs = []
        for cs, peer in (("cs-exact", "vips"), ("cs-fast", "pillow")):
            s, m = b.ratio(job, cs, peer)
            rs.append("n/a" if s is None else "%.2f× speed, %.2f× RSS" % (s, m))
        md.append("| %s | %s | %s |" % (job.label(), " | ".join(cells), " | ".join(rs)))
    md.append("")
    md.append("## Quality")
    md.append("")
    md.append("PSNR in dB against Pillow's full decode + `resize(LANCZOS)` to each output's size, on Y, Cb and Cr "
              "(the worst file of the first %d of each set): PNG output, and the JPEG q85 output of the speed runs."
              % a.qfiles)
    md.append("")
    md.append("| input | tool | output | PNG Y | PNG Cb | PNG Cr | JPEG Y | JPEG Cb | JPEG Cr |")
    md.append("|---|---|---|---|---|---|---|---|---|")
    for job in jobs:
        if not (job.single or job.cores == max(cores)):
            continue
        lab = ("one %d×%d" % job.size if job.single else "%d × %d×%d" % ((len(job.files),) + job.size)) + \
            ", " + SUBNAME[job.sub]
        for tool in TOOLS:
            rowp = [r for r in q.rows if r[:4] == (job.sub, job.name, tool, "PNG")]
            rowj = [r for r in q.rows if r[:4] == (job.sub, job.name, tool, "JPEG q85")]
            size = rowp[0][4] if rowp and rowp[0][4] else (rowj[0][4] if rowj else "")
            vals = []
            for rows in (rowp, rowj):
                if rows and isinstance(rows[0][5], list):
                    vals += [fmt_db(v) for v in rows[0][5]]
                elif rows:
                    vals += ["failed: " + str(rows[0][5])[:60].replace("|", "\\|"), "", ""]
                else:
                    vals += ["", "", ""]
            md.append("| %s | %s | %s | %s |" % (lab, TITLES[tool], size, " | ".join(vals)))
    md.append("")
    md.append("## What #12 asks, in this run")
    md.append("")
    checks = []

    def check(what, ok):
        checks.append("- %s %s" % ("PASS" if ok else ("n/a " if ok is None else "FAIL"), what))

    for job in jobs:
        s, m = b.ratio(job, "cs-exact", "vips")
        if job.single:
            check("%s: exact at least as fast as vipsthumbnail (%s)" % (job.label(), "n/a" if s is None else
                                                                         "%.2f×" % s), None if s is None else s >= 1)
            check("%s: exact peak RSS at most vipsthumbnail's (%s)" % (job.label(), "n/a" if m is None else
                                                                        "%.2f×" % m), None if m is None else m <= 1)
        elif job.cores == max(cores):
            check("%s: exact at least 1.0× vipsthumbnail (%s)" % (job.label(), "n/a" if s is None else "%.2f×" % s),
                  None if s is None else s >= 1)
        s, _ = b.ratio(job, "cs-fast", "pillow")
        check("%s: --fast at least 1.0× Pillow draft+thumbnail (%s)" % (job.label(), "n/a" if s is None else
                                                                         "%.2f×" % s), None if s is None else s >= 1)
    for job in jobs:
        if not (job.single or job.cores == max(cores)):
            continue
        ex, fa, pi = (q.get(job.sub, job.name, t) for t in ("cs-exact", "cs-fast", "pillow"))
        where = "%s %s" % (job.name, SUBNAME[job.sub])
        check("quality %s: exact PNG ≥ 49 dB on Y, Cb, Cr (%s)" % (
            where, "n/a" if ex is None else "/".join(fmt_db(v) for v in ex)), None if ex is None else min(ex) >= 49)
        check("quality %s: --fast PNG ≥ Pillow draft's on each channel (%s vs %s)" % (
            where, "n/a" if fa is None else "/".join(fmt_db(v) for v in fa),
            "n/a" if pi is None else "/".join(fmt_db(v) for v in pi)),
            None if fa is None or pi is None else all(x >= y for x, y in zip(fa, pi)))
    md.extend(checks)
    md.append("")
    md.append("## Commands")
    md.append("")
    shown = set()
    for job in jobs:
        if job.single or job.cores == max(cores):
            for tool in TOOLS:
                _, _, text = b.command(tool, job, job.files, "OUT", "jpeg")
                pin = b.pin(job.cores)
                key = (tool, job.single, text)
                if key not in shown:
                    shown.add(key)
                    md.append("- %s, %s: `%s`" % (TITLES[tool], "one image" if job.single else
                                                  "batch of %d" % len(job.files), " ".join(pin + [text])))
    if len(cores) > 1:
        md.append("- batches on %d core: each command above under `%s`, with corescale `--workers 1`, one "
                  "vipsthumbnail process, Pillow in a loop (`--procs 1`)" % (min(cores), " ".join(b.pin(min(cores))) or
                                                                             "(no taskset)"))
    md.append("- inputs: bench/anchors/thumbnail/makeinputs.py (Pillow, seeded); harness: "
              "bench/anchors/thumbnail/harness.py")
    text = "\n".join(md) + "\n"
    print()
    print(text)
    if a.md:
        # Whole or not at all: a report cut short by an interrupt would read as a result.
        tmp = a.md + ".part"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, a.md)
        log("report written to %s" % a.md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
