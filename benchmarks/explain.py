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

from optimizer.diagnosis import relaxations
from optimizer.diagnosis.conflicts import find_conflicts
from optimizer.diagnosis.oracle import HardInstanceOracle
from optimizer.generate import benchmark, generate_county
from optimizer.io import load_scenario
from optimizer.options import DiagnosisBudget, EngineSettings
from optimizer.scenario import Scenario

COLLIDING = (
    "rotation_quota.mode=hard",
    "rotation_quota.rate=0.3",
    "capacity.mode=hard",
    "capacity.max_departure_share=0.05",
)


def infeasible_3k() -> Scenario:
    return generate_county(replace(benchmark(3000), overrides=COLLIDING, pins_per_region=0))


def measure(name: str, scenario: Scenario, settings: EngineSettings, budget: DiagnosisBudget) -> None:
    started = time.monotonic()
    oracle = HardInstanceOracle(scenario, settings)
    built = time.monotonic() - started
    started = time.monotonic()
    answer = oracle.check(oracle.labels, budget.time_limit)
    print(f"{name}: {len(scenario.teachers)} teachers, {len(oracle.labels)} hard instances")
    print(f"  all hard instances together: feasible={answer} in {time.monotonic() - started:.2f} s")

    started = time.monotonic()
    conflicts = find_conflicts(scenario, settings, budget)
    conflict_seconds = time.monotonic() - started
    for number, conflict in enumerate(conflicts, start=1):
        print(
            f"  conflict {number}: {len(conflict.instances)} members, minimal={conflict.minimal}, "
            f"{conflict.seconds:.2f} s  ({', '.join(sorted({i.rule for i in conflict.instances}))})"
        )
    print(f"  all conflicts: {conflict_seconds:.2f} s (model build {built:.2f} s)")

    started = time.monotonic()
    explained, proposals = relaxations.propose(scenario, conflicts, settings, budget)
    print(f"  relaxations: {len(proposals)} in {time.monotonic() - started:.2f} s")
    for proposal in proposals:
        print(
            f"    units {proposal.units:>3}  cost {proposal.plan_cost:>9.1f}  {proposal.change.sentence_en}"
        )
    if explained:
        print(f"  summary: {explained[0].summary_en}")


def main() -> None:
    settings, budget = EngineSettings(time_limit=30), DiagnosisBudget(time_limit=30)
    root = Path(__file__).resolve().parent.parent
    measure("conflicting-quotas", load_scenario(root / "scenarios" / "conflicting-quotas"), settings, budget)
    measure("infeasible 3k county", infeasible_3k(), settings, budget)


if __name__ == "__main__":
    main()
