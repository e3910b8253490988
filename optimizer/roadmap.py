"""A roadmap: the county planned year after year so that every `[targets]` entry of the policy is
met by its year (SPEC "Years, not one year").

Each year is an ordinary plan of that year's bundle, solved and checked as any other; the next
year's bundle is this one rolled forward under the plan (`optimizer.advance`). Two ways to plan
the years before a target falls due:

- `rolling`: each year alone; a target holds from its year on (rule `indicator_targets`).
- `path` (rolling with look-ahead): the years before also strive for a straight path from where
  the county stands to the target (each member short of the year's goal costs the target rule's
  weight), so the share is built up while there is time.

`auto` (the default) plans `rolling` and, when a target is then not met by its year, `path` too,
and keeps the roadmap that meets more targets on time, then the cheaper. On the shipped history
county and on the 5,000-teacher county of `benchmarks/roadmap.py` both meet the target
(principal_rotation's own young share already pulls each year) at costs within 0.1 % of each
other, so rolling, one pass, comes first; `path` is the fallback for a target the years before
must build up to. A joint model of all years at once is
not built: each year's rules read that year's bundle, which only exists once the year before is
planned.

A roadmap of N years keeps to N × the settings' time limit in all: each year's solves get an even
share of the time left (never under MIN_YEAR_SHARE of the limit), so a year proved early (or, with
a gap limit, within it early) leaves its time to the years after it, and the work between the
solves (checking a plan, rolling the county forward) is paid from the same time rather than added
to it. With a gap limit a year may borrow up to half its share again from the years after it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from optimizer.advance import advance
from optimizer.options import EngineSettings
from optimizer.outcome import Outcome
from optimizer.plan import Plan
from optimizer.policy import Policy, Target, ceil_share
from optimizer.report import check_plan, hard_violations, plan_cost
from optimizer.result import Conflict, Relaxation, Result
from optimizer.rules import indicator_owner, targets_costed
from optimizer.scenario import Scenario
from optimizer.solve import solve

METHODS = ("auto", "rolling", "path")
MIN_YEAR_SHARE = 0.25
"""A year's solves get at least this share of the per-year time limit, whatever earlier years used."""
GAP_STRETCH = 1.5
"""With a gap limit, how far past its even share of the time left a year may go to reach it."""


@dataclass(frozen=True)
class Standing:
    """An indicator in one region after a year's plan, against what the year was held to."""

    indicator: str
    region: str
    meeting: int
    members: int
    goal: float | None
    """The share the year was held to (the target once its year has come, the path before), or
    None when nothing held it."""
    target: Target

    @property
    def share(self) -> float:
        return self.meeting / self.members if self.members else 0.0

    @property
    def met(self) -> bool:
        """The target's share is reached (whatever the year)."""
        return self.meeting >= ceil_share(self.target.value, self.members)


@dataclass(frozen=True)
class YearPlan:
    """One year of the roadmap: its bundle (as planned: the policy holds the year's goals), the
    plan, and where the indicators stand after it."""

    year: int
    scenario: Scenario
    result: Result
    standings: tuple[Standing, ...]
    hard_violations: int
    """Hard rules the independent checker finds broken (0 for every plan the solver returns)."""
    path_dropped: bool = False
    """A target was due and another's path could not be held beside it: planned without the path."""
    failure: tuple[Conflict, ...] = ()
    """When a target due this year cannot be met: the conflicts that stop it (the year is then
    planned with the targets elastic, to go on)."""
    relaxations: tuple[Relaxation, ...] = ()
    cost: float = 0.0
    """The plan's cost under the year's own policy (the checker's), without what the year's
    goals added: the figure two roadmaps are compared by."""


@dataclass(frozen=True)
class Roadmap:
    method: str
    targets: tuple[Target, ...]
    years: tuple[YearPlan, ...] = field(default=())

    def met_in(self, target: Target) -> int | None:
        """The first year after whose plan the target holds in every region."""
        return next((year.year for year in self.years if _holds(year, target)), None)

    def on_time(self, target: Target) -> bool:
        """The target holds after the plan of its year and of every year after (a target already
        due holds from the first year); False when the roadmap stops before its year."""
        due = [year for year in self.years if year.year >= target.year]
        return bool(due) and all(_holds(year, target) for year in due)

    @property
    def cost(self) -> float:
        return sum(y.cost for y in self.years)


def _holds(year: YearPlan, target: Target) -> bool:
    """The target is met in every region after the year's plan."""
    found = [s for s in year.standings if s.indicator == target.indicator]
    return bool(found) and all(s.met for s in found)


def standings(
    scenario: Scenario, plan: Plan, targets: tuple[Target, ...], goals: dict[str, float]
) -> tuple[Standing, ...]:
    """Every target's indicator per region after the plan."""
    outcome = Outcome(scenario, plan)
    found = []
    for target in targets:
        counts = indicator_owner(target.indicator).share(target.indicator, scenario, outcome)
        for region, (meeting, members) in sorted(counts.items()):
            found.append(
                Standing(target.indicator, region, meeting, members, goals.get(target.indicator), target)
            )
    return tuple(found)


