"""Where the project's data files live (policies, SQL, expectations, seeds)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
POLICIES_DIR = PROJECT_ROOT / "policies"
SQL_DIR = PROJECT_ROOT / "sql"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
SEEDS_DIR = PROJECT_ROOT / "seeds"
SAMPLE_DIR = PROJECT_ROOT / "data" / "sample"
