"""The bad-input corpus: every kind of bad input, and exactly what the run does with it.

Each case starts from a small bundle that passes everything and breaks one thing. A case is
either refused (the run stops before selection with a message naming file, column and
examples) or quarantined (the row is kept out with a reason, the counts add up, and the
unit it is about goes to review instead of being decided on incomplete data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import duckdb
import pytest

from zorginkoop.engine import pipeline
from zorginkoop.errors import BadInputError, BadInputErrors
from zorginkoop.ingest.bundle import input_files
from zorginkoop.engine.database import connect

from .builder import Bundle


def good_bundle() -> Bundle:
    b = Bundle()
    b.practice("04000001")
    b.practice("05000002", "logopedie")
    return b


def run(tmp_path, policy, bundle: Bundle, mutate=None, tolerance: float | None = None):
    directory = bundle.write(tmp_path / "bundle")
    if mutate:
        mutate(directory)
    if tolerance is not None:
        policy = policy.with_parameters(quarantine_tolerance=tolerance)
    db = tmp_path / "run.duckdb"
    reports = pipeline.ingest(db, policy, directory)
    reports, _ = pipeline.validate(db, policy, reports)
    pipeline.select(db, policy)
    out = pipeline.export(db, policy, tmp_path / "out")
    return {r.path: r for r in reports}, tmp_path / "out"


def edit(table, index, **values):
    def change(b: Bundle):
        b.rows[table][index].update(values)
    return change


def rewrite(relpath, transform):
    def mutate(directory):
        path = directory / relpath
        path.write_bytes(transform(path.read_bytes()))
    return mutate


# -- refused: the run stops, nothing is decided ------------------------------------------------

@dataclass
class Refused:
    id: str
    change: Callable | None = None
    mutate: Callable | None = None
    message: list[str] = field(default_factory=list)


REFUSED = [
    Refused("missing_required_file", mutate=lambda d: (d / "registers" / "big.csv").unlink(),
            message=["registers/big.csv: required file is missing"]),
    Refused("missing_column", mutate=rewrite("agb/vestigingen.csv", lambda b: b"\n".join(
        b",".join(line.split(b",")[:-1]) for line in b.split(b"\n"))),
            message=["agb/vestigingen.csv, column 'einde': missing column(s) einde"]),
    Refused("windows_1252", mutate=rewrite("agb/ondernemingen.csv", lambda b: b.replace(b"Praktijk 04000001", "Fysiotherapie Café".encode("cp1252"))),
            message=["agb/ondernemingen.csv", "UTF-8"]),
    Refused("day_month_year_dates", change=lambda b: b.add("applications", praktijk_agb="04000001", discipline="fysiotherapie", aanvraagdatum="30-09-2023"),
            message=["applications/applications.csv, column 'aanvraagdatum'", "DD-MM-YYYY", "'30-09-2023' (line 2)", "YYYY-MM-DD"]),
    Refused("decimal_comma", change=edit("behandelindex", 0, bi="98,4"),
            message=["behandelindex/behandelindex.csv, column 'bi'", "decimal comma", "'98,4' (line 2)"]),
    Refused("over_tolerance", change=edit("contracts", 0, praktijk_agb="4000001"),
            message=["contracts/contracts.csv: 1 of 2 rows (50.0%)", "tolerates 1.0%",
                     "line 2: AGB code '4000001' has 7 characters", "quarantine_tolerance"]),
]


@pytest.mark.parametrize("case", REFUSED, ids=[c.id for c in REFUSED])
def test_refused(case, tmp_path, policy):
    b = good_bundle()
    if case.change:
        case.change(b)
    with pytest.raises(BadInputError) as info:
        run(tmp_path, policy, b, case.mutate)
    for text in case.message:
        assert text in str(info.value)
    assert not (tmp_path / "out").exists(), "nothing is decided or written"


def test_several_problems_are_reported_together(tmp_path, policy):
    b = good_bundle()
    b.rows["behandelindex"][0]["bi"] = "98,4"
    b.add("applications", praktijk_agb="04000001", discipline="fysiotherapie", aanvraagdatum="30-09-2023")
    with pytest.raises(BadInputError, match=r"2 problem\(s\)"):
        run(tmp_path, policy, b)


# -- quarantined: the row is kept out, the run goes on ----------------------------------------

@dataclass
class Quarantined:
    id: str
    change: Callable
    file: str
    line: int
    column: str
    reason: str
    unit: tuple[str, str] | None = None  # the unit that must go to review
    rows: int = 1


QUARANTINED = [
    Quarantined("agb_lost_leading_zero", edit("zorgverleners", 0, agb_code="4000002"), "agb/zorgverleners.csv", 2, "agb_code",
                "AGB code '4000002' has 7 characters; AGB codes have 8 digits. Was a leading zero dropped?",
                unit=("04000001", "fysiotherapie")),
    Quarantined("caregiver_with_bad_zorgsoort", edit("zorgverleners", 0, zorgsoort="4"), "agb/zorgverleners.csv", 2, "zorgsoort",
                "zorgsoort '4': AGB zorgsoort is a 2-digit code", unit=("04000001", "fysiotherapie")),
    Quarantined("impossible_date", edit("big", 0, aanvang="2023-02-30"), "registers/big.csv", 2, "aanvang",
                "aanvang '2023-02-30': not a real calendar date (YYYY-MM-DD)", unit=("04000001", "fysiotherapie")),
    Quarantined("unknown_value", edit("compliance_checks", 3, result="ok"), "compliance/checks.csv", 5, "result",
                "result 'ok': allowed values: pass, fail", unit=("04000001", "fysiotherapie")),
    Quarantined("postcode_with_space", edit("vestigingen", 1, postcode="3511 AB"), "agb/vestigingen.csv", 3, "postcode",
                "postcode '3511 AB': postcodes are written 1234AB: four digits, two capitals, no space", unit=("05000002", "logopedie")),
    Quarantined("required_value_missing", edit("contracts", 0, ingangsdatum=""), "contracts/contracts.csv", 2, "ingangsdatum",
                "ingangsdatum is empty: this column is required", unit=("04000001", "fysiotherapie")),
    Quarantined("key_conflict", lambda b: b.rows["behandelindex"].append(dict(b.rows["behandelindex"][0], bi="160.0")),
                "behandelindex/behandelindex.csv", 2, "praktijk_agb, jaar, versie",
                "key (praktijk_agb, jaar, versie) = 04000001, 2022, V3 occurs on 2 rows that disagree (lines 2, 3); all are kept out",
                unit=("04000001", "fysiotherapie"), rows=2),
]


@pytest.mark.parametrize("case", QUARANTINED, ids=[c.id for c in QUARANTINED])
def test_quarantined(case, tmp_path, policy):
    b = good_bundle()
    case.change(b)
    reports, out = run(tmp_path, policy, b, tolerance=1.0)
    con = duckdb.connect()
    rows = con.execute(f"select file, line, \"column\", reason from '{out}/quarantine.parquet' order by line").fetchall()
    assert rows[0] == (case.file, case.line, case.column, case.reason)
    assert len(rows) == case.rows
    for report in reports.values():
        assert report.rows_read == report.rows_loaded + report.rows_deduplicated + report.rows_quarantined, report.path
    assert reports[case.file].rows_quarantined == case.rows
    if case.unit:
        outcome, reasons = con.execute(f"select outcome, reasons from '{out}/decisions.parquet' "
                                       f"where praktijk_agb = ? and discipline = ?", list(case.unit)).fetchall()[0]
        assert outcome == "INDIVIDUELE_BEOORDELING" and "REVIEW_INVOER_IN_QUARANTAINE" in reasons


def test_quarantined_contract_is_not_silently_geen_actie(tmp_path, policy):
    b = good_bundle()
    b.rows["contracts"][0]["einddatum"] = "31-12-2023x"
    reports, out = run(tmp_path, policy, b, tolerance=1.0)
    got = duckdb.connect().execute(f"select outcome, reasons from '{out}/decisions.parquet' where praktijk_agb = '04000001'").fetchall()
    assert got == [("INDIVIDUELE_BEOORDELING", ["REVIEW_INVOER_IN_QUARANTAINE"])]


def test_exact_duplicates_are_dropped_and_counted(tmp_path, policy):
    b = good_bundle()
    b.rows["compliance_checks"].append(dict(b.rows["compliance_checks"][0]))
    b.rows["compliance_checks"].append(dict(b.rows["compliance_checks"][0]))
    reports, out = run(tmp_path, policy, b)
    report = reports["compliance/checks.csv"]
    assert (report.rows_read, report.rows_deduplicated, report.rows_quarantined, report.rows_loaded) == (34, 2, 0, 32)
    assert duckdb.connect().execute(f"select count(*) from '{out}/quarantine.parquet'").fetchall()[0][0] == 0
    assert duckdb.connect().execute(f"select outcome from '{out}/decisions.parquet' where praktijk_agb = '04000001'").fetchall() == [("PROACTIEF_AANBOD",)]


def test_claim_lines_that_share_their_row_id_but_differ_are_both_loaded(tmp_path, policy):
    """The duplicate search hashes the suite's row_id (id, patient, date, code of a claim line), not
    every column: a line equal in those but not in its amount is no duplicate; an exact copy is."""
    b = good_bundle()
    first = b.rows["claims"][0]
    b.rows["claims"].append(dict(first, declaratiebedrag="77.00"))  # same row_id, another amount
    b.rows["claims"].append(dict(first))                            # an exact copy
    reports, out = run(tmp_path, policy, b)
    report = reports["claims/claims.csv"]
    assert (report.rows_deduplicated, report.rows_quarantined) == (1, 0)
    assert report.rows_loaded == report.rows_read - 1


def test_a_row_id_must_name_loaded_columns(monkeypatch, policy):
    import zorginkoop.ingest.bundle as bundle
    from zorginkoop.validation.suites import SuiteError

    load = bundle.load_suite

    def with_bad_row_id(path, domain):
        suite = load(path, domain)
        if suite["meta"]["table"] == "claims":
            suite["meta"]["row_id"] = ["declaratie_id", "bsn"]  # the BSN is never loaded
        return suite

    monkeypatch.setattr(bundle, "load_suite", with_bad_row_id)
    with pytest.raises(SuiteError, match="meta.key or meta.row_id names bsn"):
        input_files(policy.domain)


def test_validated_rows_are_raw_rows_without_the_lines_kept_out(tmp_path, policy):
    """validated.<table> is a view: raw.<table> without its duplicates and quarantined lines (listed
    in raw.kept_out), not a copy. Checking a table again (publish checks a new acceptances file under
    the same name) keeps out only what the new check found, and leaves the other tables' alone."""
    from zorginkoop.ingest.loader import create_raw_table, load_file
    from zorginkoop.validation.rowchecks import TableChecks

    b = good_bundle()
    b.rows["compliance_checks"].append(dict(b.rows["compliance_checks"][0]))  # the last line: a duplicate of line 2
    b.rows["compliance_checks"][3]["result"] = "ok"                            # line 5: quarantined
    duplicate = len(b.rows["compliance_checks"]) + 1
    b.rows["behandelindex"].append(dict(b.rows["behandelindex"][0]))          # another table's duplicate
    other_duplicate = len(b.rows["behandelindex"]) + 1
    directory = b.write(tmp_path / "bundle")
    db = tmp_path / "run.duckdb"
    tolerant = policy.with_parameters(quarantine_tolerance=1.0)
    pipeline.validate(db, tolerant, pipeline.ingest(db, tolerant, directory), run_expectations=False)
    lines = "select _line from {} where _file = 'compliance/checks.csv' order by 1"
    with connect(db) as con:
        raw = [r[0] for r in con.execute(lines.format("raw.compliance_checks")).fetchall()]
        validated = [r[0] for r in con.execute(lines.format("validated.compliance_checks")).fetchall()]
        assert validated == [line for line in raw if line not in (5, duplicate)]
        assert con.execute("select count(*) from duckdb_views() where schema_name = 'validated' "
                           "and view_name = 'compliance_checks'").fetchall() == [(1,)]
        assert sorted(con.execute("select line from raw.kept_out where file = 'compliance/checks.csv'").fetchall()) == [(5,), (duplicate,)]

        # the same file name again, now clean: nothing of the first check is kept out
        spec = next(s for s in input_files(policy.domain) if s.table == "compliance_checks")
        b.rows["compliance_checks"][3]["result"] = "pass"
        b.rows["compliance_checks"].pop()
        b.write(tmp_path / "clean")
        create_raw_table(con, spec)
        load_file(con, spec, tmp_path / "clean" / "compliance" / "checks.csv", "compliance/checks.csv")
        with TableChecks(con, [spec]) as checks:
            [result] = checks.results()
        assert (result.rows_read, result.rows_deduplicated, result.rows_quarantined) == (len(raw) - 1, 0, 0)
        assert con.execute("select count(*) from validated.compliance_checks").fetchall() == [(len(raw) - 1,)]
        assert con.execute("select count(*) from raw.kept_out where file = 'compliance/checks.csv'").fetchall() == [(0,)]
        assert con.execute("select line from raw.kept_out where file = 'behandelindex/behandelindex.csv'").fetchall() == \
            [(other_duplicate,)]
        assert con.execute("select count(*) from validated.behandelindex where _line = ?", [other_duplicate]).fetchall() == [(0,)]


