"""direction: moves go from sending to receiving schools (urban/town → rural, strong → weak),
from overstaffed to understaffed schools, or along pairs the scenario allows (双向交流).

Source: 001. Principals and vice-principals rotate between urban and rural schools both ways
(000), so a leader's move between a rural and a non-rural school is always in direction.
Elastic mode lets any move within the region happen at `weight` per move against the direction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Plan, RuleRow
from optimizer.rules.base import GateRule, gate_build, gate_check
from optimizer.rules.rotation_quota import is_sending
from optimizer.scenario import Scenario, School, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


RULE_ID = "direction"


def is_receiving(scenario: Scenario, school: School) -> bool:
    """Receiving schools: those in `receiving_areas` (rural) and every weak school."""
    return school.area in scenario.policy.rule(RULE_ID)["receiving_areas"] or school.is_weak


def _no_tables(_: Scenario) -> dict[tuple[str, bool], frozenset[str]]:
    return {}


class Direction(GateRule):
    id = RULE_ID
    title_zh = "交流方向"
    title_en = "direction"
    params = (
        mode_param("hard"),
        weight_param(500),
        Param(
            "receiving_areas",
            ["rural"],
            "areas",
            "接收学校所在区域(另加薄弱校)",
            "Receiving areas (plus weak schools)",
        ),
        Param("allow", [], "area_pairs", "另行允许的方向", "Extra allowed directions"),
    )

    post_blind = True

    def allows(self, scenario: Scenario, teacher: Teacher, to_school: School, post: str) -> bool:
        return self.allows_school(scenario, teacher, to_school)

    def allows_school(self, scenario: Scenario, teacher: Teacher, to_school: School) -> bool:
        home = scenario.school_by_id[scenario.home_school(teacher)]
        if to_school.region != home.region:  # a hand-made plan's move: no table for it
            return self._allows_pair(scenario, home, to_school, teacher.is_principal)
        return to_school.school_id in self._allowed_from(scenario, teacher)

    def destinations(self, scenario: Scenario, teacher: Teacher, schools: list[School]) -> list[School]:
        if not scenario.policy.is_hard(self.id):
            return schools
        allowed, pinned = self._allowed_from(scenario, teacher), scenario.pinned_school(teacher)
        return [s for s in schools if s.school_id in allowed or s.school_id == pinned]

    def _allowed_from(self, scenario: Scenario, teacher: Teacher) -> frozenset[str]:
        """The schools of the region in direction from the teacher's home school: the same for
        every teacher of a school (leaders apart), so worked out once per school."""
        home, leader = scenario.home_school(teacher), teacher.is_principal
        tables = scenario.derived(self.id, _no_tables)
        allowed = tables.get((home, leader))
        if allowed is None:
            from_school = scenario.school_by_id[home]
            allowed = tables[(home, leader)] = frozenset(
                s.school_id
                for s in scenario.schools
                if s.region == from_school.region and self._allows_pair(scenario, from_school, s, leader)
            )
        return allowed

    def _allows_pair(self, scenario: Scenario, from_school: School, to_school: School, leader: bool) -> bool:
        if leader and scenario.is_rural(from_school) != scenario.is_rural(to_school):
            return True
        if is_sending(scenario, from_school) and is_receiving(scenario, to_school):
            return True
        if self.overstaffed(scenario, from_school) and self.understaffed(scenario, to_school):
            return True
        allowed = scenario.policy.rule(self.id)["allow"]
        return [from_school.area, to_school.area] in allowed

    @staticmethod
    def overstaffed(scenario: Scenario, school: School) -> bool:
        return scenario.headcount(school.school_id) > school.establishment

    @staticmethod
    def understaffed(scenario: Scenario, school: School) -> bool:
        return scenario.headcount(school.school_id) < school.establishment

    def build(self, builder: ModelBuilder) -> None:
        gate_build(
            self,
            builder,
            "{from_school} → {to_school} 不符合交流方向",
            "{from_school} → {to_school} is against the allowed direction",
        )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        return gate_check(
            self,
            scenario,
            plan,
            "所有交流均为城镇向乡村、强校向薄弱校、超编向缺编或政策允许的方向",
            "every move goes urban/town → rural, strong → weak, overstaffed → understaffed, "
            "or along an allowed pair",
            "教师 {teacher} 调往 {to_school} 不符合交流方向",
            "teacher {teacher} moving to {to_school} goes against the allowed direction",
        )

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """Allow the area pairs of the witness plan's moves against the direction (双向交流)."""
        allowed = [list(pair) for pair in scenario.policy.rule(self.id)["allow"]]
        added: list[list[str]] = []
        for move in witness.moves:
            teacher = scenario.teacher_by_id[move.teacher_id]
            to_school = scenario.school_by_id[move.to_school]
            pair = [scenario.school_by_id[move.from_school].area, to_school.area]
            if not self.allows(scenario, teacher, to_school, move.subject) and pair not in allowed + added:
                added.append(pair)
        if not added:
            return None
        text = ", ".join(f"{a} → {b}" for a, b in added)
        value = "[" + ", ".join(f'["{a}", "{b}"]' for a, b in allowed + added) + "]"
        return Change(
            overrides=(f"{self.id}.allow={value}",),
            sentence_zh=f"允许 {text} 方向的交流",
            sentence_en=f"allow moves {text}",
        )


RULE = Direction()
