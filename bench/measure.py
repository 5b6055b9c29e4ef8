"""Run one command and report its wall time and peak resident memory (of it and its children).

Used by bench/run.py: each measured phase runs in a fresh measurer process, so the
RUSAGE_CHILDREN maximum belongs to that phase alone.
"""

import json
import resource
import subprocess
import sys
import time


def main() -> int:
    out, cmd = sys.argv[1], sys.argv[2:]
    start = time.perf_counter()
    result = subprocess.run(cmd)
    seconds = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with open(out, "w") as fh:
        json.dump({"seconds": seconds, "peak_rss_mb": peak_kb / 1024, "returncode": result.returncode}, fh)
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
