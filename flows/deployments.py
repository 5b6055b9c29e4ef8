"""The yearly schedules of every bundled policy, read from its policy file (`schedule:`).

paramedie-2024: selection 1 September, publication 12 November; ggz-2021: selection 1 August
(before the offerteformats go out), publication 12 November; all Europe/Amsterdam.
`make serve` starts a local Prefect server and runs this module, which serves the selection and
publication flows of each policy with their schedules. Prefect's scheduler plans runs at most
100 days ahead, so a yearly run appears in the UI only from about three months before it is due.
Inputs and outputs: ZORGINKOOP_INPUT_<POLICY> / ZORGINKOOP_OUTPUT_<POLICY> (e.g.
ZORGINKOOP_INPUT_GGZ_2021), else the policy's sample bundle and out/<policy>.
"""

from __future__ import annotations

from prefect import serve
from prefect.schedules import Cron

from flows.annual_selection import annual_selection
from flows.publication import publication
from zorginkoop.paths import POLICIES_DIR
from zorginkoop.engine.policy import load_policy
from zorginkoop.settings import per_policy


def deployments(policy: str = "paramedie-2024", input_dir: str | None = None, output_dir: str | None = None):
    loaded = load_policy(policy)
    schedule = loaded.model.schedule
    input_dir = input_dir or per_policy("INPUT", policy) or loaded.domain.sample_input
    output_dir = output_dir or per_policy("OUTPUT", policy) or f"out/{policy}"
    selection = annual_selection.to_deployment(
        name=f"{policy}-selectie", schedule=Cron(schedule.selection, timezone=schedule.timezone),
        parameters={"policy": policy, "input_dir": input_dir, "output_dir": output_dir})
    publish = publication.to_deployment(
        name=f"{policy}-publicatie", schedule=Cron(schedule.publication, timezone=schedule.timezone),
        parameters={"run_dir": output_dir, "acceptances": f"{input_dir}/acceptances/acceptances.csv",
                    "policy": policy, "output_dir": f"{output_dir}-publicatie"})
    return [selection, publish]


def all_deployments():
    return [d for path in sorted(POLICIES_DIR.glob("*.yaml")) for d in deployments(path.stem)]


if __name__ == "__main__":
    serve(*all_deployments())
