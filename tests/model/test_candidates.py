"""Candidate moves of a tiny scenario: only triples the gate rules allow, a hard refusal leaves a
triple out unless HR pinned it, an elastic refusal keeps it and names the rule that pays."""

from __future__ import annotations

from optimizer.model.candidates import enumerate_candidates
from optimizer.rules import gate_rules
from optimizer.scenario import Pin, Scenario
from tests.model.counties import county


def triples(scenario: Scenario) -> dict[tuple[str, str, str], tuple[tuple[str, ...], bool]]:
    """(teacher, destination, post) → (rules that refused it, pinned), checking the numbering."""
    candidates = enumerate_candidates(scenario, gate_rules())
    assert [c.index for c in candidates] == list(range(len(candidates)))
    assert all(c.from_school == scenario.teacher_by_id[c.teacher_id].school_id for c in candidates)
    return {(c.teacher_id, c.to_school, c.post): (c.refused_by, c.pinned) for c in candidates}


def test_hard_gates_leave_only_eligible_qualified_teachers_where_their_subject_is_short() -> None:
    assert triples(county()) == {
        ("M1", "R1", "math"): ((), False),
        ("C1", "R2", "chinese"): ((), False),
    }


def test_an_elastic_gate_keeps_the_move_and_names_the_rule() -> None:
    found = triples(county(overrides=("eligibility.mode=elastic",)))
    assert found[("M2", "R1", "math")] == (("eligibility",), False)
    assert found[("M1", "R1", "math")] == ((), False)


def test_elastic_subject_fit_offers_posts_in_shortage_at_its_cost() -> None:
    found = triples(county(overrides=("subject_fit.mode=elastic",)))
    assert found[("A1", "R1", "math")] == (("subject_fit",), False)
    assert found[("M1", "R2", "chinese")] == (("subject_fit",), False)
    assert found[("M1", "R1", "math")] == ((), False)


def test_a_hard_pin_is_the_teachers_only_destination() -> None:
    found = triples(county(pins=(Pin("C1", "move_to", "R1"),)))
    assert found[("C1", "R1", "chinese")] == ((), True)
    assert not any(teacher == "C1" and school != "R1" for teacher, school, _ in found)
