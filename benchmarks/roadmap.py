"""A 3-year roadmap against the one-year plan it is made of, on a 5,000-teacher county (issue 14:
"a 3-year roadmap within 3× the one-year solve time at the same gap").

The county is `county-5k` with three years of history, an ageing rural leadership and seed 000's
target (half of the rural leaders aged 45 or under by the third year). Rows, each in a fresh
process (so peak RSS is its own), with the same time limit per solve:

- one-year: this year's plan alone (the baseline);
- rolling: the roadmap, each year alone, the target held from its year on;
- path: the roadmap with the years before the target held to a straight path towards it.

"At the same gap": the roadmaps run with the one-year's final gap as their gap limit (each year
stops once proven within it, its time left to the years after; a roadmap keeps to 3 × the limit
in all), unless `--no-same-gap`.

Per row: wall seconds, then per year status, objective, bound and gap (the solver's, path goals
included), the young-leader share in the worst region, the plan's cost under the year's own
policy (what the roadmaps are compared by), and whether the target is met on time; then the
ratio of each roadmap's wall time to the one-year's and whether every year reached its gap.

    .venv/bin/python benchmarks/roadmap.py                    # county-5k, 30 s per solve
    .venv/bin/python benchmarks/roadmap.py --teachers 600 --time-limit 10   # a quick look
    .venv/bin/python benchmarks/roadmap.py --no-same-gap      # every year searches its whole share
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

YEARS = 3
TARGET = "young_rural_principal_share"


def county(teachers: int) -> Any:
    from optimizer.generate import generate_county, scale

    base = scale("county-5k")
    params = replace(
        base,
        teachers=teachers,
        schools=max(25, round(base.schools * teachers / base.teachers)),
        ageing_rural_leaders=0.8,
        history_years=3,
        name=f"roadmap-{teachers}",
        overrides=(
            *base.overrides,
            f"targets.{TARGET}.value=0.5",
            f"targets.{TARGET}.year={base.year + YEARS - 1}",
        ),
    )
    return generate_county(params)


def row(kind: str, teachers: int, time_limit: float, gap_limit: float) -> dict[str, Any]:
    from optimizer.options import EngineSettings
    from optimizer.regional import peak_rss_mb
    from optimizer.roadmap import plan_roadmap
    from optimizer.solve import solve

    scenario = county(teachers)
    settings = EngineSettings(time_limit=time_limit, seed=0, gap_limit=gap_limit)
    started = time.monotonic()
    if kind == "one-year":
        summary = solve(scenario, settings).summary
        years = [(scenario.policy.year, summary, None, summary.objective)]
        on_time = None
    else:
        roadmap = plan_roadmap(scenario, YEARS, settings, kind)
        years = [
            (y.year, y.result.summary, min((s.share for s in y.standings), default=None), y.cost)
            for y in roadmap.years
        ]
        on_time = all(roadmap.on_time(t) for t in roadmap.targets)
    return {
        "kind": kind,
        "wall_s": time.monotonic() - started,
        "years": [
            {
                "year": year,
                "status": summary.status,
                "objective": summary.objective,
                "bound": summary.bound,
                "gap": summary.gap,
                "young_share": share,
                "cost": cost,
            }
            for year, summary, share, cost in years
        ],
        "on_time": on_time,
        "peak_rss_mb": peak_rss_mb(),
    }


def run(kind: str, teachers: int, time_limit: float, gap_limit: float = 0.0) -> dict[str, Any]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(row, (kind, teachers, time_limit, gap_limit))


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.3%}"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--teachers", type=int, default=5000)
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per solve (default 30)")
    parser.add_argument("--rows", nargs="+", default=["one-year", "rolling", "path"])
    parser.add_argument(
        "--no-same-gap",
        dest="same_gap",
        action="store_false",
        help="run the roadmaps without the one-year's gap as their gap limit",
    )
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    gap_limit = 0.0
    for kind in args.rows:
        results.append(run(kind, args.teachers, args.time_limit, 0.0 if kind == "one-year" else gap_limit))
        if kind == "one-year" and args.same_gap:
            gap_limit = results[-1]["years"][0]["gap"] or 0.0
    baseline = next((r for r in results if r["kind"] == "one-year"), None)
    print(f"county of {args.teachers} teachers, {args.time_limit:g} s per solve, {YEARS} years")
    if gap_limit:
        print(f"roadmaps' gap limit: the one-year's gap, {percent(gap_limit)}")
    print(
        f"{'row':9} {'wall s':>7} {'×1-year':>8} {'year':>5} {'status':>9} {'objective':>11} "
        f"{'bound':>11} {'gap':>8} {'young':>6} {'plan cost':>10}  on time  peak MB"
    )
    for result in results:
        result["cost"] = sum(y["cost"] or 0 for y in result["years"])
        ratio = f"{result['wall_s'] / baseline['wall_s']:.2f}" if baseline else "—"
        for index, year in enumerate(result["years"]):
            head = f"{result['kind']:9} {result['wall_s']:7.1f} {ratio:>8}" if index == 0 else " " * 26
            young = "—" if year["young_share"] is None else f"{year['young_share']:.0%}"
            tail = f"  {result['on_time']!s:7}  {result['peak_rss_mb']:.0f}" if index == 0 else ""
            print(
                f"{head} {year['year']:>5} {year['status']:>9} {year['objective'] or 0:11.1f} "
                f"{year['bound'] or 0:11.1f} {percent(year['gap']):>8} {young:>6} "
                f"{year['cost'] or 0:10.1f}{tail}"
            )
    if baseline:
        gap = baseline["years"][0]["gap"] or 0.0
        for result in results:
            if result is baseline:
                continue
            worst = max((y["gap"] or 0.0) for y in result["years"])
            within = sum((y["gap"] or 0.0) <= gap + 1e-9 for y in result["years"])
            print(
                f"{result['kind']}: {result['wall_s'] / baseline['wall_s']:.2f}× the one-year wall time "
                f"(target ≤ 3×); {within} of {len(result['years'])} years within the one-year's gap "
                f"{percent(gap)} (worst {percent(worst)}); "
                f"plan cost over the years {result['cost']:.1f}; target on time: {result['on_time']}"
            )


if __name__ == "__main__":
    main()
