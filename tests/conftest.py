import os
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from zorginkoop.settings import apply_environment

# No test is timed (speed lives in `make bench`): Hypothesis' per-example deadline would fail a
# correct test on a busy machine.
hypothesis_settings.register_profile("zorginkoop", deadline=None)
hypothesis_settings.load_profile("zorginkoop")

apply_environment()  # PREFECT_HOME, analytics off: before Prefect and Great Expectations are imported
os.environ.setdefault("ZORGINKOOP_PSEUDONYM_KEY", "test-key-not-a-secret")

from zorginkoop.engine import pipeline  # noqa: E402
from zorginkoop.engine.policy import load_policy  # noqa: E402


@pytest.fixture(scope="session")
def policy():
    return load_policy("paramedie-2024")


@pytest.fixture(scope="session")
def ggz_policy():
    return load_policy("ggz-2021")


def run_selection(bundle_dir: Path, work: Path, policy, validate: bool = True) -> Path:
    """ingest -> validate (GE optional) -> select -> export without Prefect; returns the output directory."""
    db = work / "run.duckdb"
    reports = pipeline.ingest(db, policy, bundle_dir)
    pipeline.validate(db, policy, reports, run_expectations=validate)
    pipeline.select(db, policy)
    out = work / "out"
    pipeline.export(db, policy, out)
    return out


@pytest.fixture(scope="session")
def prefect_server():
    """One Prefect temporary server for every test that runs the real flow."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        from prefect.settings import PREFECT_API_URL

        yield PREFECT_API_URL.value()
