"""The bad-input corpus through the command line, as a user runs it: one clear message, no traceback.

Each case runs `zorginkoop run` in its own process (as from a terminal: Prefect's temporary
server, its logging, the process's exit) and checks the exit code (2 bad input, 3 bad policy),
that the message names the file, that nothing was written, and that neither a traceback nor a
"nanobind: leaked" line reaches stdout or stderr. The cases are the distinct ways a bundle or a
policy is refused (tests/test_validation.py has every kind with its exact message); each costs
a process start (~6 s), so the corpus stays at what takes a different path.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml

from zorginkoop.errors import EXIT_BAD_INPUT, EXIT_BAD_POLICY
from zorginkoop.engine.policy import load_policy

from . import test_ggz_validation, test_validation
from .test_pm304 import broken
from .test_validation import edit, rewrite

ZORGINKOOP = Path(sys.executable).with_name("zorginkoop")


@dataclass
class Case:
    id: str
    names: str  # the file (or policy) the message must name
    change: Callable | None = None  # on the Bundle's rows
    mutate: Callable | None = None  # on the written bundle directory
    policy: Callable[[Path], str] | str = "paramedie-2024"
    exit_code: int = EXIT_BAD_INPUT


def several_problems(b):
    edit("behandelindex", 0, bi="98,4")(b)
    b.add("applications", praktijk_agb="04000001", discipline="fysiotherapie", aanvraagdatum="30-09-2023")


def policy_variant(change: Callable[[dict], None]) -> Callable[[Path], str]:
    def write(tmp_path: Path) -> str:
        data = yaml.safe_load(load_policy("paramedie-2024").path.read_text())
        change(data)
        path = tmp_path / "paramedie-variant.yaml"
        path.write_text(yaml.safe_dump(data))
        return str(path)
    return write


def not_yaml(tmp_path: Path) -> str:
    path = tmp_path / "paramedie-broken.yaml"
    path.write_text("name: paramedie-2024\ndomain: [paramedie\n")
    return str(path)


CASES = [
    Case("missing_file", "registers/big.csv", mutate=lambda d: (d / "registers" / "big.csv").unlink()),
    Case("missing_column", "agb/vestigingen.csv", mutate=rewrite("agb/vestigingen.csv", lambda b: b"\n".join(
        b",".join(line.split(b",")[:-1]) for line in b.split(b"\n")))),
    Case("windows_1252", "agb/ondernemingen.csv", mutate=rewrite(
        "agb/ondernemingen.csv", lambda b: b.replace(b"Praktijk 04000001", "Fysiotherapie Café".encode("cp1252")))),
    Case("day_month_year", "applications/applications.csv", change=lambda b: b.add(
        "applications", praktijk_agb="04000001", discipline="fysiotherapie", aanvraagdatum="30-09-2023")),
    Case("decimal_comma", "behandelindex/behandelindex.csv", change=edit("behandelindex", 0, bi="98,4")),
    Case("too_much_quarantine", "contracts/contracts.csv", change=edit("contracts", 0, praktijk_agb="4000001")),
    Case("several_problems", "applications/applications.csv", change=several_problems),
    Case("broken_pm304", "claims/decl.asc", mutate=lambda d: (d / "claims" / "decl.asc").write_bytes(
        "".join(line + "\r\n" for line in broken("total")).encode("latin-1"))),
    Case("ggz_no_claims", "claims/", policy="ggz-2021",
         mutate=lambda d: [p.unlink() for p in (d / "claims").iterdir()]),
    Case("unknown_policy", "paramedie-1999", policy="paramedie-1999", exit_code=EXIT_BAD_POLICY),
    Case("invalid_policy", "bi_treshold", policy=policy_variant(lambda d: d["parameters"].update(bi_treshold=140)),
         exit_code=EXIT_BAD_POLICY),
    Case("not_yaml", "paramedie-broken.yaml", policy=not_yaml, exit_code=EXIT_BAD_POLICY),
]


def bundle(case: Case, tmp_path: Path) -> Path:
    b = test_ggz_validation.good_bundle() if case.policy == "ggz-2021" else test_validation.good_bundle()
    if case.change:
        case.change(b)
    directory = b.write(tmp_path / "bundle")
    if case.mutate:
        case.mutate(directory)
    return directory


def zorginkoop(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(ZORGINKOOP), *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_prints_its_message_and_nothing_else(case, tmp_path):
    policy = case.policy(tmp_path) if callable(case.policy) else case.policy
    out = tmp_path / "out"
    result = zorginkoop("run", "--policy", policy, "--input", str(bundle(case, tmp_path)), "--output", str(out))
    output = result.stdout + result.stderr
    assert result.returncode == case.exit_code, output
    assert case.names in result.stderr, output
    assert "Traceback" not in output and "leaked" not in output, output
    assert "Task run failed" not in output and "Finished in state Failed" not in output, "Prefect's copies of it"
    assert not out.exists(), "nothing written"


def test_debug_shows_the_traceback(tmp_path):
    case = CASES[0]
    result = zorginkoop("run", "--input", str(bundle(case, tmp_path)), "--output", str(tmp_path / "out"), "--debug")
    assert result.returncode == EXIT_BAD_INPUT
    assert "Traceback" in result.stderr and case.names in result.stderr
