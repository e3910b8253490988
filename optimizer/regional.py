"""Many regions at once: a scenario whose regions are independent is planned region by region, in
parallel, on a local process pool or a Dask distributed cluster; the regions' results are merged
into one result (in memory) or one set of output files (streamed, for a province).

A region is the unit of rotation (SPEC): unless a rule ties regions together (e.g. a city-wide
quota, see each rule's `couples_regions`), the plan of a region does not depend on any other,
so each region is solved exactly as it would be alone, with the same settings. A worker receives
its own region only: a sub-scenario, or the files of its part of a split bundle.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

from optimizer.errors import Problem, ScenarioError
from optimizer.io.bundle import POLICY_FILE, read_policy
from optimizer.io.outputs import write_outputs
from optimizer.io.region_outputs import RegionOutputs
from optimizer.io.regions import (
    RegionPart,
    iter_region_scenarios,
    load_region_part,
    regions_of_bundle,
    split_bundle,
)
from optimizer.options import DiagnosisBudget, EngineSettings, Listeners, ModelEdits
from optimizer.plan import Plan, Summary
from optimizer.policy import Policy
from optimizer.result import Conflict, Relaxation, Result
from optimizer.rules import all_rules, merge_policy
from optimizer.scenario import Scenario
from optimizer.solve import solve


@dataclass(frozen=True)
class RegionTask:
    """One region to plan: its sub-scenario, or the files of its bundle part (name → bytes)."""

    region: str
    scenario: Scenario | None = None
    files: dict[str, bytes] | None = None
    teachers: int = 0
    render: bool = False
    """Send back the region's output files (plan.csv, report.json, ..., plan.xlsx) as bytes."""
    overrides: tuple[str, ...] = ()
    """Policy assignments (`rotation_quota.rate=0.15`) applied to a region loaded from files."""


@dataclass(frozen=True)
class RegionOutcome:
    """What a worker sends back: the region's result (None when its input had problems), the
    problems, and the worker's own figures."""

    region: str
    result: Result | None
    problems: tuple[Problem, ...] = ()
    files: dict[str, bytes] = field(default_factory=dict)
    teachers: int = 0
    load_seconds: float = 0.0
    wall_seconds: float = 0.0
    peak_rss_mb: float = 0.0


def joint_reason(policy: Policy) -> tuple[str, str] | None:
    """Why regions under this policy must be planned together (zh, en), or None when they can be
    planned apart. Each rule that can couple regions says so itself."""
    for rule in all_rules():
        reason = rule.couples_regions(policy)
        if reason is not None:
            return reason
    return None


def scenario_tasks(scenario: Scenario) -> list[RegionTask]:
    """One task per region of an in-memory scenario."""
    return [
        RegionTask(region.regions[0], scenario=region, teachers=len(region.teachers))
        for region in iter_region_scenarios(scenario)
    ]


def part_tasks(parts: Iterable[RegionPart], overrides: tuple[str, ...] = ()) -> Iterator[RegionTask]:
    """One task per part of a split bundle, read lazily: only the tasks in flight are in memory.
    The worker loads the part with `overrides`, writes the region's output files itself and sends
    them back."""
    for part in parts:
        files = {path.name: path.read_bytes() for path in sorted(part.folder.iterdir()) if path.is_file()}
        yield RegionTask(part.region, files=files, teachers=part.teachers, render=True, overrides=overrides)


