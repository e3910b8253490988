"""degree_balance: the urban share of degree holders is at most `ratio_max` times the rural share."""

from __future__ import annotations

from optimizer.scenario import Scenario
from tests.rules.results import only_row
from tests.tiny import scenario, school, solve_checked, teacher


def degree_county(*overrides: str) -> Scenario:
    """U1 is 4 above its establishment (超编): 4 may leave it without staffing_balance's lower bound."""
    schools = [school("U1", establishment=16), school("R1", "rural", establishment=12, lat=30.2)]
    teachers = [teacher(f"T{i}", "U1") for i in range(20)]
    teachers += [teacher(f"R{i}", "R1", degree="associate") for i in range(4)]
    teachers += [teacher(f"D{i}", "R1") for i in range(4)]
    demand = {("R1", "math"): 12}
    return scenario(
        schools,
        teachers,
        demand,
        overrides=[
            "backbone_share.share=0",
            "shortage.weight=0",
            "preferences.distance_weight=0",
            "rotation_quota.rate=0",
            "backbone_presence.min_per_school=0",
            *overrides,
        ],
    )


def test_degree_balance_hard_moves_degree_holders_to_rural_schools():
    # Urban: 100 % degree holders; rural: 4 of 8 = 50 %, ratio 2. At most 10 of 20 may leave U1:
    # rural 14 of 18 = 77.8 %, ratio 1.286 > 1.05, so the hard rule collides with the cap.
    result = solve_checked(
        degree_county("degree_balance.mode=hard", "capacity.max_departure_share=0.5"), expect="infeasible"
    )
    assert {i.rule for c in result.conflicts for i in c.instances} >= {"degree_balance"}


def test_degree_balance_hard_met_when_reachable():
    result = solve_checked(
        degree_county(
            "degree_balance.mode=hard", "degree_balance.ratio_max=1.3", "capacity.max_departure_share=0.5"
        )
    )
    row = only_row(result, "degree_balance", "东区")
    assert row.status == "met" and row.achieved <= 1.3


def test_degree_balance_elastic_reports_missing_degree_holders():
    # ratio_max 1.05 = p/q = 21/20. Before: U_n = U_b = 20, R_n = 8, R_b = 4; the excess
    # q·U_b·R_n − p·R_b·U_n = 3200 − 1680 = 1520. Moving k degree holders to R1 changes it, to first
    # order, by (q·U_b − q·R_n + p·R_b − p·U_n)·k = (400 − 160 + 84 − 420)·k = −96k; one missing
    # holder is p·U_n = 420. At most floor(20 % × 20) = 4 leave U1: k = 4 → ceil(1136 / 420) = 3,
    # k = 3 → ceil(1232 / 420) = 3, k = 2 → 4. With 22 km a move, the plan moves 3: ratio
    # (17/17) / (7/11) = 1.5714, 3 missing at 200 each.
    result = solve_checked(degree_county("preferences.distance_weight=1"))
    assert len(result.plan.moves) == 3
    row = only_row(result, "degree_balance", "东区")
    assert (row.target, row.achieved, row.shortfall, row.cost) == (1.05, 1.5714, 3, 600)