# -- read correctly by design ------------------------------------------------------------------

def test_utf8_byte_order_mark_is_read(tmp_path, policy):
    reports, out = run(tmp_path, policy, good_bundle(), rewrite("agb/ondernemingen.csv", lambda b: b"\xef\xbb\xbf" + b))
    assert reports["agb/ondernemingen.csv"].rows_loaded == 2


def test_extra_columns_and_column_order_do_not_matter(tmp_path, policy):
    def reorder(directory):
        path = directory / "agb" / "relaties.csv"
        rows = [line.split(",") for line in path.read_text().splitlines()]
        path.write_text("\n".join(",".join(list(reversed(r)) + ["x"]) for r in rows) + "\n")
    reports, _ = run(tmp_path, policy, good_bundle(), reorder)
    assert reports["agb/relaties.csv"].rows_loaded == 2


def test_codes_keep_leading_zeros(tmp_path, policy):
    _, out = run(tmp_path, policy, good_bundle())
    assert duckdb.connect().execute(f"select min(praktijk_agb) from '{out}/decisions.parquet'").fetchall() == [("04000001",)]


def test_bsn_is_never_loaded(tmp_path, policy):
    directory = good_bundle().write(tmp_path / "bundle")
    db = tmp_path / "run.duckdb"
    pipeline.ingest(db, policy, directory)
    with duckdb.connect(str(db)) as con:
        columns = {r[0] for r in con.execute("select column_name from information_schema.columns").fetchall()}
    assert "bsn" not in columns and "patient_pseudonym" in columns
    assert b"111222333" not in db.read_bytes()