def path_goals(
    targets: tuple[Target, ...], start: dict[str, float], first_year: int, year: int
) -> dict[str, float]:
    """The share each target not yet due is held to in `year`: a straight line from where the
    county stood before the roadmap's first plan to the target in its year (rounded down to a
    whole percent, so a path is never stricter than the line)."""
    goals = {}
    for target in targets:
        if target.year <= year:
            continue
        begun = start.get(target.indicator, 0.0)
        steps = target.year - first_year + 1
        done = year - first_year + 1
        line = begun + (target.value - begun) * done / steps
        if line > begun:
            goals[target.indicator] = int(line * 100) / 100
    return goals


def worst_share(scenario: Scenario, indicator: str) -> float:
    """The indicator in the worst region before any plan."""
    counts = indicator_owner(indicator).share(indicator, scenario, Outcome(scenario, Plan(())))
    return min((meeting / members for meeting, members in counts.values() if members), default=0.0)


def held_to(policy: Policy, goals: dict[str, float]) -> Policy:
    """The policy with the year's path goals in force as targets of this very year."""
    kept = tuple(t for t in policy.targets if t.indicator not in goals)
    path = tuple(Target(name, value, policy.year) for name, value in goals.items())
    return replace(policy, targets=tuple(sorted(kept + path, key=lambda t: t.indicator)))


def plan_roadmap(
    scenario: Scenario,
    years: int,
    settings: EngineSettings | None = None,
    method: str = "auto",
    on_year: Callable[[YearPlan], None] | None = None,
) -> Roadmap:
    """Plan `years` years from the scenario's, each on the bundle the previous plan leaves;
    `on_year` hears of each year as soon as it is planned (the service's progress)."""
    if method not in METHODS:
        raise ValueError(f"unknown roadmap method {method!r}; expected one of {', '.join(METHODS)}")
    settings = settings or EngineSettings()
    if method == "auto":
        rolling = plan_roadmap(scenario, years, settings, "rolling", on_year)
        if all(rolling.on_time(t) for t in rolling.targets if t.year < scenario.policy.year + years):
            return rolling
        path = plan_roadmap(scenario, years, settings, "path", on_year)
        return min((rolling, path), key=lambda r: (-sum(map(r.on_time, r.targets)), r.cost))
    targets = scenario.policy.targets
    start = {t.indicator: worst_share(scenario, t.indicator) for t in targets}
    first_year = scenario.policy.year
    deadline = time.monotonic() + years * settings.time_limit
    planned: list[YearPlan] = []
    current = scenario
    for index in range(years):
        year = current.policy.year
        goals = path_goals(targets, start, first_year, year) if method == "path" else {}
        year_plan = _plan_year(current, goals, year_settings(settings, deadline, years - index))
        planned.append(year_plan)
        if on_year is not None:
            on_year(year_plan)
        current = advance(current, year_plan.result.plan)
    return Roadmap(method, targets, tuple(planned))


def year_settings(settings: EngineSettings, deadline: float, years_left: int) -> EngineSettings:
    """The settings of the next year's solves: an even share of the time left to the deadline,
    at least MIN_YEAR_SHARE of the per-year limit. With a gap limit a year stops once it reaches
    it, so a year not there yet may take up to GAP_STRETCH × its share, leaving every year after
    it at least its minimum: an easy year ahead would not use its share anyway."""
    left = deadline - time.monotonic()
    share = left / years_left
    if settings.gap_limit:
        reserved = settings.time_limit * MIN_YEAR_SHARE * (years_left - 1)
        share = max(share, min(share * GAP_STRETCH, left - reserved))
    return replace(settings, time_limit=max(settings.time_limit * MIN_YEAR_SHARE, share))


def _plan_year(scenario: Scenario, goals: dict[str, float], settings: EngineSettings) -> YearPlan:
    """The year's plan under its goals. A year with no target due strives for its path goals
    (costed at the rule's weight per member short) rather than requiring them: one solve, no
    diagnosis of a path that cannot be held. A year with a target due requires it; if the path
    of another target cannot be held beside it, the year is planned without the path; if the due
    target cannot be met, the conflicts are kept and the year is planned with targets costed."""
    due = {t.indicator: t.value for t in scenario.policy.targets_due()}
    policy = held_to(scenario.policy, goals) if goals else scenario.policy
    held = replace(scenario, policy=policy if due or not goals else targets_costed(policy))
    result = solve(held, settings)
    path_dropped = False
    if result.summary.status == "infeasible" and goals:
        held, path_dropped = scenario, True
        result = solve(held, settings)
    failure: tuple[Conflict, ...] = ()
    relaxations: tuple[Relaxation, ...] = ()
    if result.summary.status == "infeasible":
        failure, relaxations = result.conflicts, result.relaxations
        held = replace(scenario, policy=targets_costed(scenario.policy))
        result = solve(held, settings)
    # solve() has run the checker on the plan under the year's goals; the cost under the year's own
    # policy needs a second check only where the goals changed it.
    own_report = result.report if held is scenario else tuple(check_plan(scenario, result.plan))
    return YearPlan(
        year=scenario.policy.year,
        scenario=held,
        result=result,
        standings=standings(
            held, result.plan, scenario.policy.targets, {**goals, **due} if not path_dropped else due
        ),
        hard_violations=len(hard_violations(result.report)),
        path_dropped=path_dropped,
        failure=failure,
        relaxations=relaxations,
        cost=plan_cost(own_report),
    )
