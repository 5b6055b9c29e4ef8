"""Where the project's data files live: policies, SQL, expectations, seeds, sample bundles.

The one module that knows. `sql/`, `expectations/`, `policies/` and `seeds/` stay at the top of
the repository; the wheel carries them inside the package (pyproject.toml, `sources`), and an
editable install runs the checkout itself. Both are found from the package through
importlib.resources, so an installed package and a checkout read the same files.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from zorginkoop.errors import BadInputError

# A real directory, not just a Traversable: DuckDB and Great Expectations read these by path,
# so the package must be installed unzipped (pip always does).
PACKAGE_DIR = Path(str(files(__package__)))
# Installed from a wheel: the folders are inside the package. Else a checkout: they sit beside it.
INSTALLED = (PACKAGE_DIR / "sql").is_dir()
RESOURCES_DIR = PACKAGE_DIR if INSTALLED else PACKAGE_DIR.parent

# The checkout's root (data/, tests/, bench/ live there); None when installed from a wheel.
PROJECT_ROOT: Path | None = None if INSTALLED else RESOURCES_DIR

POLICIES_DIR = RESOURCES_DIR / "policies"
SQL_DIR = RESOURCES_DIR / "sql"
EXPECTATIONS_DIR = RESOURCES_DIR / "expectations"
SEEDS_DIR = RESOURCES_DIR / "seeds"
# The paramedie sample bundle in the checkout (tests and bench); a run finds it with sample_bundle().
SAMPLE_DIR = (PROJECT_ROOT or Path()) / "data" / "sample"


def sample_bundle(policy) -> Path:
    """The policy's committed sample bundle (its domain's sample_input, e.g. data/sample): under
    the current directory, else in the checkout this package runs from. Synthetic data stays apart
    from the engine, so the wheel does not carry it; from an install the error says what to do."""
    relative = policy.domain.sample_input
    for base in (Path.cwd(), PROJECT_ROOT):
        if base is not None and (base / relative).is_dir():
            return base / relative
    raise BadInputError(
        relative, "no input bundle here (the sample bundles come with the source checkout, not the package)",
        hint=f"Pass --input DIR, or write a synthetic one with `zorginkoop generate --policy {policy.name} --output {relative}`")
