"""pins: HR decisions the plan must respect: this teacher moves to that school; this teacher
stays. (A school that receives no one has `max_incoming` 0, a capacity instance.) Elastic mode
lets the plan overrule a pin at `weight` each.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.params import mode_param, weight_param
from optimizer.plan import Move, Plan, RuleRow
from optimizer.rules.base import GateRule, row
from optimizer.scenario import Pin, Scenario, School, Teacher

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


class Pins(GateRule):
    """A gate only in where it sends a pinned teacher: with pins hard, the pinned school is the
    teacher's one destination; it refuses no single move (its instances do the rest)."""

    id = "pins"
    title_zh = "人事指定"
    title_en = "HR pins"
    params = (mode_param("hard"), weight_param(1000))

    decisive = True

    def serves(self, scenario: Scenario, teacher: Teacher, move: Move) -> bool:
        pin = scenario.pin_by_teacher.get(teacher.teacher_id)
        return pin is not None and pin.action == "move_to"

    def allows_school(self, scenario: Scenario, teacher: Teacher, to_school: School) -> bool:
        return True

    def allows(self, scenario: Scenario, teacher: Teacher, to_school: School, post: str) -> bool:
        return True

    def destinations(self, scenario: Scenario, teacher: Teacher, schools: list[School]) -> list[School]:
        pin = scenario.pin_by_teacher.get(teacher.teacher_id)
        if (
            pin is None
            or pin.action != "move_to"
            or pin.school_id is None
            or not scenario.policy.is_hard(self.id)
        ):
            return schools
        return [scenario.school_by_id[pin.school_id]]

    def instance(self, pin: Pin) -> Instance:
        if pin.action == "move_to":
            return Instance(
                self.id,
                "teacher",
                pin.teacher_id,
                1,
                "moves",
                f"人事指定 {pin.teacher_id} 交流至 {pin.school_id}",
                f"HR pins {pin.teacher_id} to move to {pin.school_id}",
            )
        return Instance(
            self.id,
            "teacher",
            pin.teacher_id,
            0,
            "moves",
            f"人事指定 {pin.teacher_id} 本年不交流",
            f"HR pins {pin.teacher_id} to stay",
        )

    def build(self, builder: ModelBuilder) -> None:
        for pin in builder.scenario.pins:
            indices = builder.by_teacher.get(pin.teacher_id, [])
            if pin.action == "move_to":
                pinned = [i for i in indices if builder.candidates[i].to_school == pin.school_id]
                builder.at_least(self.instance(pin), builder.total(pinned), 1)
            else:
                builder.forbid(self.instance(pin), indices)

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        rows = []
        for pin in scenario.pins:
            move = plan.move_of(pin.teacher_id)
            where = move.to_school if move else None
            honoured = where == pin.school_id if pin.action == "move_to" else move is None
            instance = self.instance(pin)
            rows.append(
                row(
                    self.id,
                    scenario,
                    "teacher",
                    pin.teacher_id,
                    target=int(instance.target or 0),
                    achieved=int(move is not None),
                    shortfall=int(not honoured),
                    zh=instance.sentence_zh
                    + (";已执行" if honoured else f";方案{'调往 ' + where if where else '未调动'}"),
                    en=instance.sentence_en
                    + (
                        "; honoured"
                        if honoured
                        else f"; the plan {'moves them to ' + where if where else 'keeps them'}"
                    ),
                    involved=(pin.teacher_id,),
                )
            )
        return rows

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """Drop the HR pins in the set (HR reconsiders those decisions)."""
        ids = tuple(i.key for i in instances)
        return Change(
            drop_pins=ids,
            sentence_zh=f"撤销对 {'、'.join(ids)} 的人事指定",
            sentence_en=f"drop the HR pins of {', '.join(ids)}",
        )


RULE = Pins()
