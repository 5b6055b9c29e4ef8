"""Every setting the run reads from the environment, with its default, in one place.

`settings()` reads the ZORGINKOOP_* variables when asked (not at import: tests change them with
monkeypatch); `apply_environment()` sets the defaults of the libraries' own variables (Prefect,
Great Expectations) before they are imported. The README's table of settings is checked
against this module (tests/test_settings.py). `python -m zorginkoop.settings CMD...` runs a
command with these defaults (the Makefile's way in); without a command it prints the settings.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

from zorginkoop.errors import SettingsError
from zorginkoop.paths import PROJECT_ROOT


class Settings(BaseSettings):
    """The ZORGINKOOP_* variables; unset or empty means the default."""

    model_config = SettingsConfigDict(env_prefix="ZORGINKOOP_", env_ignore_empty=True, frozen=True, extra="ignore")

    threads: int | None = Field(None, ge=1, description="DuckDB threads (unset: DuckDB's default, every core); files loaded side by side share them; outputs are the same for any value.")
    memory_limit: str | None = Field(None, description="DuckDB `memory_limit`, e.g. `3GB`: above it a run spills to the temp directory (unset: DuckDB's default, 80 % of RAM).")
    temp_directory: Path | None = Field(None, description="Where DuckDB spills (unset: beside the run's database).")
    ingest_workers: int = Field(2, ge=1, description="Input files loaded, and tables row-checked, side by side, each on its own connection.")
    model_workers: int = Field(2, ge=1, description="SQL models built side by side (each when the models it reads are built), and outputs written side by side, each on its own connection; outputs are the same for any value.")
    ge_max_rows: int = Field(10000, ge=1, description="Above this many rows Great Expectations gets a table's distinct values per column instead of its rows.")
    pseudonym_key: SecretStr | None = Field(None, description="Key of the patient pseudonyms (HMAC-SHA256); unset: the key file.")
    pseudonym_key_file: Path = Field(Path("~/.config/zorginkoop/pseudonym.key"), description="Key file, generated on first use (mode 0600) when `ZORGINKOOP_PSEUDONYM_KEY` is unset.")


# Variables named after a policy (ZORGINKOOP_INPUT_GGZ_2021): read by flows/deployments.py.
PER_POLICY = {
    "INPUT": "Input bundle of the policy's scheduled selection (`make serve`); unset: its sample bundle.",
    "OUTPUT": "Output directory of the policy's scheduled selection and publication; unset: `out/<policy>`.",
}


def settings() -> Settings:
    """The settings as the environment says now; a value that does not fit is a SettingsError naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = [f"ZORGINKOOP_{'_'.join(map(str, e['loc'])).upper()}={e['input']!r}: {e['msg']}" for e in exc.errors()]
        raise SettingsError("; ".join(problems) + " (see the settings in README.md)") from None


def per_policy(kind: str, policy: str) -> str | None:
    """ZORGINKOOP_<kind>_<POLICY>, e.g. ZORGINKOOP_INPUT_GGZ_2021 for kind INPUT and policy ggz-2021."""
    assert kind in PER_POLICY, kind
    return os.environ.get(f"ZORGINKOOP_{kind}_{policy.upper().replace('-', '_')}") or None


def documented() -> dict[str, tuple[str, str]]:
    """Every variable -> (default, description), as the README's table shows them."""
    rows = {}
    for name, field in Settings.model_fields.items():
        default = "unset" if field.default is None else f"`{field.default}`"
        rows[f"ZORGINKOOP_{name.upper()}"] = (default, field.description)
    for kind, description in PER_POLICY.items():
        rows[f"ZORGINKOOP_{kind}_<POLICY>"] = ("unset", description)
    return rows


def markdown_table() -> str:
    """The README's table of settings (tests/test_settings.py checks that it is this one)."""
    lines = ["| variable | default | what |", "|---|---|---|"]
    lines += [f"| `{name}` | {default} | {description} |" for name, (default, description) in documented().items()]
    return "\n".join(lines) + "\n"


def apply_environment(prefect: bool = True) -> None:
    """Defaults of the libraries' own variables, set before Prefect or Great Expectations are imported.
    prefect=False leaves Prefect's alone (for a module that may be imported after Prefect)."""
    if prefect:
        # Prefect keeps its database and temporary-server state inside the project, never in ~:
        # the checkout's .prefect, or the current directory's when installed from a wheel.
        os.environ.setdefault("PREFECT_HOME", str((PROJECT_ROOT or Path.cwd()) / ".prefect"))
        os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    # numpy's OpenBLAS starts a spinning thread per core at import; nothing here multiplies
    # matrices, and those threads take CPU from DuckDB's.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def apply_defaults(quiet: bool = False, debug: bool = False) -> None:
    """The environment's defaults and the console's logging, before Prefect or GE are imported;
    with debug the console shows tracebacks (see zorginkoop.logs)."""
    from zorginkoop.logs import setup_console

    apply_environment()
    if quiet or os.environ.get("CI"):
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    setup_console(logging.WARNING if quiet else logging.INFO, debug)
    for noisy in ("great_expectations", "httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


if __name__ == "__main__":
    apply_environment()
    if sys.argv[1:]:
        os.execvp(sys.argv[1], sys.argv[1:])
    for name, (default, _) in documented().items():  # set or not, never the value: one is a key
        print(f"{name}: {'set' if os.environ.get(name) else 'unset'} (default {default})")
