"""Process-wide settings, applied once before Prefect or Great Expectations are imported."""

from __future__ import annotations

import logging
import os

from .paths import PROJECT_ROOT


def apply_defaults(quiet: bool = False) -> None:
    # Prefect keeps its database and temporary-server state inside the project, never in ~.
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    if quiet or os.environ.get("CI"):
        os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    logging.basicConfig(level=logging.WARNING if quiet else logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("great_expectations", "httpx", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
