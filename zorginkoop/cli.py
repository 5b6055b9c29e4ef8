"""The `zorginkoop` command line."""

from __future__ import annotations

import atexit
import os
import sys
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Iterator

import typer
from rich.console import Console
from rich.table import Table

from zorginkoop.errors import EXIT_INTERNAL_ERROR, ExpectedError, PolicyError


class _FastExit:
    """End the process without tearing the interpreter down, once a command is done.

    Freeing everything Prefect, Great Expectations, pandas and DuckDB loaded costs 1.5-2 s of
    garbage collection at exit, after the last output was written, and a library's teardown can
    print "nanobind: leaked instance" lines. Every command ends this way: when the process exits
    with a code (SystemExit), Python first does what it always does
    (waits for non-daemon threads, drains Prefect's log and event workers, runs every atexit
    handler: the temporary server stops, logging flushes), and then this handler, registered
    before any other and so run last, flushes stdout and stderr and ends the process with that
    code (os._exit), as mypy does. Only when the app was called from __main__ (the `zorginkoop`
    script, `python -m zorginkoop.cli`), that is when its exit is the process's exit: under
    CliRunner, or called from any other code, the code is never recorded and nothing changes.
    """

    armed = True
    code: int | None = None

    @classmethod
    def handler(cls) -> None:
        if not cls.armed or cls.code is None:
            return
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a closed or broken stream: nothing left to flush
                pass
        os._exit(cls.code)


atexit.register(_FastExit.handler)


class App(typer.Typer):
    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except SystemExit as exc:
            if sys._getframe(1).f_globals.get("__name__") == "__main__":
                _FastExit.code = 0 if exc.code is None else exc.code if isinstance(exc.code, int) else None
            raise


app = App(
    help="Yearly provider selection for a health insurer's procurement team (zorginkoop).\n\n"
         "Start with `zorginkoop run` on the bundled sample (or `make run`), then read "
         "decisions.parquet and rule_results.parquet in the output directory.",
    no_args_is_help=True, add_completion=False,
)
# Outside a terminal (make, CI, logs) rich would wrap at 80 columns; the summary is wider.
console = Console(width=None if Console().is_terminal else 160)
err = Console(stderr=True, width=None if Console().is_terminal else 160)


def _print_summary(output_dir: Path, domain) -> None:
    from zorginkoop.reporting.summary import outcome_counts, pivot

    header, rows = pivot(outcome_counts(output_dir / "decisions.parquet", domain), domain)
    table = Table(title=f"Units per outcome and {domain.summary_column}")
    for i, name in enumerate(header):
        table.add_column(name, justify="left" if i == 0 else "right")
    for row in rows:
        table.add_row(*(str(v) for v in row))
    console.print(table)


