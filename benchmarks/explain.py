"""Time to a minimal conflict set (and to the relaxations) on infeasible scenarios.

Target: ≤ 30 s on 2 cores for the 3,000-teacher county. The baseline in the same run is CP-SAT's
raw core over the assumption literals (one solve, not minimised): its size shows what deletion
removes, its time what it costs.

    .venv/bin/python benchmarks/explain.py
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

from optimizer.explain import relaxations
from optimizer.explain.conflicts import find_conflicts
from optimizer.generate import benchmark, generate_county
from optimizer.io import load_scenario
from optimizer.model.cpsat import HardInstanceOracle
from optimizer.options import SolveOptions
from optimizer.scenario import Scenario

COLLIDING = (
    "rotation_quota.mode=hard",
    "rotation_quota.rate=0.3",
    "capacity.mode=hard",
    "capacity.max_departure_share=0.05",
)


def infeasible_3k() -> Scenario:
    return generate_county(replace(benchmark(3000), overrides=COLLIDING, pins_per_region=0))


def measure(name: str, scenario: Scenario, options: SolveOptions) -> None:
    started = time.monotonic()
    oracle = HardInstanceOracle(scenario, options)
    built = time.monotonic() - started
    started = time.monotonic()
    answer = oracle.check(oracle.labels, options.conflict_time_limit)
    print(f"{name}: {len(scenario.teachers)} teachers, {len(oracle.labels)} hard instances")
    print(f"  all hard instances together: feasible={answer} in {time.monotonic() - started:.2f} s")

    started = time.monotonic()
    conflicts = find_conflicts(scenario, options)
    conflict_seconds = time.monotonic() - started
    for number, conflict in enumerate(conflicts, start=1):
        print(
            f"  conflict {number}: {len(conflict.instances)} members, minimal={conflict.minimal}, "
            f"{conflict.seconds:.2f} s  ({', '.join(sorted({i.rule for i in conflict.instances}))})"
        )
    print(f"  all conflicts: {conflict_seconds:.2f} s (model build {built:.2f} s)")

    started = time.monotonic()
    explained, proposals = relaxations.propose(scenario, conflicts, options)
    print(f"  relaxations: {len(proposals)} in {time.monotonic() - started:.2f} s")
    for proposal in proposals:
        print(
            f"    units {proposal.units:>3}  cost {proposal.plan_cost:>9.1f}  {proposal.change.sentence_en}"
        )
    if explained:
        print(f"  summary: {explained[0].summary_en}")


def main() -> None:
    options = SolveOptions(time_limit=30, conflict_time_limit=30)
    root = Path(__file__).resolve().parent.parent
    measure("conflicting-quotas", load_scenario(root / "scenarios" / "conflicting-quotas"), options)
    measure("infeasible 3k county", infeasible_3k(), options)


if __name__ == "__main__":
    main()
