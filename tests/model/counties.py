"""The small county the model tests share: one urban school sending to two rural schools."""

from __future__ import annotations

from optimizer.scenario import Pin, Scenario
from tests import tiny


def county(pins: tuple[Pin, ...] = (), overrides: tuple[str, ...] = ()) -> Scenario:
    """U1 (urban) sends; R1 lacks math teachers, R2 Chinese teachers. M2 has been at U1 two years
    only (not eligible), nobody asks for A1's art."""
    schools = [
        tiny.school("U1", "urban", establishment=4),
        tiny.school("R1", "rural", lat=30.2),
        tiny.school("R2", "rural", lat=30.3),
    ]
    teachers = [
        tiny.teacher("M1", "U1", "math"),
        tiny.teacher("M2", "U1", "math", years_at_school=2),
        tiny.teacher("C1", "U1", "chinese"),
        tiny.teacher("A1", "U1", "art"),
        tiny.teacher("R10", "R1", "math"),
        tiny.teacher("R20", "R2", "chinese"),
    ]
    demand = {("U1", "math"): 2, ("U1", "chinese"): 1, ("U1", "art"): 1}
    demand |= {("R1", "math"): 3, ("R2", "chinese"): 2}
    return tiny.scenario(schools, teachers, demand, pins=list(pins), overrides=list(overrides))
