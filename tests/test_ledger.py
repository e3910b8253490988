"""The fairness ledger: teacher and school lines with known figures, with and without history.csv,
and the justified complaints the checker finds (and those a rule explains away)."""

from __future__ import annotations

from dataclasses import replace

from optimizer import ledger
from optimizer.ledger import justified_complaints, school_lines, teacher_lines
from optimizer.plan import Move, Plan
from optimizer.scenario import Scenario, Stint
from tests.tiny import NO_HIRES, scenario, school, teacher


def ledger_county() -> Scenario:
    """The plan year is 2025; eligibility's defaults: 6 years at the school, 3 years' cooldown."""
    schools = [school("U1"), school("U2", lat=30.1), school("R1", "rural", lat=30.2)]
    teachers = [
        teacher("LONG", "U1", years_at_school=10, rural_years=2, weak_years=1),
        teacher("COOL", "U1", years_at_school=9, last_rotated_year=2023, funded_graduate_owed_years=1),
        teacher("NEW", "U1", years_at_school=2),
        teacher("EXEMPT", "U1", years_at_school=12, exempt_reason="病假"),
        teacher("OTHER", "U2", years_at_school=6),
    ]
    return scenario(schools, teachers, {("R1", "math"): 1})


PLAN = Plan((Move("OTHER", "U2", "R1", "math", 3),))


def test_teacher_lines_without_history():
    lines = {line.teacher_id: line for line in teacher_lines(ledger_county(), PLAN)}
    long, cool, new, exempt, other = (lines[t] for t in ("LONG", "COOL", "NEW", "EXEMPT", "OTHER"))
    assert (long.rural_years, long.weak_years, long.rotations, long.owed_years) == (2, 1, 0, 0)
    assert (long.due_year, long.overdue_years, long.moves_to) == (2021, 4, "")
    # Six years at U1 from 2022, but the cooldown after 2023 runs until 2026.
    assert (cool.rotations, cool.owed_years, cool.due_year, cool.overdue_years) == (1, 1, 2026, None)
    assert (new.due_year, new.overdue_years) == (2029, None)
    assert (exempt.due_year, exempt.overdue_years) == (None, None)
    assert (other.due_year, other.overdue_years, other.moves_to) == (2025, 0, "R1")
    assert "已到期 4 年" in long.sentence("zh") and "4 years overdue" in long.sentence("en")


def test_rotations_and_schools_from_history():
    history = (
        Stint("LONG", "U1", "R1", 2015, 2018, "rotation"),
        Stint("LONG", "U1", "R1", 2019, 2020, "support"),
        Stint("COOL", "U1", "U2", 2023, 2024, "exchange"),
        Stint("OTHER", "U2", "R1", 2020, 2023, "rotation"),
    )
    sc = replace(ledger_county(), history=history)
    lines = {line.teacher_id: line for line in teacher_lines(sc, PLAN)}
    # The history counts rotations and 支教; an exchange (跟岗) is not one, whatever last_rotated_year says.
    assert (lines["LONG"].rotations, lines["COOL"].rotations, lines["OTHER"].rotations) == (2, 0, 1)
    schools = {line.school_id: line for line in school_lines(sc, PLAN)}
    u1, u2, r1 = schools["U1"], schools["U2"], schools["R1"]
    # Eleven years (2015-2025); U1 has LONG eligible (1 of 10 % → 1 a year), U2 OTHER.
    assert (u1.eligible, u1.sent_before, u1.sent_now, u1.share_per_year, u1.years) == (1, 2, 0, 1, 11)
    assert (u1.share, u1.sent_against_share) == (11, -9)
    assert (u2.sent_before, u2.sent_now, u2.sent_against_share) == (1, 1, -9)
    assert (r1.received_before, r1.received_now, r1.share) == (3, 1, 0)


def complaint_county(*overrides: str) -> Scenario:
    """U1's math teachers LONG (due 2019) and LATE (due 2024), and ART (due 2015, who teaches art
    only); six more too new to move; one math post at R1."""
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1", years_at_school=2) for i in range(6)]
    teachers += [
        teacher("LONG", "U1", years_at_school=12),
        teacher("LATE", "U1", years_at_school=7),
        teacher("ART", "U1", "art", years_at_school=16),
    ]
    return scenario(schools, teachers, {("R1", "math"): 1}, overrides=[NO_HIRES, *overrides])


def test_a_teacher_due_longer_passed_over_is_a_justified_complaint():
    sc = complaint_county("backbone_share.share=0")
    found = justified_complaints(sc, Plan((Move("LATE", "U1", "R1", "math", 3),)))
    assert [(c.teacher_id, c.passed_for, c.due_year, c.passed_for_due_year) for c in found.found] == [
        ("LONG", "LATE", 2019, 2024)
    ]
    # ART is due longest but cannot teach math (subject_fit): no pair is checked for ART.
    assert (found.checked, found.unchecked) == (1, 0)
    assert found.found[0].same_school
    assert "LONG" in found.found[0].sentence("zh") and "makes no rule worse" in found.found[0].sentence("en")


def test_the_longest_due_moving_leaves_no_complaint():
    sc = complaint_county("backbone_share.share=0")
    assert justified_complaints(sc, Plan((Move("LONG", "U1", "R1", "math", 3),))).found == ()


def test_a_rule_reason_is_no_complaint():
    """With the backbone share (20 % of movers), LATE is sent as U1's only backbone teacher:
    sending LONG instead would break it, so LONG has no complaint."""
    sc = complaint_county("backbone_share.share=0.2")
    sc = replace(
        sc,
        teachers=tuple(replace(t, is_backbone=True) if t.teacher_id == "LATE" else t for t in sc.teachers),
    )
    found = justified_complaints(sc, Plan((Move("LATE", "U1", "R1", "math", 3),)))
    assert (found.found, found.checked) == ((), 1)


def test_the_checks_are_bounded_and_the_pairs_left_counted(monkeypatch):
    sc = complaint_county("backbone_share.share=0")
    sc = replace(sc, teachers=(*sc.teachers, teacher("LONG2", "U1", years_at_school=11)))
    plan = Plan((Move("LATE", "U1", "R1", "math", 3),))
    assert justified_complaints(sc, plan).checked == 2
    monkeypatch.setattr(ledger, "TEACHER_CHECKS_PER_PLAN", len(sc.teachers))
    found = justified_complaints(sc, plan)
    # One check allowed: the longest due (LONG, due 2019) is checked, LONG2 (2020) left.
    assert ([c.teacher_id for c in found.found], found.checked, found.unchecked) == (["LONG"], 1, 1)