class TemporaryServer:
    """Prefect's temporary server, started the moment the command starts.

    Prefect starts this server itself when a flow first needs its API (SubprocessASGIServer:
    uvicorn serving prefect.server.api.server:create_app in its own process, UI off), but only
    after importing Prefect's server module in this process (2 s) and then waiting while the
    server boots (4 s and more). Started here with the same command and environment, before
    Prefect is even imported, it boots while this process imports the run's libraries; its first
    API request (slow) is made while waiting. The flow then runs with PREFECT_API_URL pointing at
    it, as under Prefect's own test harness, and it stops when the process exits.

    Nothing is started when a server is configured (PREFECT_API_URL, or Prefect already imported
    and configured, as in the tests). When a server is configured only in a Prefect profile or
    file, or this one does not come up, it is stopped and the flow does as before: it uses the
    configured server, or starts Prefect's temporary server itself.

    The server's own output goes to .prefect/temporary-server.log (PREFECT_HOME), not the console:
    stopped while its services are still starting (a run refused in its first second), it prints
    a traceback of its own shutdown. With --debug it goes to the console.
    """

    PORTS = range(8000, 9000)  # the range Prefect's SubprocessASGIServer picks from

    def __init__(self, console: bool = False) -> None:
        self.process = None
        self.port: int | None = None
        self.ready = False
        self.console = console
        self._thread: threading.Thread | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> "TemporaryServer":
        if os.environ.get("PREFECT_API_URL") or ("prefect.settings" in sys.modules and self._not_wanted()):
            return self
        self._thread = threading.Thread(target=self._boot, name="prefect-server-start", daemon=True)
        self._thread.start()
        return self

    @staticmethod
    def _not_wanted() -> bool:
        from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

        return bool(PREFECT_API_URL.value()) or not PREFECT_SERVER_EPHEMERAL_ENABLED.value()

    def _spawn(self) -> None:
        import importlib.util
        import random
        import socket
        import subprocess

        for _ in range(10):
            port = random.choice(self.PORTS)
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
            break
        else:
            raise RuntimeError("no free port for Prefect's temporary server")
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
        if "prefect.settings" in sys.modules:  # settings changed in this process reach the server too, as in Prefect
            from prefect.settings import get_current_settings

            env.update(get_current_settings().to_environment_variables(exclude_unset=True))
        app_dir = Path(importlib.util.find_spec("prefect").origin).parent.parent
        self.port = port
        _prefect_log().info("Starting temporary server on http://127.0.0.1:%d\nSee https://docs.prefect.io/v3/concepts/"
                            "server#how-to-guides for more information on running a dedicated Prefect server.", port)
        log = None
        if not self.console:
            home = Path(env.get("PREFECT_HOME", Path.home() / ".prefect")).expanduser()
            home.mkdir(parents=True, exist_ok=True)
            log = open(home / "temporary-server.log", "ab")  # noqa: SIM115 - the child keeps it; closed below
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "--app-dir", str(app_dir), "--factory",
                 "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(port),
                 "--log-level", "error", "--lifespan", "on"], env=env, stdout=log, stderr=log)
        finally:
            if log is not None:
                log.close()

    def _get(self, path: str) -> int | None:
        import http.client

        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path)
            return connection.getresponse().status
        except OSError:
            return None
        finally:
            connection.close()

    def _boot(self) -> None:
        import time

        try:
            self._spawn()
            atexit.register(self.stop)
            deadline = time.monotonic() + float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", 20))
            while time.monotonic() < deadline:
                if self.process.poll() == 3:  # the port was taken meanwhile: another one, as Prefect does
                    self._spawn()
                elif self.process.poll() is not None:
                    break
                elif self._get("/api/health") == 200:
                    # The flow's first request (the API version check) takes the server 0.3-0.5 s the
                    # first time: made now, while this process is still busy, not when the flow starts.
                    self._get("/api/admin/version")
                    self.ready = True
                    return
                time.sleep(0.05)
            self.stop()
        except Exception:  # noqa: BLE001 - the flow starts Prefect's temporary server itself, and reports what fails
            import logging

            logging.getLogger(__name__).debug("early start of Prefect's temporary server failed", exc_info=True)
            self.stop()

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()

    @contextmanager
    def settings(self) -> Iterator[None]:
        """While the flow runs: Prefect's API is this server, once it is up (and still wanted)."""
        self.join()
        if not self.ready:
            yield
            return
        if self._not_wanted():  # a server configured in a Prefect profile or file
            self.stop()
            yield
            return
        from prefect.settings import (PREFECT_API_URL, PREFECT_FLOWS_HEARTBEAT_FREQUENCY, PREFECT_UI_URL,
                                      temporary_settings)

        # No UI URL: the temporary server serves no UI and is gone after the run (as with Prefect's own).
        # No flow run heartbeats: they let a server notice a crashed run, and this server ends with
        # the run; the flow would otherwise wait up to a second for the heartbeat thread at its end.
        with temporary_settings(updates={PREFECT_API_URL: self.api_url, PREFECT_UI_URL: "",
                                         PREFECT_FLOWS_HEARTBEAT_FREQUENCY: None}):
            yield

    def stop(self) -> None:
        self.ready = False
        process, self.process = self.process, None
        if process is not None and process.poll() is None:
            import subprocess

            _prefect_log().info("Stopping temporary server on http://127.0.0.1:%d", self.port)
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _prefect_log():
    """Where Prefect says that it starts and stops its temporary server (the same lines as before)."""
    import logging

    return logging.getLogger("prefect")


