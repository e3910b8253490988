"""exchange (跟岗): a rural teacher the home school can spare back-fills, for one year, a post that
rotation opens at a sending school; counted apart from the quota."""

from __future__ import annotations

from optimizer.outcome import Outcome
from optimizer.plan import Move, Plan
from optimizer.report import check_plan
from optimizer.scenario import Scenario
from tests.rules.results import only_row
from tests.tiny import scenario, school, solve_checked, teacher


def exchange_county(
    *overrides: str, subject: str = "math", urban_need: int = 10, rural_short: bool = True
) -> Scenario:
    """U1 needs all its ten teachers of `subject` (`urban_need` > 10: it lacks some already); R1
    has three for one post (two to spare); R2 lacks one when `rural_short`. No hires."""
    schools = [
        school("U1"),
        school("R1", "rural", lat=30.1),
        school("R2", "rural", lat=30.2),
    ]
    teachers = [teacher(f"T{i}", "U1", subject, is_backbone=i < 2) for i in range(10)]
    teachers += [teacher(f"E{i}", "R1", subject, is_backbone=i == 0) for i in range(3)]
    teachers.append(teacher("R20", "R2", "chinese", is_backbone=True))
    demand = {("U1", subject): urban_need, ("R1", subject): 1, ("R2", "chinese"): 1}
    if rural_short:
        demand[("R2", subject)] = 1
    return scenario(schools, teachers, demand, overrides=["recruitment.max_new_teachers=0", *overrides])


def test_exchange_back_fills_the_post_rotation_opens_for_one_year_outside_the_quota() -> None:
    sc = exchange_county()
    result = solve_checked(sc)

    [move] = result.plan.moves
    assert (move.from_school, move.to_school, move.kind) == ("U1", "R2", "rotation")
    [exchange] = result.plan.exchanges
    assert exchange.teacher_id.startswith("E")
    assert (exchange.from_school, exchange.to_school, exchange.subject) == ("R1", "U1", "math")
    assert (exchange.kind, exchange.term_years) == ("exchange", 1)
    assert Outcome(sc, result.plan).covered("U1", "math") == 10  # no vacancy left at U1
    quota = only_row(result, "rotation_quota", "东区")
    assert (quota.target, quota.achieved, quota.involved) == (1, 1, (move.teacher_id,))
    backfill = only_row(result, "exchange", "U1/math")
    assert (backfill.target, backfill.achieved, backfill.shortfall) == (1, 1, 0)
    county = only_row(result, "exchange", "东区")
    assert (county.achieved, county.cost) == (1, 20)
    assert result.summary.exchanges == 1 and result.summary.rotating == 1


def test_exchange_none_where_rotation_opens_no_post() -> None:
    sc = exchange_county("rotation_quota.rate=0", rural_short=False)
    result = solve_checked(sc)

    assert result.plan.moves == () and result.plan.exchanges == ()
    hand_made = Plan((), exchanges=(Move("E1", "R1", "U1", "math", 1, kind="exchange"),))
    row = next(r for r in check_plan(sc, hand_made) if r.rule == "exchange" and r.key == "U1/math")
    assert (row.status, row.mode, row.target, row.achieved, row.shortfall) == ("violated", "hard", 0, 1, 1)
    assert "1 without a post" in row.sentence_en and "1 人无岗可补" in row.sentence_zh


def test_exchange_hard_does_not_fill_a_vacancy_that_was_there_before() -> None:
    result = solve_checked(
        exchange_county("rotation_quota.rate=0", subject="music", urban_need=11, rural_short=False)
    )

    assert result.plan.exchanges == ()
    assert only_row(result, "coverage", "U1/music").achieved == 10


def test_exchange_elastic_reports_each_exchange_without_a_post() -> None:
    """U1 lacked a music teacher before: an exchange without rotation costs 20 + 100 (+ R1's and U1's
    establishment, 50 each), less than the 300 of the open music post."""
    sc = exchange_county(
        "rotation_quota.rate=0", "exchange.mode=elastic", subject="music", urban_need=11, rural_short=False
    )
    result = solve_checked(sc)

    assert result.plan.moves == ()
    [exchange] = result.plan.exchanges
    assert (exchange.from_school, exchange.to_school, exchange.term_years) == ("R1", "U1", 1)
    row = only_row(result, "exchange", "U1/music")
    assert (row.target, row.achieved, row.shortfall, row.cost, row.status) == (0, 1, 1, 100, "violated")
    assert only_row(result, "exchange", "东区").cost == 20
    assert only_row(result, "coverage", "U1/music").achieved == 11


def test_exchange_term_other_than_one_year_is_a_breach() -> None:
    sc = exchange_county()
    plan = Plan(
        (Move("T5", "U1", "R2", "math", 3),),
        exchanges=(Move("E1", "R1", "U1", "math", 3, kind="exchange"),),
    )
    row = next(r for r in check_plan(sc, plan) if r.rule == "exchange" and r.key == "东区")
    assert (row.status, row.shortfall) == ("violated", 1)
    assert "1 with another term" in row.sentence_en
