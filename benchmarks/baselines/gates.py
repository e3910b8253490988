"""SPEC's three gate rules as plain predicates on one move, the notions they rest on (who is
eligible, sending and receiving schools), and the other notions both baselines need (near
retirement, a move's term, who may head a school), written from SPEC.md and the rules' docstrings
for the baselines (not imported from `optimizer.rules`, so that the independent MIP stays
independent)."""

from __future__ import annotations

from optimizer.scenario import Scenario, School, Teacher, stage_fits

GATES = ("eligibility", "direction", "subject_fit")
RELAXABLE = ("too_few_years", "too_few_terms", "cooldown")
"""Reasons an elastic eligibility rule may override; the others never yield a move."""


def ineligible_reason(scenario: Scenario, teacher: Teacher) -> str | None:
    """Why SPEC's eligibility rule keeps `teacher` home this year, or None when eligible."""
    params = scenario.policy.rule("eligibility")
    year = scenario.policy.year
    if teacher.on_rotation_from:
        return "returning" if scenario.returns_this_year(teacher) else "on_rotation"
    if teacher.exempt_reason:
        return "exempt"
    if near_retirement(scenario, teacher):
        return "near_retirement"
    if teacher.last_rotated_year is not None and year - teacher.last_rotated_year < int(
        params["cooldown_years"]
    ):
        return "cooldown"
    if teacher.is_principal:
        return "too_few_terms" if teacher.terms_at_school < int(params["principal_terms"]) else None
    return "too_few_years" if teacher.years_at_school < int(params["min_years_at_school"]) else None


def near_retirement(scenario: Scenario, teacher: Teacher) -> bool:
    """Within `retirement_exempt_years` of the retirement age of the teacher's gender."""
    params = scenario.policy.rule("eligibility")
    retirement_age = int(params["retirement_age"][teacher.gender])
    return scenario.age(teacher) >= retirement_age - int(params["retirement_exempt_years"])


def is_eligible(scenario: Scenario, teacher: Teacher) -> bool:
    return ineligible_reason(scenario, teacher) is None


def is_sending(scenario: Scenario, school: School) -> bool:
    """Urban and town schools (`sending_areas`) that are not weak."""
    return school.area in scenario.policy.rule("rotation_quota")["sending_areas"] and not school.is_weak


def is_receiving(scenario: Scenario, school: School) -> bool:
    """Rural schools (`receiving_areas`) and every weak school."""
    return school.area in scenario.policy.rule("direction")["receiving_areas"] or school.is_weak


def eligibility_allows(scenario: Scenario, teacher: Teacher, to_school: School) -> bool:
    """Eligible, or HR pinned this very move, or owes rural service and goes to a rural school."""
    if is_eligible(scenario, teacher):
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
    if is_sending(scenario, from_school) and is_receiving(scenario, to_school):
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


def term_of(scenario: Scenario, teacher: Teacher) -> int:
    """A move's term: the teacher's `requested_term` when it lies within [min_term, max_term],
    else `term_years`. (The term rule's docstring does not say what a `term_years` outside the
    range gives; its build code clamps it into the range, and so does this.)"""
    params = scenario.policy.rule("term")
    low, high = int(params["min_term"]), int(params["max_term"])
    if teacher.requested_term is not None and low <= teacher.requested_term <= high:
        return teacher.requested_term
    return min(high, max(low, int(params["term_years"])))


def can_lead(teacher: Teacher) -> bool:
    """A principal, a vice-principal or a reserve leader (后备干部) may head a school."""
    return teacher.is_principal or teacher.reserve_leader


def headed(scenario: Scenario, school: School) -> bool:
    """The school has a principal before the plan (the leadership rule keeps it headed)."""
    return any(t.role == "principal" for t in scenario.staff_at[school.school_id])