def start_prefect_server_early(debug: bool = False) -> TemporaryServer:
    """Start Prefect's temporary server now, in the background (see TemporaryServer)."""
    return TemporaryServer(console=debug).start()


Debug = Annotated[bool, typer.Option("--debug", help="Show the traceback of an error on the console (it is always in the Prefect log).")]


def _stopped(exc: Exception, headline: str, unchanged: str, debug: bool) -> typer.Exit:
    """The one message of a failed run or publication, and its exit code; the traceback only with --debug."""
    if isinstance(exc, ExpectedError):
        err.print(f"[bold red]{headline}, {unchanged}.[/]\n{exc}", highlight=False)
        return typer.Exit(exc.exit_code)
    if debug:
        err.print_exception()
    err.print(f"[bold red]Internal error, {unchanged}:[/] {type(exc).__name__}: {exc}"
              + ("" if debug else "\n(--debug shows the traceback)"), highlight=False)
    return typer.Exit(EXIT_INTERNAL_ERROR)


@app.command()
def run(
    policy: Annotated[str, typer.Option(help="Bundled policy name (see policies/) or path to a policy YAML file.")] = "paramedie-2024",
    input: Annotated[Path | None, typer.Option("--input", help="Input bundle directory (agb/, compliance/, claims/, ...); default: the policy's sample bundle (data/sample, data/sample-ggz).")] = None,
    output: Annotated[Path | None, typer.Option("--output", help="Directory for the outputs (default out/<policy>); switched to the new run only when it succeeds.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="Only warnings and the summary.")] = False,
    debug: Debug = False,
) -> None:
    """Run the selection: ingest -> validate -> select -> export, as a Prefect flow.

    Exit codes: 0 outputs written; 2 bad input (the message names file, column and
    examples); 3 bad policy file; 1 internal error. On any failure no output is changed, and
    the console shows the message only (the traceback with --debug, and in the Prefect log).
    """
    from zorginkoop.settings import apply_defaults

    apply_defaults(quiet, debug)
    server = start_prefect_server_early(debug)
    from zorginkoop import progress
    from zorginkoop.validation.validate import prepare_worker

    # Great Expectations' worker process imports GE and builds its context (seconds) while the
    # server boots and the flow is imported.
    prepare_worker(debug)
    from flows.annual_selection import annual_selection

    # pandas, which the run needs anyway (pyarrow imports it at its first array made from numpy, in
    # the ingest; the report reads with it): imported while the server boots (0.2 s), not in the ingest.
    import pandas  # noqa: F401

    progress.enable(not quiet)

    try:
        with server.settings():
            result = annual_selection(policy=policy, input_dir=str(input) if input else None,
                                      output_dir=str(output) if output else None)
    except Exception as exc:  # noqa: BLE001 - an internal error gets its own exit code
        raise _stopped(exc, "Run stopped", "no outputs written", debug) from None
    from zorginkoop.engine.policy import load_policy

    out = Path(result["output_dir"])
    _print_summary(out, load_policy(policy).domain)
    console.print(f"Outputs in [bold]{out}[/]: " + ", ".join(sorted(result["outputs"])) + ", manifest.json, zorginkoop.duckdb")
    console.print(f"Input rows quarantined: {result['quarantined']} (quarantine.parquet), duplicates dropped: "
                  f"{result['deduplicated']}; row counts per file in manifest.json")
    console.print(f"Validation results (Great Expectations Data Docs): file://{result['data_docs']}")
    console.print(f"Report: file://{result['report']}  Workbook: {result['workbook']}")


claims_app = typer.Typer(help="Prior-year claims: Vektis PM304 files and normalized extracts.", no_args_is_help=True)
app.add_typer(claims_app, name="claims")


@claims_app.command("load")
def claims_load(
    paths: Annotated[list[Path], typer.Argument(help="PM304 files (*.asc, *.dat, *.txt), normalized extracts (*.csv, *.parquet), or directories of them.")],
    output: Annotated[Path, typer.Option("--output", help="Directory for claims.parquet, reconciliation.parquet and quarantine.parquet.")],
    policy: Annotated[str, typer.Option(help="Policy whose claims layout to read: paramedie-2024 (normalized and PM304) or ggz-2021.")] = "paramedie-2024",
) -> None:
    """Load claims, check every PM304 message against its sluitrecord, and pseudonymize patients.

    BSNs are checked with the 11-proef and replaced by a keyed pseudonym (key from
    ZORGINKOOP_PSEUDONYM_KEY or a generated key file); no BSN, name, address or birth
    date is written anywhere. Exit 2 when a file cannot be read or fails its checks.
    """
    from zorginkoop.settings import apply_defaults

    apply_defaults(quiet=True)
    from zorginkoop.ingest import readahead
    from zorginkoop.settings import settings

    # the first files to load (largest first), read and hashed on the other core while the next imports run
    for path in sorted((p for p in paths if p.is_file()), key=lambda p: -p.stat().st_size)[:settings().ingest_workers]:
        readahead.start(path)
    from zorginkoop.ingest.claims import load_claims
    from zorginkoop.engine.policy import load_policy

    try:
        reports, counts = load_claims(paths, output, load_policy(policy).domain)
    except ExpectedError as exc:
        err.print(f"[bold red]Claims not loaded, no outputs written.[/]\n{exc}", highlight=False)
        raise typer.Exit(exc.exit_code)
    table = Table(title=f"Claims loaded into {output}")
    for column in ("file", "rows read", "loaded", "duplicates", "quarantined", "note"):
        table.add_column(column, justify="left" if column in ("file", "note") else "right")
    for r in reports:
        table.add_row(r.path, str(r.rows_read), str(r.rows_loaded), str(r.rows_deduplicated), str(r.rows_quarantined), "; ".join(r.notes))
    console.print(table)
    console.print(", ".join(f"{name}: {rows} rows" for name, rows in counts.items()))


RunDir = Annotated[Path, typer.Option("--output", help="The run's output directory (as given to `zorginkoop run --output`).")]
RunPolicy = Annotated[str | None, typer.Option(help="The policy the run used (name or path); default: the one in the run's manifest.json.")]


def _run_policy(run_dir: Path, policy: str | None):
    """The policy a finished run used: as given, else from its manifest (name, then path)."""
    import json

    from zorginkoop.engine.policy import load_policy

    if policy:
        return load_policy(policy)
    manifest = run_dir / "manifest.json"
    if manifest.is_file():
        recorded = json.loads(manifest.read_text())["policy"]
        try:
            return load_policy(recorded["name"])
        except PolicyError:
            return load_policy(recorded["path"])
    return load_policy("paramedie-2024")


@app.command()
def explain(
    agb: Annotated[str, typer.Argument(help="AGB code of the praktijk or instelling (8 digits).")],
    output: RunDir,
    discipline: Annotated[str | None, typer.Option(help="Only this discipline, e.g. fysiotherapie (GGZ units: ggz).")] = None,
) -> None:
    """Why a practice got its outcome: every unit, every rule, the value that decided and the policy section."""
    from zorginkoop.analysis.runs import explain as explain_units

    try:
        units = explain_units(output, agb, discipline)
    except ExpectedError as exc:
        err.print(str(exc), highlight=False)
        raise typer.Exit(exc.exit_code)
    for unit in units:
        route = ", ".join(f"{k} {v}" for k, v in unit.route.items() if v is not None)
        console.print(f"[bold]{unit.agb} {unit.naam or ''} - {unit.discipline}: {unit.outcome}[/]"
                      + (f"  reasons: {', '.join(unit.reasons)}" if unit.reasons else ""), highlight=False)
        console.print(f"  {route}", highlight=False)
        table = Table(show_lines=False)
        for column in ("rule", "result", "detail", "policy section"):
            table.add_column(column)
        colour = {"fail": "red", "review": "yellow", "pass": "green"}
        for rule, result, detail, ref in unit.rules:
            table.add_row(rule, f"[{colour.get(result, 'white')}]{result}[/]", detail, ref)
        console.print(table)


@app.command()
def whatif(
    set_: Annotated[list[str], typer.Option("--set", help="A policy parameter and its trial value, e.g. --set bi_threshold=140. Repeatable.")],
    output: RunDir,
    policy: RunPolicy = None,
    region: Annotated[str, typer.Option(help="Region for the coverage table: pc2 (postcode region) or pc4 (postcode area).")] = "pc2",
) -> None:
    """Try other parameters on a finished run's data: which units change outcome, and coverage per region.

    Reruns the selection SQL on a copy of the run's database (seconds, no reload); the run
    itself is not changed.
    """
    from zorginkoop.analysis.runs import parse_settings
    from zorginkoop.analysis.runs import whatif as run_whatif

    try:
        result = run_whatif(output, _run_policy(output, policy), parse_settings(set_), region)
    except ExpectedError as exc:
        err.print(str(exc), highlight=False)
        raise typer.Exit(exc.exit_code)
    console.print(f"[bold]{len(result.changes)} of {result.units} units change outcome with {', '.join(set_)}[/]")
    table = Table(title="Units that change outcome")
    for column in ("agb", "discipline", "now", "with the trial values"):
        table.add_column(column)
    for row in result.changes:
        table.add_row(*(str(v) for v in row))
    console.print(table)
    regions = Table(title=f"Offered providers per {region} where the number changes")
    for column in (region, "offered now", "offered then", "insured", "insured per provider now", "then"):
        regions.add_column(column, justify="left" if column == region else "right")
    for row in result.regions:
        regions.add_row(*("" if v is None else str(v) for v in row))
    console.print(regions)


@app.command()
def diff(
    run_a: Annotated[Path, typer.Argument(help="The earlier run's output directory.")],
    run_b: Annotated[Path, typer.Argument(help="The later run's output directory.")],
) -> None:
    """Units whose outcome changed between two runs, and the rule results that changed."""
    from zorginkoop.analysis.runs import diff as diff_runs

    try:
        result = diff_runs(run_a, run_b)
    except ExpectedError as exc:
        err.print(str(exc), highlight=False)
        raise typer.Exit(exc.exit_code)
    outcomes = Table(title=f"{len(result.outcomes)} unit(s) with another outcome")
    for column in ("agb", "discipline", str(run_a), str(run_b)):
        outcomes.add_column(column)
    for row in result.outcomes:
        outcomes.add_row(*("(no unit)" if v is None else str(v) for v in row))
    console.print(outcomes)
    rules = Table(title=f"{len(result.rules)} rule result(s) changed")
    for column in ("praktijk_agb", "discipline", "rule", str(run_a), str(run_b)):
        rules.add_column(column)
    for row in result.rules:
        rules.add_row(*("-" if v is None else str(v) for v in row))
    console.print(rules)


@app.command("publish")
def publish_command(
    acceptances: Annotated[Path, typer.Option(help="acceptances.csv: the contracts accepted in VECOZO (praktijk_agb, discipline, geaccepteerd_op).")],
    run: Annotated[Path, typer.Option("--run", help="The finished selection run's output directory, e.g. out/ggz-2021.")],
    output: Annotated[Path | None, typer.Option("--output", help="Directory for the definitive zorgzoeker files (default: <run>-publicatie).")] = None,
    policy: RunPolicy = None,
    debug: Debug = False,
) -> None:
    """Write the definitive zorgzoeker (status definitief) and the offers still unanswered, as the Prefect flow `publication`.

    An acceptance counts only for a unit offered a contract (eindbesluit AANBIEDEN), accepted on
    or before the policy's signing_deadline; every other row goes to quarantine.parquet."""
    from zorginkoop.settings import apply_defaults

    apply_defaults(quiet=True, debug=debug)
    server = start_prefect_server_early(debug)
    from flows.publication import publication

    try:
        output = output or run.with_name(f"{run.name}-publicatie")
        with server.settings():
            counts = publication(run_dir=str(run), acceptances=str(acceptances), policy=str(_run_policy(run, policy).path),
                                 output_dir=str(output))
    except Exception as exc:  # noqa: BLE001 - an internal error gets its own exit code
        raise _stopped(exc, "Not published", "nothing changed", debug) from None
    console.print(f"Zorgzoeker written to {output}: {counts['zorgzoeker.parquet']} rows, {counts['contracted']} contracted "
                  f"(status definitief), from {counts['accepted']} of {counts['acceptances_read']} acceptance rows.")
    if counts["acceptances_quarantined"]:
        console.print(f"{counts['acceptances_quarantined']} acceptance row(s) do not count (no offer, too late, unknown "
                      f"unit): see {output}/quarantine.parquet.")
    console.print(f"Offers without an acceptance that counts: {counts['unanswered_offers.parquet']} "
                  f"({output}/unanswered_offers.parquet).")


@app.command()
def generate(
    output: Annotated[Path, typer.Option("--output", help="Directory to write the bundle into.")],
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same bundle.")] = 42,
    size: Annotated[str, typer.Option(help="paramedie: 'sample' (about 230 ondernemingen, committed in data/sample), 'small', "
                                           "'insurer' (25,000 ondernemingen, 2 million claim lines), 'market' (the same "
                                           "registries, 20 million claim lines, half PM304, half Parquet). ggz: 'sample' "
                                           "(committed in data/sample-ggz) or 'small'. Or a number of ondernemingen.")] = "sample",
    policy: Annotated[str, typer.Option(help="Policy whose bundle layout to write (paramedie-2024 or ggz-2021).")] = "paramedie-2024",
) -> None:
    """Write a realistic synthetic input bundle in the layout of the policy's contract."""
    from zorginkoop.engine.policy import load_policy

    try:
        selected = load_policy(policy)  # the generator takes its dates from the policy file
        domain = selected.domain
    except PolicyError as exc:
        err.print(str(exc), highlight=False)
        raise typer.Exit(exc.exit_code)
    if size not in domain.generator_sizes and not size.isdigit():
        err.print(f"--size must be one of {', '.join(domain.generator_sizes)} or a number, not {size!r}")
        raise typer.Exit(2)
    counts = domain.call(domain.generator, selected, seed, size if size in domain.generator_sizes else int(size), output)
    table = Table(title=f"Bundle written to {output}")
    table.add_column("file")
    table.add_column("rows", justify="right")
    for path, rows in sorted(counts.items()):
        table.add_row(path, str(rows))
    console.print(table)


reviews_app = typer.Typer(help="Reviewers' decisions on the units under review: selectie.xlsx -> reviews/beoordelingen.csv.",
                          no_args_is_help=True)
app.add_typer(reviews_app, name="reviews")


@reviews_app.command("import")
def reviews_import(
    workbook: Annotated[Path, typer.Argument(help="selectie.xlsx of a run, with Besluit, Motivering, Beoordelaar and Beoordeeld op filled in on its review sheets.")],
    input: Annotated[Path, typer.Option("--input", help="The input bundle the next run reads; the decisions go to reviews/beoordelingen.csv in it.")],
) -> None:
    """Take the decisions filled in on the workbook's review sheets into the bundle, for the next run.

    Rows without a Besluit are left out; an existing beoordelingen.csv is merged (a row of the same
    unit and date is replaced). Exit 2, nothing written, when the workbook is not one of the run's
    or its review sheets or their headers were changed.
    """
    from zorginkoop.analysis.reviews import import_reviews

    try:
        result = import_reviews(workbook, input)
    except ExpectedError as exc:
        err.print("[bold red]Decisions not imported, nothing written.[/]")
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(exc.exit_code)
    console.print(f"Read {result.rows_read} row(s) from the review sheets of {workbook} ({result.policy}): "
                  f"{result.written} decision(s), {result.without_besluit} row(s) without Besluit left out.",
                  markup=False, highlight=False)
    if result.path is None:
        console.print("No decision in the workbook; nothing written.")
        return
    console.print(f"Written: {result.path} ({result.replaced} earlier row(s) of the same unit and date replaced, "
                  f"{result.kept} kept).", markup=False, highlight=False)
    if result.warnings:
        console.print(f"{len(result.warnings)} warning(s):")
        for warning in result.warnings:
            console.print(f"  - {warning}", markup=False, highlight=False)
    console.print(f"Next: run the selection again to take the decisions in (zorginkoop run --policy "
                  f"{result.policy or '<policy>'} --input {input}).", markup=False, highlight=False)


if __name__ == "__main__":
    app()
