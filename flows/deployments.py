"""The yearly schedule: selection in September, publication on 12 November (Europe/Amsterdam).

`make serve` starts a local Prefect server and runs this module, which serves both flows
with their schedules. Prefect's scheduler plans runs at most 100 days ahead, so a yearly
run appears in the UI only from about three months before it is due.
"""

from __future__ import annotations

import os

from prefect import serve
from prefect.schedules import Cron

from flows.annual_selection import annual_selection
from flows.publication import publication

TIMEZONE = "Europe/Amsterdam"
SELECTION_CRON = "0 6 1 9 *"      # 1 September, 06:00
PUBLICATION_CRON = "0 6 12 11 *"  # 12 November, 06:00 (policy: publiceren gecontracteerde aanbieders)


def deployments(policy: str = "paramedie-2024", input_dir: str | None = None, output_dir: str | None = None):
    input_dir = input_dir or os.environ.get("ZORGINKOOP_INPUT", "data/sample")
    output_dir = output_dir or os.environ.get("ZORGINKOOP_OUTPUT", f"out/{policy}")
    selection = annual_selection.to_deployment(
        name=f"{policy}-selectie", schedule=Cron(SELECTION_CRON, timezone=TIMEZONE),
        parameters={"policy": policy, "input_dir": input_dir, "output_dir": output_dir})
    publish = publication.to_deployment(
        name=f"{policy}-publicatie", schedule=Cron(PUBLICATION_CRON, timezone=TIMEZONE),
        parameters={"run_dir": output_dir, "acceptances": f"{input_dir}/acceptances/acceptances.csv",
                    "policy": policy, "output_dir": f"{output_dir}-publicatie"})
    return [selection, publish]


if __name__ == "__main__":
    serve(*deployments())
