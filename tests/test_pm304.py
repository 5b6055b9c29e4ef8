"""PM304 v3.2 claims: parsed field by field, reconciled per message, patients pseudonymized."""

from __future__ import annotations

import hashlib
import hmac
import os
import stat

import duckdb
import pytest

from zorginkoop.ingest.claims import load_claims
from zorginkoop.domains import get_domain
from zorginkoop.errors import BadInputError
from zorginkoop.ingest.privacy import pseudonym_key, register_macros
from zorginkoop.synthetic.pm304 import render_message, render_record

KEY = os.environ["ZORGINKOOP_PSEUDONYM_KEY"].encode()
BSN_A, BSN_B = "111222333", "123456782"  # both pass the 11-proef


def prestatie(bsn=BSN_A, cents=3850, lijst="073", zorgverlener="04000123", ref="REF1", datum="20230314", aantal=1, code="1000"):
    return {"bsn": bsn, "zorgverlener_agb": zorgverlener, "datum": datum, "lijst": lijst, "code": code,
            "aantal": aantal, "cents": cents, "ref": ref}


def write(tmp_path, lines, name="decl.asc", newline="\r\n"):
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((newline.join(lines) + newline).encode("latin-1"))
    return path


def load(tmp_path, *paths):
    out = tmp_path / "out"
    load_claims(list(paths), out, get_domain("paramedie"))
    con = duckdb.connect()
    read = lambda name: con.execute(f"select * from '{out}/{name}.parquet'").df()  # noqa: E731
    return read("claims"), read("reconciliation"), read("quarantine")


def test_fields_debet_and_credit(tmp_path):
    lines = render_message("04000099", "3311", [prestatie(), prestatie(bsn=BSN_B, cents=-1925, ref="REF2", aantal=2, code="1864")])
    claims, recon, quarantine = load(tmp_path, write(tmp_path, lines))
    assert len(claims) == 2 and quarantine.empty
    first, second = claims.iloc[0], claims.iloc[1]
    assert first.praktijk_agb == "04000099" and first.zorgverlener_agb == "04000123"
    assert str(first.datum_prestatie)[:10] == "2023-03-14"
    assert (first.prestatiecodelijst, first.prestatiecode, first.aantal) == ("073", "1000", 1)
    assert (first.declaratiebedrag, second.declaratiebedrag) == (38.50, -19.25)
    assert (second.prestatiecode, second.aantal) == ("1864", 2)
    assert first.discipline == "fysiotherapie" and first.uzovi == "3311" and first.declaratie_id == "REF1"
    assert first.patient_pseudonym == hmac.new(KEY, BSN_A.encode(), hashlib.sha256).hexdigest()
    assert (first.source_file, first.source_line) == ("decl.asc", 3)  # 01, 02, then the first 04
    assert recon.iloc[0].ok and recon.iloc[0].totaal_read == 19.25 and recon.iloc[0].prestatierecords_read == 2


def test_generic_list_012_takes_discipline_from_caregiver(tmp_path):
    lines = render_message("05000010", "3311", [prestatie(lijst="012", zorgverlener="05000777")])
    claims, _, _ = load(tmp_path, write(tmp_path, lines))
    assert claims.iloc[0].discipline == "logopedie"


def test_several_messages_per_file_and_lf_or_crlf(tmp_path):
    lines = render_message("04000001", "3311", [prestatie()]) + render_message("05000002", "3313", [prestatie(lijst="078")])
    crlf_claims, recon, _ = load(tmp_path, write(tmp_path, lines, newline="\r\n"))
    lf_claims, _, _ = load(tmp_path / "lf", write(tmp_path / "lf", lines, newline="\n"))
    assert list(recon.message) == [1, 2] and recon.ok.all()
    assert list(crlf_claims.praktijk_agb) == ["04000001", "05000002"]
    assert crlf_claims.equals(lf_claims)


def good_and(broken_lines):
    return render_message("04000001", "3311", [prestatie()]) + broken_lines


def _set(line: str, start: int, text: str) -> str:
    return line[:start - 1] + text + line[start - 1 + len(text):]


def broken(kind):
    lines = render_message("04000002", "3311", [prestatie(ref="X1"), prestatie(bsn=BSN_B, ref="X2")])
    if kind == "length":
        lines[2] = lines[2][:300]
    elif kind == "count":
        lines[-1] = _set(lines[-1], 15, "000003")  # Aantal prestatierecords
    elif kind == "total":
        lines[-1] = _set(lines[-1], 34, "00000009999")
    elif kind == "record_type":
        lines.insert(2, render_record("98", {}).replace("98", "97", 1))
    elif kind == "amount":
        lines[2] = _set(lines[2], 183, "00003A50")
    return lines


