"""SPEC's three gate rules as plain predicates on one move, written from SPEC.md for the baselines
(not imported from `optimizer.rules`, so that the independent MIP stays independent)."""

from __future__ import annotations

from optimizer.scenario import Scenario, School, Teacher, stage_fits

GATES = ("eligibility", "direction", "subject_fit")


def eligibility_allows(scenario: Scenario, teacher: Teacher, to_school: School) -> bool:
    """Eligible, or HR pinned this very move, or owes rural service and goes to a rural school."""
    if scenario.is_eligible(teacher):
        return True
    pin = scenario.pin_by_teacher.get(teacher.teacher_id)
    if pin is not None and pin.action == "move_to" and pin.school_id == to_school.school_id:
        return True
    return scenario.owes_rural_service(teacher) and to_school.area == "rural"


def overstaffed(scenario: Scenario, school: School) -> bool:
    return scenario.headcount(school.school_id) > school.establishment


def understaffed(scenario: Scenario, school: School) -> bool:
    return scenario.headcount(school.school_id) < school.establishment


def direction_allows(scenario: Scenario, teacher: Teacher, from_school: School, to_school: School) -> bool:
    """A leader between a rural and a non-rural school, sending → receiving, overstaffed →
    understaffed (headcount vs establishment before the moves), or an allowed area pair."""
    if teacher.is_principal and (from_school.area == "rural") != (to_school.area == "rural"):
        return True
    if scenario.is_sending(from_school) and scenario.is_receiving(to_school):
        return True
    if overstaffed(scenario, from_school) and understaffed(scenario, to_school):
        return True
    return [from_school.area, to_school.area] in scenario.policy.rule("direction")["allow"]


def subject_fit_allows(teacher: Teacher, to_school: School, post: str) -> bool:
    """The school's stage fits the teacher's; a leader fills their own role, a teacher a subject
    they are qualified for (main or additional)."""
    if not stage_fits(teacher.stage, to_school.stage):
        return False
    return post == teacher.role if teacher.is_principal else post in teacher.subjects
