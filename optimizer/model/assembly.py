"""Assembling the model of a scenario: candidates, then every rule adds itself, then the objective,
then the model edits (forced moves, change costs against a previous plan, the hint); and reading a
plan back from the values of its variables. Running the model is the engines' job."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, Unpack

from ortools.sat.python import cp_model

from optimizer.model.builder import BuilderOptions, ModelBuilder
from optimizer.model.candidates import Gate, enumerate_candidates
from optimizer.options import ModelEdits
from optimizer.plan import Hire, ItinerantAssignment, Move, Plan
from optimizer.scenario import Scenario


class ModelRule(Protocol):
    """What assembly asks of a rule (`optimizer.rules.base.Rule` has it)."""

    def build(self, builder: ModelBuilder) -> None: ...


def build_model(
    scenario: Scenario,
    rules: Sequence[ModelRule],
    gates: Sequence[Gate],
    edits: ModelEdits | None = None,
    **builder_options: Unpack[BuilderOptions],
) -> ModelBuilder:
    """Candidates (decided by `gates`), then each of `rules` in order (the order is part of what
    makes a plan reproducible), then the objective and the edits."""
    builder = ModelBuilder(scenario, enumerate_candidates(scenario, gates), **builder_options)
    for rule in rules:
        rule.build(builder)
    builder.finish()
    if edits is not None:
        apply_edits(builder, edits)
    return builder


def apply_edits(builder: ModelBuilder, edits: ModelEdits) -> None:
    """Forced moves, change costs against the previous plan, and the hint (the previous plan
    when no hint is given)."""
    for teacher_id in sorted(edits.force_moves):
        builder.model.add(builder.moved(teacher_id) >= 1)
    if edits.previous_plan is not None:
        add_change_costs(builder, edits.previous_plan, edits.change_weight)
    hint = edits.hint or edits.previous_plan
    if hint is not None:
        add_hint(builder, hint)


def add_change_costs(builder: ModelBuilder, previous: Plan, weight: float) -> None:
    """Each teacher whose move differs from `previous` costs `weight`: a previous move not kept
    (dropped or redirected) pays once, a new move of a teacher who did not move pays once."""
    for teacher_id, indices in builder.by_teacher.items():
        move = previous.move_of(teacher_id)
        if move is None:
            builder.add_cost(weight, builder.total(indices))
            continue
        kept = [
            i
            for i in indices
            if (builder.candidates[i].to_school, builder.candidates[i].post) == (move.to_school, move.subject)
        ]
        builder.add_cost(weight, 1 - builder.total(kept))
    for move in previous.moves:
        if move.teacher_id not in builder.by_teacher:
            builder.add_cost(weight, 1)
    builder.model.minimize(builder.cost())


def add_hint(builder: ModelBuilder, hint: Plan) -> None:
    """Every decision variable hinted: the plan's moves, exchanges, hires and 走教; 0 for the rest."""
    for candidate, variable in zip(builder.candidates, builder.x, strict=True):
        move = hint.move_of(candidate.teacher_id)
        chosen = move is not None and (move.to_school, move.subject) == (candidate.to_school, candidate.post)
        builder.model.add_hint(variable, chosen)
    exchanges = {(m.teacher_id, m.to_school, m.subject) for m in hint.exchanges}
    for exchange in builder.exchanges:
        chosen = (exchange.teacher_id, exchange.to_school, exchange.subject) in exchanges
        builder.model.add_hint(exchange.variable, chosen)
    hired = {(h.school_id, h.subject, h.kind): h.posts for h in hint.hires}
    for hire in builder.hires:
        builder.model.add_hint(hire.variable, hired.get((hire.school_id, hire.subject, hire.kind), 0))
    itinerant = {(a.teacher_id, a.school_id, a.subject) for a in hint.itinerant}
    for assignment in builder.itinerant:
        chosen = (assignment.teacher_id, assignment.school_id, assignment.subject) in itinerant
        builder.model.add_hint(assignment.variable, chosen)


def plan_from(builder: ModelBuilder, value: Callable[[cp_model.IntVar], int]) -> Plan:
    """The plan a solution's values (`value`: a solver's or a callback's) choose: the moves, each
    with the term a rule stamped on its candidate (`ModelBuilder.term_years`), the exchanges, the
    hires and the 走教 assignments."""
    moves = tuple(
        Move(
            teacher_id=candidate.teacher_id,
            from_school=candidate.from_school,
            to_school=candidate.to_school,
            subject=candidate.post,
            term_years=builder.term_years[candidate.index],
        )
        for candidate, variable in zip(builder.candidates, builder.x, strict=True)
        if value(variable)
    )
    exchanges = tuple(
        Move(e.teacher_id, e.from_school, e.to_school, e.subject, e.term_years, kind="exchange")
        for e in builder.exchanges
        if value(e.variable)
    )
    hires = tuple(
        Hire(h.school_id, h.subject, posts, h.kind)
        for h in builder.hires
        if (posts := int(value(h.variable))) > 0
    )
    itinerant = tuple(
        ItinerantAssignment(a.teacher_id, a.home_school, a.school_id, a.subject, a.share)
        for a in builder.itinerant
        if value(a.variable)
    )
    return Plan(moves, exchanges, hires, itinerant)
