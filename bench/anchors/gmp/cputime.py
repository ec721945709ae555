"""Runs a command and prints its wall and user+system CPU seconds, from
wait4's resource usage (microseconds, where /usr/bin/time rounds to 10 ms:
GMP's 20,000 128-bit numbers take about 20 ms). Its stdout goes to the file
given first.

    python3 cputime.py OUT CMD...
"""
import os
import sys
import time

out = open(sys.argv[1], "wb")
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    os.dup2(out.fileno(), 1)
    os.execvp(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
t1 = time.monotonic()
if os.waitstatus_to_exitcode(status) != 0:
    sys.exit("command failed: " + " ".join(sys.argv[2:]))
print("%.6f %.6f" % (t1 - t0, ru.ru_utime + ru.ru_stime))
