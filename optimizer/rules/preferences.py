"""preferences: volunteers (自愿报名) first, then each teacher's ranked destination preferences,
commute distance, and spouses (both teachers) not split far apart. Source: practice.

Costs (elastic): `volunteer_weight` for each eligible volunteer who does not rotate;
`preference_weight` × rank for a move to the teacher's rank-th choice (0 for the first; the list
length when the destination is not listed); `distance_weight` per km of commute (home to school,
or school to school when the home is unknown), rounded to whole km; `spouse_weight` for a couple
the plan puts more than `spouse_max_km` apart who were not before. Hard mode also requires moves
to listed preferences and forbids splitting couples; volunteers and distance stay costs.
"""

from __future__ import annotations

from itertools import product
from typing import TYPE_CHECKING

from optimizer.instance import Instance
from optimizer.outcome import Outcome
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Move, Plan, RuleRow
from optimizer.rules.base import Rule, row
from optimizer.rules.eligibility import is_eligible
from optimizer.scenario import Scenario, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import LinearExpr, ModelBuilder


class Preferences(Rule):
    id = "preferences"
    title_zh = "意愿与距离"
    title_en = "preferences"
    params = (
        mode_param("elastic"),
        weight_param(10, "volunteer_weight", "自愿报名权重", "Volunteer weight"),
        weight_param(5, "preference_weight", "志愿顺位权重", "Preference rank weight"),
        weight_param(1, "distance_weight", "每公里通勤权重", "Weight per km of commute"),
        Param("spouse_max_km", 30, "integer", "夫妻相距不超过", "Spouses at most apart", "公里", "km"),
        weight_param(20, "spouse_weight", "夫妻分隔权重", "Couple split weight"),
    )

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        return teacher.volunteer or move.to_school in teacher.preferred_schools

    def param(self, scenario: Scenario, name: str) -> float:
        return float(scenario.policy.rule(self.id)[name])

    def volunteers(self, scenario: Scenario) -> list[Teacher]:
        return [t for t in scenario.teachers if t.volunteer and is_eligible(scenario, t)]

    def rank(self, teacher: Teacher, school_id: str) -> int:
        prefs = teacher.preferred_schools
        return prefs.index(school_id) if school_id in prefs else len(prefs)

    def km(self, scenario: Scenario, teacher: Teacher, school_id: str) -> int:
        distance = scenario.commute_km(teacher, school_id)
        return 0 if distance is None else round(distance)

    def couples(self, scenario: Scenario) -> list[tuple[Teacher, Teacher]]:
        """Spouse pairs close together now (each pair once)."""
        limit = self.param(scenario, "spouse_max_km")
        pairs = []
        for teacher in scenario.teachers:
            spouse = scenario.teacher_by_id.get(teacher.spouse_id or "")
            if spouse is None or teacher.teacher_id > spouse.teacher_id:
                continue
            now = scenario.km_between_schools(scenario.home_school(teacher), scenario.home_school(spouse))
            if now is not None and now <= limit:
                pairs.append((teacher, spouse))
        return pairs

    def far(self, scenario: Scenario, school_a: str, school_b: str) -> bool:
        distance = scenario.km_between_schools(school_a, school_b)
        return distance is not None and distance > self.param(scenario, "spouse_max_km")

    def couple_instance(self, a: Teacher, b: Teacher) -> Instance:
        return Instance(
            self.id,
            "couple",
            f"{a.teacher_id}+{b.teacher_id}",
            0,
            "couples",
            f"夫妻 {a.teacher_id}、{b.teacher_id} 不宜分隔过远",
            f"spouses {a.teacher_id} and {b.teacher_id} are not split far apart",
        )

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        for teacher in self.volunteers(scenario):
            builder.add_cost(self.param(scenario, "volunteer_weight"), 1 - builder.moved(teacher.teacher_id))
        per_km, per_rank = self.param(scenario, "distance_weight"), self.param(scenario, "preference_weight")
        for candidate in builder.candidates:
            teacher = scenario.teacher_by_id[candidate.teacher_id]
            cost = per_km * self.km(scenario, teacher, candidate.to_school)
            if teacher.preferred_schools:
                cost += per_rank * self.rank(teacher, candidate.to_school)
            builder.add_cost(cost, builder.x[candidate.index])
        if scenario.policy.is_hard(self.id):
            for teacher in scenario.teachers:
                unlisted = [
                    i
                    for i in builder.by_teacher.get(teacher.teacher_id, [])
                    if teacher.preferred_schools
                    and builder.candidates[i].to_school not in teacher.preferred_schools
                ]
                if unlisted:
                    builder.forbid(
                        Instance(
                            self.id,
                            "teacher",
                            teacher.teacher_id,
                            0,
                            "moves",
                            f"{teacher.teacher_id} 只交流至其志愿学校",
                            f"{teacher.teacher_id} moves only to a school on their preference list",
                        ),
                        unlisted,
                    )
        for a, b in self.couples(scenario):
            self.build_couple(builder, a, b)

    def build_couple(self, builder: ModelBuilder, a: Teacher, b: Teacher) -> None:
        """split ≥ [a ends at p] + [b ends at q] − 1 for every far pair of final places."""
        scenario, model = builder.scenario, builder.model

        def places(teacher: Teacher) -> list[tuple[str, LinearExpr]]:
            stay = 1 - builder.moved(teacher.teacher_id) - builder.exchanged(teacher.teacher_id)
            return [(scenario.home_school(teacher), stay), *builder.destinations_of(teacher.teacher_id)]

        far_pairs = [
            (at_a, at_b)
            for (place_a, at_a), (place_b, at_b) in product(places(a), places(b))
            if self.far(scenario, place_a, place_b)
        ]
        if not far_pairs:
            return
        split = model.new_bool_var(f"split[{a.teacher_id}+{b.teacher_id}]")
        for at_a, at_b in far_pairs:
            model.add(split >= at_a + at_b - 1)
        instance = self.couple_instance(a, b)
        if scenario.policy.is_hard(self.id):
            builder.at_most(instance, split, 0, max_excess=1)
        else:
            builder.instances[instance.label] = instance
            builder.add_cost(self.param(scenario, "spouse_weight"), split)

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        rows = []
        for region in scenario.regions:
            volunteers = [t for t in self.volunteers(scenario) if scenario.region_of(t) == region]
            idle = [t for t in volunteers if plan.move_of(t.teacher_id) is None]
            moves = outcome.moves_from_region(region)
            listed = [(t, m) for t, m in moves if t.preferred_schools]
            first_choice = sum(self.rank(t, m.to_school) == 0 for t, m in listed)
            unlisted = [t.teacher_id for t, m in listed if m.to_school not in t.preferred_schools]
            km = sum(self.km(scenario, t, m.to_school) for t, m in moves)
            rank_points = sum(self.rank(t, m.to_school) for t, m in listed)
            split = [
                (a, b)
                for a, b in self.couples(scenario)
                if scenario.region_of(a) == region
                and self.far(scenario, outcome.school_after(a), outcome.school_after(b))
            ]
            cost = (
                self.param(scenario, "volunteer_weight") * len(idle)
                + self.param(scenario, "preference_weight") * rank_points
                + self.param(scenario, "distance_weight") * km
                + self.param(scenario, "spouse_weight") * len(split)
            )
            hard_breaks = len(unlisted) + len(split) if scenario.policy.is_hard(self.id) else 0
            rows.append(
                row(
                    self.id,
                    scenario,
                    "region",
                    region,
                    target=None,
                    achieved=len(moves),
                    shortfall=hard_breaks,
                    cost=cost,
                    zh=f"{region}:交流 {len(moves)} 人;自愿报名且符合条件 {len(volunteers)} 人,"
                    f"其中 {len(volunteers) - len(idle)} 人交流;"
                    f"填报志愿的 {len(listed)} 人中 {first_choice} 人去第一志愿;"
                    f"通勤合计 {km} 公里;夫妻分隔 {len(split)} 对",
                    en=f"{region}: {len(moves)} moves; {len(volunteers) - len(idle)} of {len(volunteers)} "
                    f"eligible volunteers rotate; {first_choice} of {len(listed)} with preferences get "
                    f"their first choice; {km} km of commute in all; {len(split)} couples split",
                    involved=tuple(t.teacher_id for t in idle) + tuple(unlisted),
                )
            )
        return rows


RULE = Preferences()
