"""recruitment: new hires (公开招聘, and 特岗 at rural schools) are a decision of the plan, per school
and subject, within the county's hiring budget and each school's establishment (编制).

Source: 001 (每年完善新教师招聘计划…及时补充紧缺学科教师), 002 (特岗). The budget of a region (county)
is `max_new_teachers`, by default its vacant establishment Σ max(0, 编制 − headcount); a planner's
"recruit 20 more music teachers" is `extra_by_subject = {music = 20}`, hires of that subject beyond
the budget. 特岗 posts (`special_posts` per region, none unless set) go to rural schools only. A
hire takes a post of the school's establishment that is free: vacant before the plan, or left by a
teacher who rotates away or goes on exchange (arrivals beyond the establishment are
staffing_balance's to price). Each hire costs `hire_weight`, so the plan hires
only where a post would otherwise stay empty. Elastic mode pays `weight` per hire over a limit.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.model.builder import linear_sum
from optimizer.outcome import Outcome
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Hire, Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.scenario import Scenario, School

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from optimizer.model.builder import LinearExpr, ModelBuilder


RULE_ID = "recruitment"


def vacant_establishment(scenario: Scenario, region: str) -> int:
    """Σ max(0, 编制 − headcount) over the region's schools, before the plan."""
    return sum(
        max(0, school.establishment - scenario.headcount(school.school_id))
        for school in scenario.schools
        if school.region == region
    )


