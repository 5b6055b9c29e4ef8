"""The physical floor: DuckDB reads every input file of a bundle once and counts its lines or rows."""

import json
import sys
import time
from pathlib import Path

import duckdb

from zorginkoop.sqltext import identifier, literal


def main() -> int:
    bundle, out = Path(sys.argv[1]), sys.argv[2]
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    start = time.perf_counter()
    rows, size = 0, 0
    for path in sorted(p for p in bundle.rglob("*") if p.is_file()):
        size += path.stat().st_size
        quoted = literal(path)
        if path.suffix == ".parquet":
            columns = [d[0] for d in con.execute(f"select * from read_parquet({quoted}) limit 0").description]
            counted = ", ".join(f"count({identifier(c)})" for c in columns)  # touch every column, not just metadata
            rows += con.execute(f"select count(*), {counted} from read_parquet({quoted})").fetchall()[0][0]
        else:
            rows += con.execute(f"select count(*) from read_csv({quoted}, columns={{'line': 'VARCHAR'}}, header=false, "
                                f"delim='\\x01', quote='', escape='', auto_detect=false, strict_mode=false)").fetchall()[0][0]
    seconds = time.perf_counter() - start
    Path(out).write_text(json.dumps({"seconds": seconds, "rows": rows, "bytes": size}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
