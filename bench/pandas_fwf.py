"""The yardstick for `zorginkoop claims load`: pandas read_fwf of nine PM304 fields of one file,
with no checks at all (no sluitrecord, no 11-proef, no pseudonym). Writes its seconds as JSON."""

import json
import sys
import time
from pathlib import Path

import pandas as pd

from baseline_pandas import FWF  # noqa: E402 - bench/ is on sys.path when run as a script

NINE = ("record", "praktijk", "bsn", "datum", "lijst", "code", "aantal", "zorgverlener", "bedrag")


def main() -> int:
    path, out = Path(sys.argv[1]), sys.argv[2]
    start = time.perf_counter()
    frame = pd.read_fwf(path, colspecs=[FWF[n] for n in NINE], names=list(NINE), dtype=str, header=None, encoding="latin-1")
    seconds = time.perf_counter() - start
    Path(out).write_text(json.dumps({"seconds": seconds, "rows": len(frame)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