def solve_region(
    task: RegionTask, settings: EngineSettings, edits: ModelEdits, diagnosis: DiagnosisBudget
) -> RegionOutcome:
    """Runs on a worker: load the region (when given as files), solve it, report."""
    started = time.monotonic()
    scenario = task.scenario
    scratch = Path(tempfile.mkdtemp(prefix="rotation-region-"))
    try:
        if scenario is None:
            assert task.files is not None
            part_folder = scratch / "part"
            part_folder.mkdir()
            for name, content in task.files.items():
                (part_folder / name).write_bytes(content)
            try:
                scenario = load_region_part(RegionPart(task.region, part_folder, task.teachers, 0))
                scenario = replace(scenario, policy=scenario.policy.with_overrides(task.overrides))
            except ScenarioError as error:
                return RegionOutcome(task.region, None, tuple(error.problems), teachers=task.teachers)
        loaded = time.monotonic()
        result = solve(scenario, settings, edits=edits, diagnosis=diagnosis)
        files = {}
        if task.render:
            written = write_outputs(result, scenario, scratch / "out")
            files = {path.name: path.read_bytes() for path in written}
        return RegionOutcome(
            task.region,
            result,
            (),
            files,
            len(scenario.teachers),
            load_seconds=loaded - started,
            wall_seconds=time.monotonic() - started,
            peak_rss_mb=peak_rss_mb(),
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def combined_hash(lines: Iterable[str]) -> str:
    """The input hash of a scenario planned by region: SHA-256 over `region:hash` of each
    region's input, in region order (the same whether the scenario was split in memory or as
    files)."""
    return hashlib.sha256("\n".join(sorted(lines)).encode()).hexdigest()


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- where regions run -------------------------------------------------------------------------


class Pool(Protocol):
    """A place to run region solves: a local process pool or a Dask cluster."""

    name: str
    slots: int

    def submit(
        self, task: RegionTask, settings: EngineSettings, edits: ModelEdits, diagnosis: DiagnosisBudget
    ) -> Any: ...

    def completed(self, futures: list[Any]) -> Iterator[Any]: ...

    def close(self) -> None: ...


class LocalPool:
    """Worker processes on this machine (spawned: CP-SAT and HiGHS threads do not survive fork)."""

    def __init__(self, processes: int) -> None:
        self.slots = max(1, processes)
        self.name = f"local process pool ({self.slots})"
        self._executor = ProcessPoolExecutor(max_workers=self.slots, mp_context=get_context("spawn"))

    def submit(
        self, task: RegionTask, settings: EngineSettings, edits: ModelEdits, diagnosis: DiagnosisBudget
    ) -> Future[RegionOutcome]:
        return self._executor.submit(solve_region, task, settings, edits, diagnosis)

    def completed(self, futures: list[Any]) -> Iterator[Any]:
        return as_completed(futures)

    def close(self) -> None:
        self._executor.shutdown(cancel_futures=True)


class DaskPool:
    """An existing Dask distributed scheduler (`tcp://host:8786`), or `local`: a LocalCluster
    of `processes` single-threaded worker processes started for this run."""

    def __init__(self, address: str, processes: int) -> None:
        from distributed import Client, LocalCluster

        self._cluster = None
        if address == "local":
            self._cluster = LocalCluster(
                n_workers=max(1, processes), threads_per_worker=1, processes=True, dashboard_address=None
            )
            self._client = Client(self._cluster)
        else:
            self._client = Client(address)
        workers = self._client.scheduler_info().get("workers", {})
        self.slots = max(1, sum(int(w.get("nthreads", 1)) for w in workers.values()))
        scheduler = self._client.scheduler
        assert scheduler is not None  # a connected client has one
        self.name = f"Dask cluster {scheduler.address} ({self.slots} slots)"

    def submit(
        self, task: RegionTask, settings: EngineSettings, edits: ModelEdits, diagnosis: DiagnosisBudget
    ) -> Any:
        return self._client.submit(solve_region, task, settings, edits, diagnosis, pure=False)

    def completed(self, futures: list[Any]) -> Iterator[Any]:
        from distributed import as_completed as dask_completed

        return iter(dask_completed(futures))

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def open_pool(cluster: str | None, processes: int | None = None) -> Pool:
    """`cluster` None: a local process pool; `local`: a Dask LocalCluster; else a scheduler
    address. `processes` defaults to the machine's cores."""
    count = processes or os.cpu_count() or 1
    if cluster is None:
        return LocalPool(count)
    return DaskPool(cluster, count)


# -- running and merging -----------------------------------------------------------------------

RegionProgress = Callable[[int, int, float | None], None]
"""progress(regions done, regions in all, worst gap so far)."""


def run_regions(
    tasks: Iterable[RegionTask],
    total: int,
    pool: Pool,
    settings: EngineSettings,
    edits: ModelEdits,
    diagnosis: DiagnosisBudget,
    progress: RegionProgress | None = None,
) -> Iterator[RegionOutcome]:
    """Solve every task on the pool with the same settings, edits and diagnosis budget, at most
    twice its slots in flight (so a province's parts are not all read at once); yields outcomes
    as regions finish. Workers get no listeners: `progress` here counts regions."""
    pending = iter(tasks)
    in_flight: list[Any] = []
    done = 0
    worst: float | None = None

    def fill() -> None:
        while len(in_flight) < 2 * pool.slots:
            task = next(pending, None)
            if task is None:
                return
            in_flight.append(pool.submit(task, settings, edits, diagnosis))

    fill()
    while in_flight:
        future = next(iter(pool.completed(in_flight)))
        in_flight.remove(future)
        outcome: RegionOutcome = future.result()
        done += 1
        gap = None if outcome.result is None else outcome.result.summary.gap
        if gap is not None:
            worst = gap if worst is None else max(worst, gap)
        if progress is not None:
            progress(done, total, worst)
        fill()
        yield outcome


def plan_regions(
    tasks: Iterable[RegionTask],
    total: int,
    on_outcome: Callable[[RegionOutcome], None],
    settings: EngineSettings,
    edits: ModelEdits,
    diagnosis: DiagnosisBudget,
    *,
    cluster: str | None = None,
    processes: int | None = None,
    progress: RegionProgress | None = None,
) -> dict[str, Any]:
    """The one path of a scenario planned by region, whether its regions are held in memory or
    read from a split bundle: a pool is opened (`open_pool`), every task solved on it, each outcome
    handed to `on_outcome` as its region finishes, the pool closed. Returns the summary's `split`
    note."""
    pool = open_pool(cluster, processes)
    try:
        for outcome in run_regions(tasks, total, pool, settings, edits, diagnosis, progress):
            on_outcome(outcome)
        return split_note(total, pool.name)
    finally:
        pool.close()


STATUS_ORDER = ("infeasible", "timeout_no_plan", "feasible", "optimal")
"""A merged status is the worst of its regions'."""


@dataclass
class RegionFigures:
    """Per-region lines of summary.json and the running totals of a merged summary."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def add(self, outcome: RegionOutcome) -> None:
        self.problems.extend(outcome.problems)
        if outcome.result is None:
            return
        s = outcome.result.summary
        self.rows.append(
            {
                "region": outcome.region,
                "teachers": outcome.teachers,
                "status": s.status,
                "objective": s.objective,
                "bound": s.bound,
                "gap": s.gap,
                "bound_source": s.bound_source,
                "input_hash": s.input_hash,
                "solve_seconds": round(s.solve_seconds, 3),
                "wall_seconds": round(outcome.wall_seconds, 3),
                "worker_peak_rss_mb": round(outcome.peak_rss_mb, 1),
                "summary": s,
            }
        )

    def summary(self, split: dict[str, Any]) -> Summary:
        """The regions' summaries added up: status the worst, objective and bound summed, gap
        against the summed bound; `regions` lists each region's own figures."""
        summaries: list[Summary] = [row["summary"] for row in self.rows]
        status = min((s.status for s in summaries), key=STATUS_ORDER.index, default="infeasible")
        solved = status in ("optimal", "feasible")
        objective = sum(s.objective or 0.0 for s in summaries) if solved else None
        bounds = [s.bound for s in summaries]
        bound = sum(b for b in bounds if b is not None) if solved and None not in bounds else None
        gap = None
        if objective is not None and bound is not None:
            gap = 0.0 if status == "optimal" else max(0.0, objective - bound) / max(1.0, abs(objective))
        sources = sorted({s.bound_source for s in summaries if s.bound_source})
        first = summaries[0] if summaries else None
        return Summary(
            status=status,
            objective=objective,
            bound=bound,
            gap=gap,
            solve_seconds=max((s.solve_seconds for s in summaries), default=0.0),
            build_seconds=max((s.build_seconds for s in summaries), default=0.0),
            eligible=sum(s.eligible for s in summaries),
            rotating=sum(s.rotating for s in summaries),
            backbone_rotating=sum(s.backbone_rotating for s in summaries),
            shortage_filled=sum(s.shortage_filled for s in summaries),
            shortage_total=sum(s.shortage_total for s in summaries),
            shortage_weighted_filled=sum(s.shortage_weighted_filled for s in summaries),
            shortage_weighted_total=sum(s.shortage_weighted_total for s in summaries),
            unmet_before=sum(s.unmet_before for s in summaries),
            unmet_after=round(sum(s.unmet_after for s in summaries), 6),
            vacancies_filled=round(sum(s.vacancies_filled for s in summaries), 6),
            vacancies_open=round(sum(s.vacancies_open for s in summaries), 6),
            vacancies_created=round(sum(s.vacancies_created for s in summaries), 6),
            hires=sum(s.hires for s in summaries),
            hire_budget=sum(s.hire_budget for s in summaries),
            exchanges=sum(s.exchanges for s in summaries),
            itinerant_assignments=sum(s.itinerant_assignments for s in summaries),
            schools_with_principal_before=sum(s.schools_with_principal_before for s in summaries),
            schools_with_principal_after=sum(s.schools_with_principal_after for s in summaries),
            variables=sum(s.variables for s in summaries),
            hard_violations=sum(s.hard_violations for s in summaries),
            bound_source="+".join(sources),
            input_hash=combined_hash(row["region"] + ":" + row["input_hash"] for row in self.rows),
            settings=first.settings if first else {},
            versions=first.versions if first else {},
            split=split,
            regions=[{k: v for k, v in row.items() if k != "summary"} for row in self.rows],
        )


def split_note(regions: int, pool_name: str) -> dict[str, Any]:
    return {
        "mode": "by_region",
        "regions": regions,
        "pool": pool_name,
        "reason_zh": f"{regions} 个区县相互独立,分别规划(并行)",
        "reason_en": f"{regions} independent regions, planned apart in parallel",
    }


def joint_note(regions: int, reason: tuple[str, str]) -> dict[str, Any]:
    return {"mode": "joint", "regions": regions, "pool": "", "reason_zh": reason[0], "reason_en": reason[1]}


def merge_results(outcomes: list[RegionOutcome], split: dict[str, Any]) -> Result:
    """The regions' results as one result (in region order), for callers that hold it in memory.
    ScenarioError with every region's input problems when any region had some."""
    ordered = sorted(outcomes, key=lambda o: o.region)
    figures = RegionFigures()
    for outcome in ordered:
        figures.add(outcome)
    if figures.problems:
        raise ScenarioError(figures.problems)
    results = [o.result for o in ordered if o.result is not None]
    conflicts: list[Conflict] = []
    relaxations: list[Relaxation] = []
    for result in results:
        offset = len(conflicts)
        conflicts.extend(result.conflicts)
        relaxations.extend(replace(r, conflict=r.conflict + offset) for r in result.relaxations)
    return Result(
        plan=Plan(
            tuple(move for result in results for move in result.plan.moves),
            exchanges=tuple(move for result in results for move in result.plan.exchanges),
            hires=tuple(hire for result in results for hire in result.plan.hires),
            itinerant=tuple(assignment for result in results for assignment in result.plan.itinerant),
        ),
        report=tuple(row for result in results for row in result.report),
        summary=figures.summary(split),
        conflicts=tuple(conflicts),
        relaxations=tuple(relaxations),
        shortfalls={k: v for result in results for k, v in result.shortfalls.items()},
    )


def solve_scenario(
    scenario: Scenario,
    settings: EngineSettings,
    *,
    edits: ModelEdits | None = None,
    listeners: Listeners | None = None,
    diagnosis: DiagnosisBudget | None = None,
    cluster: str | None = None,
    processes: int | None = None,
    progress: RegionProgress | None = None,
) -> Result:
    """Plan a scenario: region by region in parallel when its regions are independent and there
    are several, else jointly in this process (where `listeners` hear the engines); the summary
    says which and why."""
    edits = edits or ModelEdits()
    diagnosis = diagnosis or DiagnosisBudget()
    regions = len(scenario.regions)
    reason = joint_reason(scenario.policy) if regions > 1 else None
    if regions < 2 or reason is not None:
        result = solve(scenario, settings, edits=edits, listeners=listeners, diagnosis=diagnosis)
        split = joint_note(regions, reason) if reason else {"mode": "single", "regions": regions}
        return replace(result, summary=replace(result.summary, split=split))
    tasks = scenario_tasks(scenario)
    outcomes: list[RegionOutcome] = []
    split = plan_regions(
        tasks,
        len(tasks),
        outcomes.append,
        settings,
        edits,
        diagnosis,
        cluster=cluster,
        processes=processes,
        progress=progress,
    )
    return merge_results(outcomes, split)


def bundle_splits(bundle: str | Path, overrides: tuple[str, ...] = ()) -> bool:
    """Whether a bundle folder has several regions and no rule (under `overrides`) ties them."""
    policy, _ = bundle_policy(bundle, overrides)
    return len(regions_of_bundle(bundle)) > 1 and joint_reason(policy) is None


def plan_bundle(
    bundle: str | Path,
    out_dir: str | Path,
    settings: EngineSettings,
    *,
    diagnosis: DiagnosisBudget | None = None,
    overrides: tuple[str, ...] = (),
    cluster: str | None = None,
    processes: int | None = None,
    progress: RegionProgress | None = None,
) -> Summary:
    """Plan a bundle folder of independent regions (see `bundle_splits`) without holding it
    whole: split it by region (streaming), solve the parts on the pool, write each region's files
    as it finishes and the merged files at the end. ScenarioError with every problem of every
    region; then nothing is written."""
    policy, name = bundle_policy(bundle, overrides)
    with tempfile.TemporaryDirectory(prefix="rotation-split-") as work:
        parts = split_bundle(bundle, Path(work) / "parts")
        outputs = RegionOutputs(out_dir)
        figures = RegionFigures()

        def collect(outcome: RegionOutcome) -> None:
            figures.add(outcome)
            if outcome.files:
                outputs.add(outcome.region, outcome.files)

        try:
            split = plan_regions(
                part_tasks(parts, overrides),
                len(parts),
                collect,
                settings,
                ModelEdits(),
                diagnosis or DiagnosisBudget(),
                cluster=cluster,
                processes=processes,
                progress=progress,
            )
            if figures.problems:
                raise ScenarioError(figures.problems)
            summary = figures.summary(split)
            outputs.finish({"scenario": name, "year": policy.year, **asdict(summary)})
            return summary
        except BaseException:
            outputs.abandon()
            raise


def bundle_policy(bundle: str | Path, overrides: tuple[str, ...] = ()) -> tuple[Policy, str]:
    """The bundle's policy with `overrides`, and the scenario's name (policy.toml's `name`, else
    the folder's)."""
    problems: list[Problem] = []
    raw = read_policy(Path(bundle) / POLICY_FILE, problems)
    policy = merge_policy(raw, POLICY_FILE, problems)
    if problems:
        raise ScenarioError(problems)
    return policy.with_overrides(overrides), str(raw.get("name") or Path(bundle).name)