@pytest.mark.parametrize("kind, reason", [
    ("length", "300 posities"),
    ("count", "3 prestatierecords, gelezen 2"),
    ("total", "totaal declaratiebedrag 9999 cent, gelezen 7700 cent"),
    ("record_type", "onbekend recordtype 97"),
    ("amount", "declaratiebedrag 00003A50 is niet numeriek"),
])
def test_rejected_message_is_kept_out_whole(tmp_path, kind, reason):
    lines = good_and(broken(kind))
    claims, recon, quarantine = load(tmp_path, write(tmp_path, lines))
    assert list(claims.praktijk_agb) == ["04000001"], "the good message still loads"
    bad = recon[recon.message == 2].iloc[0]
    assert not bad.ok and reason in bad.reason
    first_bad_line = 5  # the good message has lines 1-4
    assert list(quarantine.line) == list(range(first_bad_line, len(lines) + 1))
    assert quarantine.reason.str.contains(reason).all()
    assert len(lines) == 4 + len(quarantine), "every line is loaded or quarantined"


def test_bad_bsn_quarantines_only_that_line(tmp_path):
    lines = render_message("04000003", "3311", [prestatie(), prestatie(bsn="123456789", ref="BAD")])
    claims, recon, quarantine = load(tmp_path, write(tmp_path, lines))
    assert list(claims.declaratie_id) == ["REF1"] and recon.ok.all()
    assert len(quarantine) == 1 and quarantine.iloc[0]["column"] == "bsn" and "11-proef" in quarantine.iloc[0].reason
    assert quarantine.iloc[0].value is None, "the BSN itself is never written"


def test_normalized_extract_with_bad_bsn(tmp_path):
    path = tmp_path / "in" / "extract.csv"
    path.parent.mkdir()
    path.write_text("declaratie_id,praktijk_agb,zorgverlener_agb,bsn,datum_prestatie,prestatiecodelijst,prestatiecode,aantal,declaratiebedrag,uzovi\n"
                    f"A,04000001,04000123,{BSN_A},2023-01-05,073,1000,1,38.50,3311\n"
                    "B,04000001,04000123,12345678,2023-01-06,073,1000,1,38.50,3311\n")
    claims, _, quarantine = load(tmp_path, path)
    assert list(claims.declaratie_id) == ["A"]
    assert list(quarantine.line) == [3] and "11-proef" in quarantine.iloc[0].reason


def test_missing_path_is_bad_input(tmp_path):
    with pytest.raises(BadInputError, match="no such file"):
        load_claims([tmp_path / "nope.asc"], tmp_path / "out", get_domain("paramedie"))


def test_sql_hmac_matches_python_hmac():
    con = duckdb.connect()
    register_macros(con, b"k" * 80)  # longer than the block size: hashed first
    got = con.execute("select pseudonym('123456782'), elfproef('123456782'), elfproef('123456789'), elfproef('12345678a')").fetchall()[0]
    assert got == (hmac.new(b"k" * 80, b"123456782", hashlib.sha256).hexdigest(), True, False, False)


def test_generated_key_file_is_private_and_stable(tmp_path, monkeypatch):
    monkeypatch.delenv("ZORGINKOOP_PSEUDONYM_KEY")
    monkeypatch.setenv("ZORGINKOOP_PSEUDONYM_KEY_FILE", str(tmp_path / "keys" / "pseudonym.key"))
    first = pseudonym_key()
    assert stat.S_IMODE((tmp_path / "keys" / "pseudonym.key").stat().st_mode) == 0o600
    assert pseudonym_key() == first and len(first) == 64


CLAIMS_LOAD_MODULES = """
import sys
from zorginkoop.cli import app
sys.argv = ["zorginkoop", "claims", "load", *sys.argv[1:]]
try:
    app()
except SystemExit as done:
    assert not done.code, done.code
from zorginkoop.engine import memory_tables
print("pandas" in sys.modules, len(memory_tables._parts))
"""


def test_claims_load_imports_no_pandas_and_lets_go_of_its_lines(tmp_path):
    """`claims load` reads claim lines kept in memory, as the run does, without pandas (its import
    is most of the command's start-up: zorginkoop.arrays); the lines go when the load is done."""
    import subprocess
    import sys

    bad = render_message("04000099", "3311", [prestatie(bsn="123456789", ref="BAD")])  # fails the 11-proef
    path = write(tmp_path, render_message("04000099", "3311", [prestatie(), prestatie(bsn=BSN_B, ref="REF2")]) + bad)
    done = subprocess.run([sys.executable, "-c", CLAIMS_LOAD_MODULES, str(path), "--output", str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["False", "0"]
    claims = duckdb.sql(f"select declaratie_id from '{tmp_path}/out/claims.parquet' order by source_line").fetchall()
    assert claims == [("REF1",), ("REF2",)]
