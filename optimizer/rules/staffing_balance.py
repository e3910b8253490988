"""staffing_balance: after the plan every school's headcount stays within its establishment (编制):
none ends above establishment + `tolerance` (a school already above may not grow), none ends below
establishment − `tolerance_low` (a school already below may not shrink); and a teacher who arrives
fills a post of a subject the school demands, or the arrival pays `unneeded_weight`.
Source: 001, 004 (县管校聘).

Headcounts count moves, exchanges and hires. An arrival is above need when the school ends with
more teachers of the post's subject than both its demand and what it had before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.outcome import Outcome
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.scenario import PRINCIPAL_ROLES, Scenario, School
from optimizer.subjects import SUBJECT_NAMES_ZH

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


class StaffingBalance(Rule):
    id = "staffing_balance"
    title_zh = "编制平衡"
    title_en = "staffing balance"
    params = (
        mode_param("elastic"),
        weight_param(50),
        Param("tolerance", 0, "integer", "超编允许偏差", "Tolerance above establishment", "人", "staff"),
        Param("tolerance_low", 0, "integer", "缺编允许偏差", "Tolerance below establishment", "人", "staff"),
        weight_param(30, "unneeded_weight", "调入非所需学科每人代价", "Cost per arrival above need"),
    )

    def bounds(self, scenario: Scenario, school: School) -> tuple[int, int]:
        """(lowest, highest) headcount allowed after the plan."""
        params = scenario.policy.rule(self.id)
        before = scenario.headcount(school.school_id)
        upper = max(school.establishment + int(params["tolerance"]), before)
        lower = min(school.establishment - int(params["tolerance_low"]), before)
        return max(0, lower), upper

    def instances(self, scenario: Scenario, school: School) -> tuple[Instance, Instance]:
        lower, upper = self.bounds(scenario, school)
        school_id, est = school.school_id, school.establishment
        before = scenario.headcount(school_id)
        low = Instance(
            self.id,
            "school",
            f"{school_id}/lower",
            lower,
            "teachers",
            f"{school_id}:编制 {est} 人,现有 {before} 人,调整后不少于 {lower} 人",
            f"{school_id}: establishment {est}, {before} now, at least {lower} after the plan",
        )
        high = Instance(
            self.id,
            "school",
            f"{school_id}/upper",
            upper,
            "teachers",
            f"{school_id}:编制 {est} 人,现有 {before} 人,调整后不超过 {upper} 人",
            f"{school_id}: establishment {est}, {before} now, at most {upper} after the plan",
        )
        return low, high

    def unneeded_instance(self, scenario: Scenario, school_id: str, subject: str) -> Instance:
        limit = self.need(scenario, school_id, subject)
        name = SUBJECT_NAMES_ZH.get(subject, subject)
        return Instance(
            self.id,
            "subject",
            f"{school_id}/{subject}/need",
            limit,
            "teachers",
            f"{school_id} {name}:调入只补所需岗位(不超过 {limit} 人)",
            f"{school_id} {subject}: arrivals fill needed posts only (at most {limit})",
        )

    def need(self, scenario: Scenario, school_id: str, subject: str) -> int:
        """Teachers of `subject` the school may end with before an arrival counts as above need."""
        key = (school_id, subject)
        return max(scenario.demand.get(key, 0), scenario.subject_headcount[key])

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        for school in scenario.schools:
            school_id = school.school_id
            joining, departing = builder.most_joining(school_id), builder.could_depart(school_id)
            if not joining and not departing:
                continue
            low, high = self.instances(scenario, school)
            after = builder.headcount_after(school_id)
            if joining:
                builder.at_most(high, after, int(high.target or 0), max_excess=joining)
            if departing:
                builder.at_least(low, after, int(low.target or 0), max_shortfall=departing)
        weight = scenario.policy.weight(self.id, "unneeded_weight")
        arriving: dict[tuple[str, str], int] = {}
        for candidate in builder.candidates:
            if candidate.post not in PRINCIPAL_ROLES:
                key = (candidate.to_school, candidate.post)
                arriving[key] = arriving.get(key, 0) + 1
        for exchange in builder.exchanges:
            key = (exchange.to_school, exchange.subject)
            arriving[key] = arriving.get(key, 0) + 1
        for hire in builder.hires:
            key = (hire.school_id, hire.subject)
            arriving[key] = arriving.get(key, 0) + hire.most
        for (school_id, subject), count in arriving.items():
            builder.at_most(
                self.unneeded_instance(scenario, school_id, subject),
                builder.subject_after(school_id, subject),
                self.need(scenario, school_id, subject),
                max_excess=count,
                weight=weight,
            )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        rows = []
        for school in scenario.schools:
            school_id = school.school_id
            before, after = scenario.headcount(school_id), outcome.headcount_after(school_id)
            changed = [m for m in (*plan.moves, *plan.exchanges) if school_id in (m.from_school, m.to_school)]
            hired = outcome.hires_at[school_id]
            if not changed and not hired:
                continue
            low, high = self.instances(scenario, school)
            involved = tuple(m.teacher_id for m in changed)
            hired_zh, hired_en = (f"(含招聘 {hired} 人)", f" ({hired} hired)") if hired else ("", "")
            for instance in (high, low):
                bound = int(instance.target or 0)
                miss = max(0, after - bound) if instance is high else max(0, bound - after)
                word_zh = "超出" if instance is high else "不足"
                word_en = "over" if instance is high else "short"
                rows.append(
                    row(
                        self.id,
                        scenario,
                        "school",
                        instance.key,
                        target=bound,
                        achieved=after,
                        shortfall=miss,
                        zh=instance.sentence_zh
                        + f";调整后 {after} 人{hired_zh}"
                        + (f",{word_zh} {miss} 人" if miss else ""),
                        en=instance.sentence_en
                        + f"; {after} after{hired_en}"
                        + (f", {miss} {word_en}" if miss else ""),
                        involved=involved,
                        applicable=after != before or instance is high,
                    )
                )
        rows += self.need_rows(scenario, plan, outcome)
        return rows

    def need_rows(self, scenario: Scenario, plan: Plan, outcome: Outcome) -> list[RuleRow]:
        """One row per school × subject that teachers arrive in or are hired for: the arrivals
        above need, named (hires above need count too, last)."""
        weight = scenario.policy.weight(self.id, "unneeded_weight")
        arrivals: dict[tuple[str, str], list[str]] = {}
        for move in (*plan.moves, *plan.exchanges):
            if move.subject not in PRINCIPAL_ROLES:
                arrivals.setdefault((move.to_school, move.subject), []).append(move.teacher_id)
        hired: dict[tuple[str, str], int] = {}
        for hire in plan.hires:
            hired[(hire.school_id, hire.subject)] = hired.get((hire.school_id, hire.subject), 0) + hire.posts
            arrivals.setdefault((hire.school_id, hire.subject), [])
        rows = []
        for (school_id, subject), teachers in sorted(arrivals.items()):
            limit = self.need(scenario, school_id, subject)
            after = outcome.subject_after(school_id, subject)
            joined = len(teachers) + hired.get((school_id, subject), 0)
            above = min(joined, max(0, after - limit))
            instance = self.unneeded_instance(scenario, school_id, subject)
            above_ids = tuple(sorted(teachers)[max(0, len(teachers) - above) :]) if above else ()
            rows.append(
                row(
                    self.id,
                    scenario,
                    "subject",
                    instance.key,
                    target=limit,
                    achieved=after,
                    shortfall=above,
                    zh=instance.sentence_zh
                    + f";调入 {len(teachers)} 人、招聘 {joined - len(teachers)} 人,调整后 {after} 人"
                    + (f",{above} 人超出所需({'、'.join(above_ids)})" if above else ""),
                    en=instance.sentence_en
                    + f"; {len(teachers)} arriving, {joined - len(teachers)} hired, {after} after"
                    + (f", {above} above need ({', '.join(above_ids)})" if above else ""),
                    involved=tuple(teachers),
                    weight=weight,
                )
            )
        return rows

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """Widen the tolerance above (or below) the establishment to the witness plan's largest
        excess (or deficit); arrivals above need have no parameter to widen."""
        sides = {i.key.rsplit("/", 1)[1] for i in instances}
        if len(sides) != 1 or not sides <= {"upper", "lower"}:
            return None
        side = sides.pop()
        outcome = Outcome(scenario, witness)
        schools = [scenario.school_by_id[i.key.split("/", 1)[0]] for i in instances]
        if side == "upper":
            name, label_zh = "tolerance", "超编"
            needed = max(outcome.headcount_after(s.school_id) - s.establishment for s in schools)
        else:
            name, label_zh = "tolerance_low", "缺编"
            needed = max(s.establishment - outcome.headcount_after(s.school_id) for s in schools)
        old = int(scenario.policy.rule(self.id)[name])
        new = max(old, needed)
        return Change(
            overrides=(f"{self.id}.{name}={new}",),
            sentence_zh=f"将{label_zh}容差由 {old} 放宽至 {new} 人",
            sentence_en=f"widen staffing_balance.{name} from {old} to {new}",
        )


RULE = StaffingBalance()
