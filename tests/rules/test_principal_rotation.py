"""principal_rotation: principals and vice-principals due to rotate do, and at least
`young_rural_share` of the rural principals are under `young_age`."""

from __future__ import annotations

from optimizer.scenario import Pin, Scenario
from tests.rules.results import destinations, only_row, rows
from tests.tiny import scenario, school, solve_checked, teacher


def leaders_county(*overrides: str, rural_principal_age: int = 50, urban_principal_age: int = 40) -> Scenario:
    schools = [school("U1"), school("R1", "rural", lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(10)]
    teachers.append(
        teacher(
            "P_U",
            "U1",
            role="principal",
            terms_at_school=2,
            birth_year=2025 - urban_principal_age,
            gender="M",
        )
    )
    teachers.append(
        teacher(
            "P_R",
            "R1",
            role="principal",
            terms_at_school=2,
            gender="M",
            birth_year=2025 - rural_principal_age,
        )
    )
    demand = {("R1", "math"): 1}
    return scenario(schools, teachers, demand, overrides=["backbone_share.share=0", *overrides])


def test_principal_rotation_hard_swaps_the_principals():
    result = solve_checked(leaders_county("principal_rotation.mode=hard"))
    assert destinations(result)["P_U"] == "R1" and destinations(result)["P_R"] == "U1"
    young = only_row(result, "principal_rotation", "东区")
    assert young.status == "met" and young.achieved == 1


def test_principal_rotation_elastic_reports_a_leader_who_cannot_move():
    result = solve_checked(leaders_county())
    assert all(r.status == "met" for r in rows(result, "principal_rotation"))
    stuck = solve_checked(
        scenario(
            list(leaders_county().schools),
            list(leaders_county().teachers),
            leaders_county().demand,
            pins=[Pin("P_R", "stay")],
            overrides=["backbone_share.share=0"],
        )
    )
    row = only_row(stuck, "principal_rotation", "P_U")
    assert (row.shortfall, row.cost) == (1, 200)


def test_principal_rotation_elastic_reports_too_few_young_rural_principals():
    # Both principals are 50 and swap (each due, 200 each if kept): R1's one principal after is
    # not young, short of ceil(50 % × 1) = 1 aged 45 or less, at 200.
    result = solve_checked(leaders_county(urban_principal_age=50))
    assert destinations(result)["P_U"] == "R1" and destinations(result)["P_R"] == "U1"
    row = only_row(result, "principal_rotation", "东区")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (1, 0, 1, 200)


def test_a_young_rural_vice_principal_counts_in_the_young_share():
    # As above, P_U (50) replaces P_R (50) at R1, but R1 also has a vice-principal aged 40 who is
    # not due to rotate: 1 of R1's 2 leaders is young, the ceil(50 % × 2) = 1 required.
    base = leaders_county(urban_principal_age=50)
    vice = teacher("VP_R", "R1", role="vice_principal", terms_at_school=1, birth_year=2025 - 40)
    result = solve_checked(
        scenario(
            list(base.schools), [*base.teachers, vice], base.demand, overrides=["backbone_share.share=0"]
        )
    )
    assert destinations(result)["P_U"] == "R1" and "VP_R" not in destinations(result)
    row = only_row(result, "principal_rotation", "东区")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (1, 1, 0, 0)
    assert row.involved == ("VP_R",)
