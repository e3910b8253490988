"""Scale and quality in one table: generated instances with fixed seeds, each solved by our default
path and by three references, every row measured on this machine in this run.

Rows per instance:
- ours: the default path (HiGHS in stages: LP bound, MIPs restricted by reduced costs; CP-SAT
  finishing when HiGHS has not proven the plan; independent regions split and solved in
  parallel, on a LocalCluster for the province);
- greedy: what an HR section does in Excel (benchmarks/baselines/greedy.py);
- independent MIP: a separate formulation of the same rules in HiGHS, written without the
  project's model code (benchmarks/baselines/independent_mip.py), on the single-region rows;
- per-teacher CP-SAT: the same model, CP-SAT alone, no warm start.

Every plan goes through the project's checker: `viol` counts hard-rule violations, `obj` is the
solver's objective (the checker's cost for greedy). `unmet` is the demand unmet over all schools
(posts, 走教 shares counted) before → after the plan, `hires` the teachers it recruits. `t→MIP` is
when ours first held a plan at least as good as the independent MIP's final one. Each row runs in
a fresh process, so peak RSS is its own (driver; worker = the largest region worker's).

    .venv/bin/python benchmarks/scale.py                 # county-5k, region-10k, city-40k
    .venv/bin/python benchmarks/scale.py --quick         # the 600-teacher demo county only
    .venv/bin/python benchmarks/scale.py --province      # and the 400,000-teacher province (minutes)
    .venv/bin/python benchmarks/scale.py --scaling       # city-40k on LocalClusters of 1, 2, 4 workers
    .venv/bin/python benchmarks/scale.py --instances county-5k --rows ours greedy
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@dataclass(frozen=True)
class Instance:
    preset: str
    wall_target: float
    regions: int
    teachers: int
    rows: tuple[str, ...]


INSTANCES = {
    "demo-county": Instance("demo-county", 30.0, 1, 600, ("mip", "ours", "greedy")),
    "county-5k": Instance("county-5k", 30.0, 1, 5_000, ("mip", "ours", "cpsat", "greedy")),
    "region-10k": Instance("region-10k", 60.0, 1, 10_000, ("mip", "ours", "cpsat", "greedy")),
    "city-40k": Instance("city-40k", 120.0, 10, 40_000, ("ours", "cpsat", "greedy")),
    # No wall target in the issue (it must complete, every region ≤ 1 %): 900 s gives each of the
    # 100 regions about 2 + 14 s in 50 rounds of 2.
    "province-400k": Instance("province-400k", 900.0, 100, 400_000, ("ours", "greedy")),
}
ROW_NAMES = {
    "ours": "ours",
    "greedy": "greedy",
    "mip": "independent MIP",
    "cpsat": "per-teacher CP-SAT",
}
MARGIN = 0.9  # share of the wall-time target given to solving; the rest covers load, build, writing
STAFFING = ("unmet_before", "unmet_after", "hires")
"""Summary figures of the staffing columns (a merged summary adds them up over the regions)."""


def solve_budget(wall: float, elapsed: float) -> float:
    """Seconds for solve() after loading (its time limit covers the model's build): the target
    less what is spent."""
    return max(5.0, wall * MARGIN - elapsed)


def region_budget(wall: float, regions: int, processes: int, teachers: int) -> float:
    """Per-region time limit so that rounds of `processes` regions fit in the target, each round
    also loading and writing its regions (about 0.5 ms per teacher here; the limit covers the
    model's build)."""
    rounds = math.ceil(regions / processes)
    overhead = 0.0005 * teachers / regions
    return max(5.0, (wall * MARGIN - 5.0) / rounds - overhead)


def figures(summary: Any, started: float, load_s: float, extra: dict[str, Any]) -> dict[str, Any]:
    from optimizer.regional import peak_rss_mb

    regions = getattr(summary, "regions", []) or []
    return {
        "load_s": load_s,
        "build_s": summary.build_seconds,
        "solve_s": summary.solve_seconds,
        "wall_s": time.monotonic() - started,
        "status": summary.status,
        "objective": summary.objective,
        "bound": summary.bound,
        "gap": summary.gap,
        "worst_region_gap": max((r["gap"] for r in regions if r["gap"] is not None), default=summary.gap),
        "shortage": f"{summary.shortage_weighted_filled:.0f}/{summary.shortage_weighted_total:.0f}",
        "violations": summary.hard_violations,
        **{name: getattr(summary, name) for name in STAFFING},
        "driver_rss_mb": peak_rss_mb(),
        "worker_rss_mb": max((r["worker_peak_rss_mb"] for r in regions), default=None),
        **extra,
    }


def run_solver_row(
    kind: str, bundle: Path, instance: Instance, processes: int, cluster: str | None, region_limit: float
) -> dict:
    """ours / cpsat: split by region when the bundle has several, else solve in this process."""
    from optimizer.io import load_scenario
    from optimizer.options import EngineSettings, Listeners
    from optimizer.regional import bundle_splits, plan_bundle
    from optimizer.solve import solve

    started = time.monotonic()
    engine = "auto" if kind == "ours" else "cp-sat"
    if bundle_splits(bundle):
        limit = region_limit or region_budget(
            instance.wall_target, instance.regions, processes, instance.teachers
        )
        settings = EngineSettings(time_limit=limit, engine=engine)
        with tempfile.TemporaryDirectory() as out:
            summary = plan_bundle(bundle, out, settings, cluster=cluster, processes=processes)
        return figures(summary, started, 0.0, {"region_limit_s": limit})
    scenario = load_scenario(bundle)
    load_s = time.monotonic() - started
    trajectory: list[tuple[float, float]] = []

    def progress(_: float, objective: float | None, __: float | None) -> None:
        if objective is not None:
            trajectory.append((time.monotonic() - started, objective))

    limit = solve_budget(instance.wall_target, load_s)
    settings = EngineSettings(time_limit=limit, engine=engine)
    result = solve(scenario, settings, listeners=Listeners(progress=progress))
    return figures(result.summary, started, load_s, {"trajectory": trajectory})


def run_greedy_row(bundle: Path) -> dict:
    """Greedy region by region (a province never sits whole in memory), checked by the checker."""
    from baselines.greedy import greedy_plan

    from optimizer.io.regions import load_region_part, split_bundle
    from optimizer.regional import RegionFigures, RegionOutcome, split_note
    from optimizer.solve import plan_result

    started = time.monotonic()
    tally = RegionFigures()
    load_s = 0.0
    with tempfile.TemporaryDirectory() as work:
        parts = split_bundle(bundle, Path(work) / "parts")
        load_s += time.monotonic() - started
        for part in parts:
            begun = time.monotonic()
            scenario = load_region_part(part)
            load_s += time.monotonic() - begun
            result = plan_result(scenario, greedy_plan(scenario))
            tally.add(RegionOutcome(part.region, result, teachers=len(scenario.teachers)))
    summary = tally.summary(split_note(len(parts), "this process"))
    return figures(summary, started, load_s, {})


def run_mip_row(bundle: Path, instance: Instance) -> dict:
    """The independent formulation in HiGHS; its plan is checked by the project's checker."""
    from baselines.independent_mip import solve_independent

    from optimizer.io import load_scenario
    from optimizer.report import check_plan, hard_violations, plan_cost, summarize

    started = time.monotonic()
    scenario = load_scenario(bundle)
    load_s = time.monotonic() - started
    mip = solve_independent(scenario, time_limit=solve_budget(instance.wall_target, load_s))
    report = check_plan(scenario, mip.plan)
    summary = summarize(
        scenario,
        mip.plan,
        report,
        status=mip.status,
        objective=mip.objective,
        bound=mip.bound,
        gap=None
        if mip.objective is None or mip.bound is None
        else (mip.objective - mip.bound) / max(1.0, mip.objective),
        solve_seconds=mip.seconds,
        build_seconds=0.0,
    )
    return figures(
        summary,
        started,
        load_s,
        {"checker_cost": plan_cost(report), "violations": len(hard_violations(report))},
    )


def child(
    kind: str, bundle: str, instance_name: str, processes: int, cluster: str, region_limit: float
) -> None:
    from optimizer.process_exit import exit_process

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    instance = INSTANCES[instance_name]
    path = Path(bundle)
    if kind in ("ours", "cpsat"):
        row = run_solver_row(kind, path, instance, processes, cluster or None, region_limit)
    elif kind == "greedy":
        row = run_greedy_row(path)
    else:
        row = run_mip_row(path, instance)
    print(json.dumps(row))
    exit_process(0)


def run_child(
    kind: str, bundle: Path, instance: str, processes: int, cluster: str | None, region_limit: float = 0.0
) -> dict:
    """One row in a fresh process (its own peak RSS); region_limit 0: from the wall target."""
    command = [sys.executable, __file__, "--child", kind, str(bundle), instance, str(processes)]
    command += [cluster or "", str(region_limit)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def number(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


HEADER = (
    f"{'instance':<14} {'row':<19} {'load s':>6} {'build s':>7} {'solve s':>7} {'wall s':>7} {'status':<9} "
    f"{'objective':>11} {'bound':>11} {'gap':>7} {'worst':>7} {'w. shortage':>13} {'unmet':>13} {'hires':>5} "
    f"{'viol':>4} {'drv MB':>7} {'wrk MB':>7} {'t→MIP s':>7}"
)


def line(instance: str, row: str, r: dict) -> str:
    if "error" in r:
        return f"{instance:<14} {ROW_NAMES[row]:<19} error: {r['error']}"
    gap = number(None if r["gap"] is None else 100 * r["gap"], ".3f")
    worst = number(None if r["worst_region_gap"] is None else 100 * r["worst_region_gap"], ".3f")
    return (
        f"{instance:<14} {ROW_NAMES[row]:<19} {r['load_s']:>6.1f} {r['build_s']:>7.1f} {r['solve_s']:>7.1f} "
        f"{r['wall_s']:>7.1f} {r['status']:<9} {number(r['objective'], '.0f'):>11} "
        f"{number(r['bound'], '.0f'):>11} {gap + '%':>7} {worst + '%':>7} {r['shortage']:>13} "
        f"{unmet(r):>13} {r['hires']:>5.0f} "
        f"{violations(r):>4} {r['driver_rss_mb']:>7.0f} {number(r['worker_rss_mb'], '.0f'):>7} "
        f"{number(r.get('to_mip_s'), '.1f'):>7}"
    )


def unmet(row: dict) -> str:
    """Posts unmet over all schools, before → after the plan (走教 shares count in part)."""
    return f"{row['unmet_before']:g}→{row['unmet_after']:g}"


def violations(row: dict) -> str:
    """Hard-rule violations of the plan; `-` where there is no plan to check."""
    return "-" if row["status"] in ("timeout_no_plan", "infeasible") else str(row["violations"])


def time_to_reach(trajectory: list[list[float]], objective: float | None) -> float | None:
    if objective is None:
        return None
    return next((t for t, value in trajectory if value <= objective + 1e-6), None)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--instances", nargs="+", default=["county-5k", "region-10k", "city-40k"])
    parser.add_argument("--rows", nargs="+", default=list(ROW_NAMES), choices=list(ROW_NAMES))
    parser.add_argument("--province", action="store_true", help="add the 400,000-teacher province")
    parser.add_argument("--quick", action="store_true", help="only the 600-teacher demo county")
    parser.add_argument("--scaling", action="store_true", help="city-40k, ours, on 1, 2 and 4 Dask workers")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, bundle, instance, processes, cluster, region_limit = args.child
        child(kind, bundle, instance, int(processes), cluster, float(region_limit))
        return

    from optimizer.generate import preset, write_generated_bundle

    names = list(dict.fromkeys(args.instances + (["province-400k"] if args.province else [])))
    if args.quick:
        names = ["demo-county"]
    print(
        f"cores: {os.cpu_count()}; targets (wall s): "
        + ", ".join(f"{n} {INSTANCES[n].wall_target:g}" for n in names)
    )
    with tempfile.TemporaryDirectory(prefix="rotation-scale-") as work:
        if args.scaling:
            scaling(Path(work))
            return
        print(HEADER, flush=True)
        for name in names:
            instance = INSTANCES[name]
            bundle = Path(work) / name
            write_generated_bundle(preset(instance.preset), bundle, workers=args.processes)
            cluster = "local" if name == "province-400k" else None
            mip_objective = None
            for row in instance.rows:
                if row not in args.rows:
                    continue
                result = run_child(row, bundle, name, args.processes, cluster)
                if row == "mip" and "error" not in result:
                    mip_objective = result["objective"]
                if row == "ours" and "trajectory" in result:
                    result["to_mip_s"] = time_to_reach(result["trajectory"], mip_objective)
                print(line(name, row, result), flush=True)


def scaling(work: Path) -> None:
    """Wall time of ours on the city with 1, 2 and 4 Dask workers, the same per-region limit (the
    one the default table gives 2 processes)."""
    from optimizer.generate import preset, write_generated_bundle

    bundle = work / "city-40k"
    write_generated_bundle(preset("city-40k"), bundle, workers=2)
    print(f"{'Dask workers':>12} {'wall s':>7} {'status':<9} {'worst gap':>9}")
    city = INSTANCES["city-40k"]
    limit = region_budget(city.wall_target, city.regions, 2, city.teachers)
    print(f"per-region time limit {limit:.1f} s")
    for workers in (1, 2, 4):
        result = run_child("ours", bundle, "city-40k", workers, "local", limit)
        if "error" in result:
            print(f"{workers:>12} error: {result['error']}")
            continue
        worst = number(
            None if result["worst_region_gap"] is None else 100 * result["worst_region_gap"], ".3f"
        )
        print(f"{workers:>12} {result['wall_s']:>7.1f} {result['status']:<9} {worst + '%':>9}", flush=True)


if __name__ == "__main__":
    main()