def test_tables_checked_side_by_side_give_what_one_at_a_time_gives(tmp_path, policy, monkeypatch):
    """rowchecks.TableChecks runs the tables on connections of their own, side by side: the same
    counts, quarantine (with its codes) and validated rows as checking one table after another, and
    a refusal in two files reports both, in the bundle's order."""
    bundle = good_bundle()
    # something to keep out in three tables: an impossible date, an exact duplicate, a short AGB code
    bundle.add("applications", praktijk_agb="04000001", discipline="fysiotherapie", aanvraagdatum="2023-09-31")
    bundle.rows["behandelindex"].append(dict(bundle.rows["behandelindex"][0]))
    edit("contracts", 0, praktijk_agb="4000001")(bundle)
    bundle.write(tmp_path / "bundle")
    tolerant = policy.with_parameters(quarantine_tolerance=1.0)

    def checked(workers: str) -> tuple:
        monkeypatch.setenv("ZORGINKOOP_INGEST_WORKERS", workers)
        db = tmp_path / f"run-{workers}.duckdb"
        reports, _ = pipeline.validate(db, tolerant, pipeline.ingest(db, tolerant, tmp_path / "bundle"), run_expectations=False)
        with connect(db) as con:  # registers the claim lines kept in memory
            quarantine = con.execute("select * from raw.quarantine order by all").fetchall()
            codes = con.execute("select * from raw.quarantine_codes order by all").fetchall()
            validated = con.execute("select table_name, estimated_size from duckdb_tables() where schema_name = 'validated' "
                                    "union all select view_name, null from duckdb_views() where schema_name = 'validated' "
                                    "order by 1").fetchall()
            kept_out = con.execute("select * from raw.kept_out order by all").fetchall()
            rows = {table: con.execute(f"select * from validated.{table} order by _file, _line").fetchall()
                    for table, _ in validated}
        return sorted((r.path, r.rows_read, r.rows_loaded, r.rows_deduplicated, r.rows_quarantined) for r in reports), \
            quarantine, codes, validated, kept_out, rows

    one, two = checked("1"), checked("2")
    assert one == two
    counts, quarantine, codes, validated, kept_out, _ = one
    assert kept_out  # the duplicate and the quarantined lines, the same with one worker and with two
    assert {path for path, _, _, dup, quarantined in counts if dup or quarantined} == \
        {"applications/applications.csv", "behandelindex/behandelindex.csv", "contracts/contracts.csv"}
    assert {(file, column) for file, _, column, *_ in quarantine} >= \
        {("applications/applications.csv", "aanvraagdatum"), ("contracts/contracts.csv", "praktijk_agb")}
    assert codes  # the codes the quarantined rows name are recorded
    # validated.<table> is a view even with rows kept out: raw.<table> without the lines in raw.kept_out
    assert all(size is None for _, size in validated)

    # refused side by side: both files reported, in the bundle's order, whichever finished first
    b = good_bundle()
    b.rows["behandelindex"][0]["bi"] = "98,4"
    b.add("applications", praktijk_agb="04000001", discipline="fysiotherapie", aanvraagdatum="30-09-2023")
    with pytest.raises(BadInputErrors) as refused:
        run(tmp_path / "refused", policy, b)
    order = [spec.path for spec in input_files(policy.domain)]
    files = [e.file for e in refused.value.errors]
    assert sorted(files) == ["applications/applications.csv", "behandelindex/behandelindex.csv"]
    assert files == sorted(files, key=lambda f: next(i for i, p in enumerate(order) if f.startswith(p.rstrip("*"))))
