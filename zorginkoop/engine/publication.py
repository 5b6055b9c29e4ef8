"""The definitive zorgzoeker file: a finished selection run plus the contracts accepted in VECOZO.

The acceptances go through the same checks as every input (suite, row checks, quarantine), and
then against the selection (contract cycle 3): an acceptance counts only for a unit whose
eindbesluit is AANBIEDEN, accepted on or before the signing deadline. The models that depend on
the acceptances are built again on a copy of the run's database, so the run itself is never
changed. Writes zorgzoeker.parquet and zorgzoeker.csv (status definitief), unanswered_offers.parquet
(offers without an acceptance that counts) and quarantine.parquet (acceptance rows kept out).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from zorginkoop.ingest.bundle import input_files
from zorginkoop.engine.database import connect
from zorginkoop.errors import BadInputError
from zorginkoop.ingest.loader import create_raw_table, load_file, prepare
from zorginkoop.engine.models import run
from zorginkoop.engine.outputs import DATABASE_NAME, output_writer, write_queries
from zorginkoop.engine.policy import Policy
from zorginkoop.validation.rowchecks import TableChecks
from zorginkoop.validation.validate import validate_bundle


ACCEPTANCES = "acceptances/acceptances.csv"
# The models that read the acceptances (directly or through others), as far as the three outputs
# need them; the run's own selection (rules, outcomes) stays as the run decided it.
SELECT = " ".join(f"source:validated.acceptances+,+exports.{name}"
                  for name in ("zorgzoeker", "unanswered_offers", "quarantine"))


def publish_zorgzoeker(run_dir: Path, acceptances: Path, policy: Policy, output: Path) -> dict[str, int]:
    database = run_dir / DATABASE_NAME
    if not database.is_file():
        raise BadInputError(str(run_dir), f"has no {DATABASE_NAME}", hint="Point at the --output directory of a finished run")
    if not acceptances.is_file():
        raise BadInputError(str(acceptances), "the acceptances file does not exist")
    spec = next(s for s in input_files(policy.domain) if s.table == "acceptances")
    with output_writer(output) as staging, tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / DATABASE_NAME
        shutil.copyfile(database, copy)
        with connect(copy) as con:
            prepare(con, [spec])
            con.execute("delete from raw.quarantine")
            create_raw_table(con, spec)
            report = load_file(con, spec, acceptances, ACCEPTANCES)
            with TableChecks(con, [spec]) as checks:
                checks.refuse()
                checks.results()
            validate_bundle(con, [spec])
            run(con, policy.domain, select=SELECT)
            # quarantine: only the acceptance rows; the run's own quarantine stays with the run
            written = write_queries(con, {staging / name: query for name, query in (
                ("zorgzoeker.parquet", "select * from exports.zorgzoeker"),
                ("zorgzoeker.csv", "select * from exports.zorgzoeker"),
                ("unanswered_offers.parquet", "select * from exports.unanswered_offers"),
                ("quarantine.parquet", f"select * from exports.quarantine where file = '{ACCEPTANCES}'"))})
            counts = {target.name: rows for target, rows in written.items()}
            counts["accepted"] = con.execute("select count(*) from decisions.acceptance_rows "
                                             "where quarantine_reason is null").fetchall()[0][0]
            counts["acceptances_quarantined"] = con.execute(
                f"select count(distinct line) from exports.quarantine where file = '{ACCEPTANCES}'").fetchall()[0][0]
            counts["contracted"] = con.execute("select count(*) from exports.zorgzoeker where gecontracteerd").fetchall()[0][0]
            counts["acceptances_read"] = report.rows_read
    return counts
