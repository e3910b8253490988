"""capacity: a school receives at most `max_incoming` teachers (posts, 周转宿舍), sends at most
`max_departure_share` of its teachers (rounded down), and keeps at least `min_backbone_retained`
of its backbone teachers (rounded up). Source: practice.

Leadership posts are capacity too: after the moves a school has no more principals (and no more
vice-principals) than before, or one where it had none, so a leader arrives only where one leaves.
Leaders' exchanges fill those posts and do not count against the departure cap, which is about
classroom teachers; the backbone count does include them.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from optimizer.instance import Change, Instance
from optimizer.outcome import Outcome
from optimizer.params import Param, mode_param, weight_param
from optimizer.plan import Plan, RuleRow
from optimizer.policy import ceil_share, floor_share
from optimizer.rules.base import Rule, ceil_decimal, floor_decimal, row
from optimizer.rules.rotation_quota import pct
from optimizer.scenario import Scenario

if TYPE_CHECKING:
    from optimizer.model.builder import ModelBuilder


ROLE_ZH = {"principal": "校长", "vice_principal": "副校长"}


class Capacity(Rule):
    id = "capacity"
    title_zh = "学校承载"
    title_en = "capacity"
    params = (
        mode_param("hard"),
        weight_param(500),
        Param("max_departure_share", 0.20, "fraction", "每校调出不超过", "Departures per school at most"),
        Param("min_backbone_retained", 0.50, "fraction", "派出校保留骨干不少于", "Backbone kept at least"),
    )

    def departure_cap(self, scenario: Scenario, school_id: str) -> int:
        share = scenario.policy.rule(self.id)["max_departure_share"]
        return floor_share(share, scenario.headcount(school_id))

    def backbone_keep(self, scenario: Scenario, school_id: str) -> tuple[int, int]:
        """(backbone teachers now, backbone teachers that must stay)."""
        share = scenario.policy.rule(self.id)["min_backbone_retained"]
        backbone = sum(t.is_backbone for t in scenario.staff_at[school_id])
        return backbone, ceil_share(share, backbone)

    def incoming_instance(self, school_id: str, cap: int) -> Instance:
        return Instance(
            self.id,
            "school",
            f"{school_id}/incoming",
            cap,
            "teachers",
            f"{school_id}:调入不超过 {cap} 人(岗位、周转宿舍)",
            f"{school_id}: at most {cap} teachers arrive (posts, housing)",
        )

    def departure_instance(self, scenario: Scenario, school_id: str) -> Instance:
        cap = self.departure_cap(scenario, school_id)
        share = scenario.policy.rule(self.id)["max_departure_share"]
        headcount = scenario.headcount(school_id)
        return Instance(
            self.id,
            "school",
            f"{school_id}/departures",
            cap,
            "teachers",
            f"{school_id}:调出不超过教师 {headcount} 人的 {pct(share)}(至多 {cap} 人)",
            f"{school_id}: at most {pct(share)} of {headcount} teachers leave (at most {cap})",
        )

    def backbone_instance(self, scenario: Scenario, school_id: str) -> Instance:
        backbone, keep = self.backbone_keep(scenario, school_id)
        return Instance(
            self.id,
            "school",
            f"{school_id}/backbone",
            keep,
            "teachers",
            f"{school_id}:骨干教师 {backbone} 人中至少保留 {keep} 人",
            f"{school_id}: keeps at least {keep} of its {backbone} backbone teachers",
        )

    def leader_posts(self, scenario: Scenario, school_id: str, role: str) -> tuple[int, int]:
        """(leaders of `role` now, most allowed after the moves)."""
        now = sum(t.role == role for t in scenario.staff_at[school_id])
        return now, max(now, 1)

    def leader_instance(self, scenario: Scenario, school_id: str, role: str) -> Instance:
        now, most = self.leader_posts(scenario, school_id, role)
        role_zh = ROLE_ZH[role]
        return Instance(
            self.id,
            "school",
            f"{school_id}/{role}",
            most,
            "leaders",
            f"{school_id}:{role_zh}职数 {most} 人(现有 {now} 人)",
            f"{school_id}: at most {most} {role.replace('_', '-')}s ({now} now)",
        )

    def build(self, builder: ModelBuilder) -> None:
        scenario = builder.scenario
        for school in scenario.schools:
            school_id = school.school_id
            for role in ROLE_ZH:
                arriving = builder.into_post.get((school_id, role), [])
                if arriving:
                    now, most = self.leader_posts(scenario, school_id, role)
                    leaving = [
                        i for i in builder.out_of.get(school_id, []) if builder.candidates[i].post == role
                    ]
                    builder.at_most(
                        self.leader_instance(scenario, school_id, role),
                        now + builder.total(arriving) - builder.total(leaving),
                        most,
                        max_excess=len(arriving),
                    )
            arriving = builder.into.get(school_id, [])
            if school.max_incoming is not None and arriving:
                builder.at_most(
                    self.incoming_instance(school_id, school.max_incoming),
                    builder.arrivals(school_id),
                    school.max_incoming,
                    max_excess=len(arriving),
                )
            leaving = builder.out_of.get(school_id, [])
            teachers_leaving = [i for i in leaving if builder.candidates[i].post not in ROLE_ZH]
            if teachers_leaving:
                builder.at_most(
                    self.departure_instance(scenario, school_id),
                    builder.total(teachers_leaving),
                    self.departure_cap(scenario, school_id),
                    max_excess=len(teachers_leaving),
                )
            backbone_leaving = [
                i for i in leaving if scenario.teacher_by_id[builder.candidates[i].teacher_id].is_backbone
            ]
            backbone, keep = self.backbone_keep(scenario, school_id)
            if backbone_leaving:
                builder.at_most(
                    self.backbone_instance(scenario, school_id),
                    builder.total(backbone_leaving),
                    backbone - keep,
                    max_excess=len(backbone_leaving),
                )

    def check(self, scenario: Scenario, plan: Plan) -> list[RuleRow]:
        outcome = Outcome(scenario, plan)
        rows = []
        for school in scenario.schools:
            school_id = school.school_id
            for role in ROLE_ZH:
                if not any(m.to_school == school_id and m.subject == role for _, m in outcome.moves):
                    continue
                _, most = self.leader_posts(scenario, school_id, role)
                after = sum(t.role == role for t in outcome.staff_after[school_id])
                instance = self.leader_instance(scenario, school_id, role)
                rows.append(
                    row(
                        self.id,
                        scenario,
                        "school",
                        f"{school_id}/{role}",
                        target=most,
                        achieved=after,
                        shortfall=max(0, after - most),
                        zh=instance.sentence_zh + f";交流后 {after} 人",
                        en=instance.sentence_en + f"; {after} after the moves",
                    )
                )
            arrived = tuple(t.teacher_id for t, m in outcome.moves if m.to_school == school_id)
            if school.max_incoming is not None and arrived:
                excess = max(0, len(arrived) - school.max_incoming)
                rows.append(
                    row(
                        self.id,
                        scenario,
                        "school",
                        f"{school_id}/incoming",
                        target=school.max_incoming,
                        achieved=len(arrived),
                        shortfall=excess,
                        zh=f"{school_id}:调入 {len(arrived)} 人,上限 {school.max_incoming} 人"
                        + (f",超出 {excess} 人" if excess else ""),
                        en=f"{school_id}: {len(arrived)} arrive, at most {school.max_incoming}"
                        + (f"; {excess} too many" if excess else ""),
                        involved=arrived,
                    )
                )
            left = [(t, m) for t, m in outcome.moves if m.from_school == school_id]
            teachers_left = [(t, m) for t, m in left if m.subject not in ROLE_ZH]
            if teachers_left:
                cap = self.departure_cap(scenario, school_id)
                excess = max(0, len(teachers_left) - cap)
                headcount = scenario.headcount(school_id)
                rows.append(
                    row(
                        self.id,
                        scenario,
                        "school",
                        f"{school_id}/departures",
                        target=cap,
                        achieved=len(teachers_left),
                        shortfall=excess,
                        zh=f"{school_id}:教师 {headcount} 人,调出 {len(teachers_left)} 人,上限 {cap} 人"
                        + (f",超出 {excess} 人" if excess else ""),
                        en=f"{school_id}: {len(teachers_left)} of {headcount} teachers leave, at most {cap}"
                        + (f"; {excess} too many" if excess else ""),
                        involved=tuple(t.teacher_id for t, _ in teachers_left),
                    )
                )
            backbone, keep = self.backbone_keep(scenario, school_id)
            backbone_left = tuple(t.teacher_id for t, _ in left if t.is_backbone)
            if backbone_left:
                stay = backbone - len(backbone_left)
                missing = max(0, keep - stay)
                rows.append(
                    row(
                        self.id,
                        scenario,
                        "school",
                        f"{school_id}/backbone",
                        target=keep,
                        achieved=stay,
                        shortfall=missing,
                        zh=f"{school_id}:骨干教师 {backbone} 人,调出 {len(backbone_left)} 人,保留 "
                        f"{stay} 人(应至少 {keep} 人)",
                        en=f"{school_id}: keeps {stay} of {backbone} backbone teachers after "
                        f"{len(backbone_left)} leave (at least {keep})",
                        involved=backbone_left,
                    )
                )
        return rows

    def relax(self, scenario: Scenario, instances: list[Instance], witness: Plan) -> Change | None:
        """Raise the departure share, lower the backbone share kept, or raise a school's
        max_incoming to what the witness plan needs. Leadership posts have no parameter."""
        outcome = Outcome(scenario, witness)
        params = scenario.policy.rule(self.id)
        overrides, fields, zh, en = [], [], [], []
        kinds: dict[str, list[str]] = {i.key.split("/", 1)[1]: [] for i in instances}
        for instance in instances:
            kinds[instance.key.split("/", 1)[1]].append(instance.key.split("/", 1)[0])
        if any(kind in ROLE_ZH for kind in kinds):
            return None
        if "departures" in kinds:
            needed = max(
                Fraction(
                    sum(1 for _, m in outcome.moves if m.from_school == s and m.subject not in ROLE_ZH),
                    scenario.headcount(s),
                )
                for s in kinds["departures"]
            )
            new = ceil_decimal(needed)
            overrides.append(f"{self.id}.max_departure_share={new}")
            zh.append(f"将调出上限由 {pct(params['max_departure_share'])} 提高至 {pct(new)}")
            en.append(
                f"raise capacity.max_departure_share from {pct(params['max_departure_share'])} to {pct(new)}"
            )
        if "backbone" in kinds:
            kept = min(
                Fraction(
                    self.backbone_keep(scenario, s)[0]
                    - sum(1 for t, m in outcome.moves if m.from_school == s and t.is_backbone),
                    self.backbone_keep(scenario, s)[0],
                )
                for s in kinds["backbone"]
            )
            new = floor_decimal(kept)
            overrides.append(f"{self.id}.min_backbone_retained={new}")
            zh.append(f"将骨干教师保留比例由 {pct(params['min_backbone_retained'])} 降至 {pct(new)}")
            en.append(
                f"lower capacity.min_backbone_retained from {pct(params['min_backbone_retained'])} "
                f"to {pct(new)}"
            )
        for school_id in kinds.get("incoming", []):
            arrivals = outcome.arrivals[school_id]
            fields.append((school_id, "max_incoming", arrivals))
            old = scenario.school_by_id[school_id].max_incoming
            zh.append(f"将 {school_id} 的调入上限由 {old} 人提高至 {arrivals} 人")
            en.append(f"raise the max_incoming of {school_id} from {old} to {arrivals}")
        return Change(
            overrides=tuple(overrides),
            school_fields=tuple(fields),
            sentence_zh=";".join(zh),
            sentence_en="; ".join(en),
        )


RULE = Capacity()
