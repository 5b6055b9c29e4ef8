"""The November publication as a Prefect flow: a finished selection run plus VECOZO acceptances
-> the definitive zorgzoeker file (status definitief)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from zorginkoop.engine.policy import load_policy
from zorginkoop.engine.publication import publish_zorgzoeker


@task(name="publish-zorgzoeker", cache_policy=NO_CACHE)
def build_zorgzoeker(run_dir: Path, acceptances: Path, policy_name: str, output_dir: Path) -> dict[str, int]:
    counts = publish_zorgzoeker(run_dir, acceptances, load_policy(policy_name), output_dir)
    get_run_logger().info("zorgzoeker: %d rows, %d contracted, %d acceptances counted, %d quarantined, %d offers unanswered",
                          counts["zorgzoeker.parquet"], counts["contracted"], counts["accepted"],
                          counts["acceptances_quarantined"], counts["unanswered_offers.parquet"])
    create_markdown_artifact(key="zorgzoeker-publication",
                             markdown=f"Definitive zorgzoeker: {counts['zorgzoeker.parquet']} rows, "
                                      f"{counts['contracted']} contracted, from {counts['accepted']} accepted contracts; "
                                      f"{counts['acceptances_quarantined']} acceptance row(s) in quarantine, "
                                      f"{counts['unanswered_offers.parquet']} offer(s) unanswered.")
    return counts


@flow(name="publication")
def publication(run_dir: str, acceptances: str, policy: str, output_dir: str | None = None) -> dict:
    """Write zorgzoeker.parquet and zorgzoeker.csv, status definitief, from a run and its acceptances
    (output_dir defaults to <run_dir>-publicatie)."""
    load_policy(policy)
    output_dir = output_dir or f"{run_dir.rstrip('/')}-publicatie"
    return build_zorgzoeker(Path(run_dir), Path(acceptances), policy, Path(output_dir))
