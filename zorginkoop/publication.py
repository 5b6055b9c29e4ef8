"""The definitive zorgzoeker file: a finished selection run plus the contracts accepted in VECOZO.

The acceptances go through the same checks as every input (suite, row checks, quarantine);
the zorgzoeker model of the run is then built again on a copy of the run's database, so
the run itself is never changed. Writes zorgzoeker.parquet and zorgzoeker.csv (status
definitief) and quarantine.parquet for acceptance rows that were kept out.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .bundle import input_files
from .database import connect
from .errors import BadInputError
from .ingest import create_raw_table, load_file, prepare
from .models import run_model
from .pipeline import DATABASE_NAME, publish, staging_dir_for
from .policy import Policy
from .rowchecks import check_rows, refuse_foreign_formats
from .validate import validate_bundle


def publish_zorgzoeker(run_dir: Path, acceptances: Path, policy: Policy, output: Path) -> dict[str, int]:
    database = run_dir / DATABASE_NAME
    if not database.is_file():
        raise BadInputError(str(run_dir), f"has no {DATABASE_NAME}", hint="Point at the --output directory of a finished run")
    if not acceptances.is_file():
        raise BadInputError(str(acceptances), "the acceptances file does not exist")
    spec = next(s for s in input_files(policy.domain) if s.table == "acceptances")
    output = Path(os.path.abspath(output))
    staging = staging_dir_for(output)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / DATABASE_NAME
            shutil.copyfile(database, copy)
            with connect(copy) as con:
                prepare(con, [spec])
                con.execute("delete from raw.quarantine")
                create_raw_table(con, spec)
                report = load_file(con, spec, acceptances, "acceptances/acceptances.csv")
                errors = refuse_foreign_formats(con, spec)
                if errors:
                    raise errors[0]
                check_rows(con, spec)
                validate_bundle(con, [spec])
                run_model(con, policy.domain.model_path("staged", "acceptances"))
                run_model(con, policy.domain.model_path("decisions", "zorgzoeker_units"))
                run_model(con, policy.domain.model_path("exports", "zorgzoeker"))
                run_model(con, policy.domain.model_path("exports", "quarantine"))
                counts = {}
                for name, fmt in (("zorgzoeker.parquet", "format parquet, compression zstd"),
                                  ("zorgzoeker.csv", "format csv, header true"),
                                  ("quarantine.parquet", "format parquet, compression zstd")):
                    table = "exports.zorgzoeker" if name.startswith("zorgzoeker") else "exports.quarantine"
                    target = str(staging / name).replace("'", "''")
                    con.execute(f"copy (select * from {table}) to '{target}' ({fmt})")
                    counts[name] = con.execute(f"select count(*) from {table}").fetchall()[0][0]
                counts["accepted"] = con.execute("select count(*) from validated.acceptances").fetchall()[0][0]
                counts["contracted"] = con.execute("select count(*) from exports.zorgzoeker where gecontracteerd").fetchall()[0][0]
                counts["acceptances_read"] = report.rows_read
        publish(staging, output)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return counts
