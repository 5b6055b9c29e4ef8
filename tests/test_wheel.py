"""The wheel carries everything a run needs: built from this checkout, installed into a fresh venv
outside it, `zorginkoop run` selects the sample bundle with the golden decisions.

Offline and fast: the build backend is .venv's (dev extras, --no-build-isolation), and the fresh
venv borrows .venv's installed dependencies through a .pth file instead of downloading them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from .golden import decisions_as_rows, read_golden

ROOT = Path(__file__).resolve().parents[1]


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--wheel-dir",
        work / "dist", ROOT)
    (wheel,) = (work / "dist").glob("zorginkoop-*.whl")
    venv = work / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    # .venv's pip installs into the fresh venv; before the .pth below exists, so that it neither
    # sees nor touches the editable install in .venv.
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel)
    site_packages = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    # A path line in a .pth adds that directory only; .venv's own .pth files (the editable
    # install's, which puts the checkout on sys.path) are not read, so they cannot shadow the wheel.
    (site_packages / "zz_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def clean_env() -> dict[str, str]:
    """The test's environment without what points back into the checkout."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PREFECT_HOME", "PREFECT_API_URL")}
    # A new PREFECT_HOME means a new database to migrate: on a busy machine that takes longer than
    # the temporary server's default 20 s (the conftest's harness allows 120 s too).
    env["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] = "120"
    return env


def test_the_installed_package_is_the_wheel(venv, tmp_path):
    out = run(venv / "bin" / "python", "-c", "import zorginkoop, flows, zorginkoop.domains.ggz\n"
              "from zorginkoop import paths\n"
              "print(zorginkoop.__file__, flows.__file__, paths.INSTALLED, paths.PROJECT_ROOT, paths.SQL_DIR, sep='\\n')",
              cwd=tmp_path, env=clean_env()).stdout.split("\n")
    package, flows, installed, project_root, sql_dir = out[:5]
    assert package.startswith(str(venv)) and flows.startswith(str(venv)), out
    assert installed == "True" and project_root == "None" and sql_dir.startswith(str(venv)), out


def test_a_missing_sample_is_a_one_line_error(venv, tmp_path):
    out = run(venv / "bin" / "python", "-c", "from zorginkoop.errors import BadInputError\n"
              "from zorginkoop.paths import sample_bundle\nfrom zorginkoop.engine.policy import load_policy\n"
              "try:\n    sample_bundle(load_policy('ggz-2021'))\nexcept BadInputError as exc:\n    print(exc)",
              cwd=tmp_path, env=clean_env()).stdout.strip()
    assert "\n" not in out and "--input" in out
    assert "zorginkoop generate --policy ggz-2021 --output data/sample-ggz" in out


def test_the_installed_package_runs_the_sample(venv, tmp_path):
    # cwd outside the checkout: Prefect's state goes to ./.prefect there (no PREFECT_HOME is set)
    result = subprocess.run([venv / "bin" / "zorginkoop", "run", "--input", ROOT / "data" / "sample",
                             "--output", tmp_path / "out", "--quiet"],
                            cwd=tmp_path, env=clean_env(), capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / ".prefect").is_dir()
    assert (tmp_path / "out" / "report.html").is_file() and (tmp_path / "out" / "selectie.xlsx").is_file()
    assert decisions_as_rows(tmp_path / "out" / "decisions.parquet") == read_golden("paramedie-2024")