class Recruitment(Rule):
    id = RULE_ID
    title_zh = "招聘补充"
    title_en = "recruitment"
    params = (
        mode_param("hard"),
        weight_param(500),
        Param(
            "max_new_teachers",
            -1,
            "integer",
            "每县招聘名额",
            "Hiring budget per county",
            "人",
            "teachers",
            minimum=-1,
            hint_zh="−1 表示全县空编数 Σ max(0, 编制 − 在岗)",
            hint_en="−1 means the county's vacant establishment, Σ max(0, establishment − staff)",
        ),
        Param(
            "extra_by_subject",
            {},
            "subject_table",
            "学科追加招聘名额(在名额之外)",
            "Extra hires by subject (beyond the budget)",
            hint_zh="如 music = 20:另招 20 名音乐教师",
            hint_en="e.g. music = 20: recruit 20 more music teachers",
        ),
        Param(
            "special_posts",
            0,
            "integer",
            "每县特岗计划名额(仅乡村学校)",
            "特岗 posts per county (rural schools only)",
            "人",
            "posts",
        ),
        weight_param(5, "hire_weight", "每招聘一人的代价", "Cost per hire"),
    )

    def budget(self, scenario: Scenario, region: str) -> int:
        setting = int(scenario.policy.rule(self.id)["max_new_teachers"])
        return vacant_establishment(scenario, region) if setting < 0 else setting

    def extras(self, scenario: Scenario) -> dict[str, int]:
        table = scenario.policy.rule(self.id)["extra_by_subject"]
        return {subject: int(count) for subject, count in sorted(table.items()) if int(count) > 0}

    def special_posts(self, scenario: Scenario) -> int:
        return int(scenario.policy.rule(self.id)["special_posts"])

    def kinds_at(self, scenario: Scenario, school: School) -> tuple[str, ...]:
        """Hires a school may make: open posts anywhere, 特岗 at rural schools when granted."""
        special = school.area == "rural" and self.special_posts(scenario) > 0
        return ("open", "special") if special else ("open",)

    def budget_instance(self, scenario: Scenario, region: str) -> Instance:
        budget = self.budget(scenario, region)
        return Instance(
            self.id,
            "region",
            f"{region}/budget",
            budget,
            "teachers",
            f"{region}:公开招聘不超过 {budget} 人",
            f"{region}: at most {budget} new teachers recruited",
        )

    def special_instance(self, scenario: Scenario, region: str) -> Instance:
        posts = self.special_posts(scenario)
        return Instance(
            self.id,
            "region",
            f"{region}/special",
            posts,
            "teachers",
            f"{region}:特岗教师不超过 {posts} 人",
            f"{region}: at most {posts} 特岗 teachers",
        )

    def vacant(self, scenario: Scenario, school: School) -> int:
        return max(0, school.establishment - scenario.headcount(school.school_id))

    def establishment_instance(self, scenario: Scenario, school: School) -> Instance:
        vacant = self.vacant(scenario, school)
        return Instance(
            self.id,
            "school",
            f"{school.school_id}/establishment",
            vacant,
            "teachers",
            f"{school.school_id}:编制 {school.establishment} 人,"
            f"招聘不超过空编 {vacant} 人加调出、跟岗空出的岗位",
            f"{school.school_id}: establishment {school.establishment}, hires at most its {vacant} vacant "
            "posts plus the posts its leavers free",
        )

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        extras = self.extras(scenario)
        # (region, kind) → each hire variable with its upper bound
        hires: dict[tuple[str, str], list[tuple[cp_model.IntVar, int]]] = {}
        open_by_subject: dict[tuple[str, str], list[cp_model.IntVar]] = {}
        for school in scenario.schools:
            hires_here: list[tuple[cp_model.IntVar, int]] = []
            for subject, most in self.openings(builder, school):
                for kind in self.kinds_at(scenario, school):
                    variable = builder.add_hire(school.school_id, subject, kind, most)
                    hires_here.append((variable, most))
                    hires.setdefault((school.region, kind), []).append((variable, most))
                    if kind == "open":
                        open_by_subject.setdefault((school.region, subject), []).append(variable)
            if hires_here:
                self.build_establishment(builder, school, hires_here)
        for region in scenario.regions:
            open_hires = hires.get((region, "open"), [])
            special_hires = hires.get((region, "special"), [])
            if open_hires:
                counted: LinearExpr = linear_sum((v for v, _ in open_hires))
                for subject, extra in extras.items():
                    of_subject = open_by_subject.get((region, subject), [])
                    if of_subject:
                        beyond = builder.model.new_int_var(0, extra, f"extra[{region}/{subject}]")
                        builder.model.add(beyond <= linear_sum(of_subject))
                        counted -= beyond
                builder.at_most(
                    self.budget_instance(scenario, region),
                    counted,
                    self.budget(scenario, region),
                    max_excess=sum(most for _, most in open_hires),
                )
            if special_hires:
                builder.at_most(
                    self.special_instance(scenario, region),
                    linear_sum((v for v, _ in special_hires)),
                    self.special_posts(scenario),
                    max_excess=sum(most for _, most in special_hires),
                )
            builder.add_cost(
                float(scenario.policy.rule(self.id)["hire_weight"]),
                linear_sum((v for v, _ in open_hires + special_hires)),
            )

    def openings(self, builder: ModelBuilder, school: School) -> list[tuple[str, int]]:
        """(subject, most hires) where a post of the school could be empty after the plan: unmet
        before, or one a move, an exchange or 走教 could vacate; at most the posts that could be."""
        scenario = builder.scenario
        result = []
        for subject in scenario.subjects_demanded(school.school_id):
            required = scenario.demand[(school.school_id, subject)]
            before = scenario.subject_headcount[(school.school_id, subject)]
            could_leave = builder.could_leave(school.school_id, subject)
            most = min(required, required - before + could_leave)
            if most > 0:
                result.append((subject, most))
        return result

    def build_establishment(
        self, builder: ModelBuilder, school: School, hires: list[tuple[cp_model.IntVar, int]]
    ) -> None:
        """A hire takes a post of the school's establishment that is free: vacant before the plan,
        or left by a teacher who moves away or goes on exchange."""
        school_id = school.school_id
        leaving = builder.departures(school_id) + builder.exchanges_out(school_id)
        builder.at_most(
            self.establishment_instance(builder.scenario, school),
            linear_sum((v for v, _ in hires)) - leaving,
            self.vacant(builder.scenario, school),
            max_excess=sum(most for _, most in hires),
        )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        rows: list[RuleRow] = []
        extras = self.extras(scenario)
        for region in scenario.regions:
            schools = {s.school_id for s in scenario.schools if s.region == region}
            hires = [h for h in plan.hires if h.school_id in schools]
            open_hires = [h for h in hires if h.kind == "open"]
            by_subject: Counter[str] = Counter()
            for hire in open_hires:
                by_subject[hire.subject] += hire.posts
            beyond = sum(min(extra, by_subject[subject]) for subject, extra in extras.items())
            used = sum(h.posts for h in open_hires)
            budget = self.budget(scenario, region)
            over = max(0, used - beyond - budget)
            extra_zh = f"(其中学科追加 {beyond} 人)" if beyond else ""
            extra_en = f" ({beyond} of them extra hires by subject)" if beyond else ""
            elastic = not scenario.policy.is_hard(self.id)
            hiring_cost = float(scenario.policy.rule(self.id)["hire_weight"]) * sum(h.posts for h in hires)
            rows.append(
                row(
                    self.id,
                    scenario,
                    "region",
                    f"{region}/budget",
                    target=budget,
                    achieved=used - beyond,
                    shortfall=over,
                    zh=f"{region}:招聘名额 {budget} 人,计划招聘 {used} 人{extra_zh}"
                    + (f",超出 {over} 人" if over else ""),
                    en=f"{region}: hiring budget {budget}, {used} recruited{extra_en}"
                    + (f", {over} over" if over else ""),
                    cost=hiring_cost + (scenario.policy.weight(self.id) * over if elastic else 0.0),
                )
            )
            special = [h for h in hires if h.kind == "special"]
            if special or self.special_posts(scenario):
                rows.append(self.special_row(scenario, region, special))
        for school_id in sorted(outcome.hires_at):
            school = scenario.school_by_id[school_id]
            hired = outcome.hires_at[school_id]
            freed = outcome.departures[school_id] + sum(m.from_school == school_id for m in plan.exchanges)
            room = self.vacant(scenario, school) + freed
            excess = max(0, hired - room)
            instance = self.establishment_instance(scenario, school)
            rows.append(
                row(
                    self.id,
                    scenario,
                    "school",
                    instance.key,
                    target=room,
                    achieved=hired,
                    shortfall=excess,
                    zh=instance.sentence_zh
                    + f";调出、跟岗空出 {freed} 个,可招 {room} 人,招聘 {hired} 人"
                    + (f",超出 {excess} 人" if excess else ""),
                    en=instance.sentence_en
                    + f"; {freed} freed by leavers, room for {room}, {hired} hired"
                    + (f", {excess} over" if excess else ""),
                )
            )
        return rows

    def special_row(self, scenario: Scenario, region: str, special: list[Hire]) -> RuleRow:
        """特岗 posts used against the region's grant; a 特岗 hire outside a rural school is a breach."""
        posts = self.special_posts(scenario)
        used = sum(h.posts for h in special)
        misplaced = sum(h.posts for h in special if scenario.school_by_id[h.school_id].area != "rural")
        over = max(0, used - posts) + misplaced
        return row(
            self.id,
            scenario,
            "region",
            f"{region}/special",
            target=posts,
            achieved=used,
            shortfall=over,
            zh=f"{region}:特岗名额 {posts} 人,使用 {used} 人"
            + (f",其中 {misplaced} 人不在乡村学校" if misplaced else "")
            + (f",超出 {over} 人" if over else ""),
            en=f"{region}: {used} of {posts} 特岗 posts used"
            + (f", {misplaced} outside rural schools" if misplaced else "")
            + (f", {over} over" if over else ""),
        )

    def figures(self, scenario: Scenario, outcome: Outcome) -> dict[str, float]:
        """Hires in the plan, and the budget they are counted against (特岗 posts included)."""
        budget = sum(self.budget(scenario, region) for region in scenario.regions)
        extra = sum(self.extras(scenario).values()) * len(scenario.regions)
        special = self.special_posts(scenario) * len(scenario.regions)
        return {"hires": outcome.plan.hired, "hire_budget": budget + extra + special}

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """A budget or 特岗 grant raised to what the witness hires in its busiest region."""
        kinds = {i.key.rsplit("/", 1)[1] for i in instances}
        if kinds - {"budget", "special"} or len(kinds) != 1:
            return None
        kind = kinds.pop()
        per_region: Counter[str] = Counter()
        by_subject: Counter[tuple[str, str]] = Counter()
        for hire in witness.hires:
            if hire.kind == ("open" if kind == "budget" else "special"):
                region = scenario.school_by_id[hire.school_id].region
                per_region[region] += hire.posts
                by_subject[(region, hire.subject)] += hire.posts
        if kind == "budget":
            extras = self.extras(scenario)
            for (region, subject), hired in by_subject.items():
                per_region[region] -= min(extras.get(subject, 0), hired)  # beyond the budget
        needed = max(per_region.values(), default=0)
        if kind == "special":
            return Change(
                overrides=(f"{self.id}.special_posts={needed}",),
                sentence_zh=f"特岗名额增至每县 {needed} 人",
                sentence_en=f"grant {needed} 特岗 posts per county",
            )
        return Change(
            overrides=(f"{self.id}.max_new_teachers={needed}",),
            sentence_zh=f"招聘名额增至每县 {needed} 人",
            sentence_en=f"raise the hiring budget to {needed} per county",
        )


RULE = Recruitment()
