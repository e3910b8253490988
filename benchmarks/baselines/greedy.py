"""What an HR section does in Excel, as a baseline: fill the worst shortages with the longest-serving
eligible teachers who fit, make up the rotation quota, then recruit into the posts left empty.

Region by region (regions are independent), in this order:

1. HR pins: a `move_to` pin is carried out (on a post of a subject the teacher teaches that the
   school demands, else the main subject; a leader on their role): as given when pins are hard,
   only if it breaks no hard direction / subject_fit / capacity rule when pins are elastic. A
   `stay` pin keeps the teacher home. A school that may not lose staff (staffing_balance hard)
   and lost some to pins is backfilled.
2. Shortage posts of the receiving schools, most urgent first (subject priority × shortage, then
   school id and subject). Each missing teacher goes to the longest-serving (years at the school,
   then id) eligible classroom teacher who fits: qualified for the subject at the school's stage,
   along an allowed direction, from a school whose departure cap and backbone retention still
   allow one more (and that is not left short in that subject itself), to a school under its
   max_incoming (and its establishment band when staffing_balance is hard). Teachers who owe rural
   service are in the pool for rural posts. HR goes on filling shortages after the quota is met,
   as long as no cap breaks: a shortage post is a class without a teacher, the quota a minimum.
   While the region's movers need one more backbone teacher for the backbone share, the
   longest-serving backbone teacher who fits is taken instead, when there is one.
3. Rotation quota: where departures from sending schools are below ⌈rate × eligible⌉ (per region or
   per sending school), the longest-serving remaining eligible teachers of those schools go where
   the direction allows (a receiving school; an understaffed one from an overstaffed school) to a
   school with room that demands their subject: still short first, then below its establishment,
   then the shortest commute.
4. Leaders due to rotate (principal_rotation; most terms first) cross the urban / rural divide: to
   the nearest school of a fitting stage with a free post of their role, or swapping with an
   eligible leader there; only where the backbone share does not get worse. (After the quota, so
   that they do not take the last places a quota teacher needs.)
5. Backbone share: eligible backbone teachers are added as in 3 until ⌈share × movers⌉ of them
   move; when none can be, the last-added move without a backbone teacher that the quota can
   spare is dropped (a leader exchange as a whole), and backbone teachers are tried again.
6. Recruitment: every post still unmet after the moves (at any school: shortages left, and the
   vacancies the movers opened) gets a new teacher, most urgent first (subject priority × posts
   unmet, then school id and subject), one at a time while the region's hiring allows it (特岗
   posts at rural schools first, then the extra hires of a listed subject, then the budget) and
   the school has a free post of its establishment (vacant before the plan, or left by a mover;
   and room in its establishment band when staffing_balance is hard).

Throughout, a school that has a principal keeps someone to head it: a principal, vice-principal
or reserve leader leaves it only while another one stays or arrives. Each move gets its term (the
teacher's requested term when the policy allows it). HR makes no 跟岗 exchange and no 走教.

It does not chase the elastic rules it does not know (degree balance, young rural principals, title
priority, preferences, volunteers): what they cost is what the checker reports. It reads the
scenario's facts and the gate predicates, never the model. Time: one pass over the teachers, plus
per shortage unit a scan of the subject's pool that drops teachers who can no longer leave, plus a
sort of the posts left unmet.
"""

from __future__ import annotations

from collections import Counter, defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial

from optimizer.plan import Hire, Move, Plan
from optimizer.policy import ceil_share, floor_share
from optimizer.scenario import SCHOOL_STAGES, Scenario, School, Teacher, stage_fits

from .gates import (
    can_lead,
    direction_allows,
    eligibility_allows,
    headed,
    is_eligible,
    is_receiving,
    is_sending,
    subject_fit_allows,
    term_of,
)

UNLIMITED = 10**9


def greedy_plan(scenario: Scenario) -> Plan:
    """The HR section's plan (see the module docstring for the steps)."""
    ledger = Ledger(scenario)
    apply_pins(scenario, ledger)
    for region in scenario.regions:
        backfill(scenario, ledger, region)
        fill_shortages(scenario, ledger, region)
        meet_quota(scenario, ledger, region)
        exchange_leaders(scenario, ledger, region)
        meet_backbone_share(scenario, ledger, region)
        recruit(scenario, ledger, region)
    hires = tuple(
        Hire(school, subject, posts, kind) for (school, subject, kind), posts in ledger.hires.items()
    )
    return Plan(tuple(ledger.moves.values()), hires=hires)


@dataclass
class Ledger:
    """The plan being built, its running counts, and the limits HR keeps."""

    scenario: Scenario
    moves: dict[str, Move] = field(default_factory=dict)  # by teacher, in the order decided
    exchanges: dict[str, tuple[str, ...]] = field(default_factory=dict)  # leader -> both of a swap
    left: Counter[str] = field(default_factory=Counter)  # classroom teachers leaving, per school
    departed: Counter[str] = field(default_factory=Counter)  # every move, leaders too, per school
    backbone_left: Counter[str] = field(default_factory=Counter)
    arrived: Counter[str] = field(default_factory=Counter)
    headcount_delta: Counter[str] = field(default_factory=Counter)
    subject_delta: Counter[tuple[str, str]] = field(default_factory=Counter)
    leader_delta: Counter[tuple[str, str]] = field(default_factory=Counter)  # (school, role)
    rotating: Counter[str] = field(default_factory=Counter)  # per region of the sending school
    backbone_rotating: Counter[str] = field(default_factory=Counter)
    heads: Counter[str] = field(default_factory=Counter)  # who could head the school after the moves
    hires: Counter[tuple[str, str, str]] = field(default_factory=Counter)  # (school, subject, kind)
    hired: Counter[str] = field(default_factory=Counter)  # per school

    def __post_init__(self) -> None:
        sc = self.scenario
        capacity = sc.policy.rule("capacity")
        balance = sc.policy.rule("staffing_balance")
        tolerance, tolerance_low = int(balance["tolerance"]), int(balance["tolerance_low"])
        staffing_hard = sc.policy.is_hard("staffing_balance")
        self.departure_cap: dict[str, int] = {}
        self.backbone_may_leave: dict[str, int] = {}
        self.incoming_cap: dict[str, int] = {}
        self.upper: dict[str, int] = {}
        self.lower: dict[str, int] = {}
        self.schools_in: dict[str, list[School]] = defaultdict(list)
        for school in sc.schools:
            sid, headcount = school.school_id, sc.headcount(school.school_id)
            backbone = sum(t.is_backbone for t in sc.staff_at[sid])
            self.departure_cap[sid] = floor_share(capacity["max_departure_share"], headcount)
            self.backbone_may_leave[sid] = backbone - ceil_share(capacity["min_backbone_retained"], backbone)
            self.incoming_cap[sid] = UNLIMITED if school.max_incoming is None else school.max_incoming
            self.upper[sid] = max(school.establishment + tolerance, headcount)
            low = max(0, min(school.establishment - tolerance_low, headcount))
            self.lower[sid] = low if staffing_hard else 0
            self.schools_in[school.region].append(school)
            self.heads[sid] = sum(can_lead(t) for t in sc.staff_at[sid])
        self.headed = {s.school_id for s in sc.schools if headed(sc, s)}
        self.hard_upper = dict(self.upper) if staffing_hard else dict.fromkeys(self.upper, UNLIMITED)
        self.staffing_hard = staffing_hard
        self.demand_in: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for (school_id, subject), required in sc.demand.items():
            self.demand_in[sc.school_by_id[school_id].region].append((school_id, subject, required))
        self.members_in = pool_members(sc)
        recruitment = sc.policy.rule("recruitment")
        self.hiring_left: Counter[str] = Counter()
        for region, schools in self.schools_in.items():
            vacant = sum(max(0, s.establishment - sc.headcount(s.school_id)) for s in schools)
            setting = int(recruitment["max_new_teachers"])
            self.hiring_left[region] = vacant if setting < 0 else setting

    def headcount(self, school_id: str) -> int:
        return self.scenario.headcount(school_id) + self.headcount_delta[school_id]

    def subject_count(self, school_id: str, subject: str) -> int:
        """Classroom teachers of `subject` at the school after the moves so far."""
        return (
            self.scenario.subject_headcount[(school_id, subject)] + self.subject_delta[(school_id, subject)]
        )

    def may_leave(self, teacher: Teacher, replaced: bool = False) -> bool:
        """Not moved yet, and the home school's caps allow this departure; one who could head a
        school that has a principal leaves it only if another stays, or when `replaced` (a
        leader arrives in exchange)."""
        home = self.scenario.home_school(teacher)
        if teacher.teacher_id in self.moves or not self.may_shrink(home):
            return False
        if not (replaced or self.keeps_a_head(teacher)):
            return False
        if teacher.role == "teacher" and self.left[home] >= self.departure_cap[home]:
            return False
        return not (teacher.is_backbone and self.backbone_left[home] >= self.backbone_may_leave[home])

    def may_shrink(self, school_id: str) -> bool:
        """One more may leave the school: it stays within its lower bound (staffing_balance hard),
        or the region's hiring budget can still refill every school below it, this one included."""
        if self.headcount(school_id) > self.lower[school_id]:
            return True
        region = self.scenario.school_by_id[school_id].region
        below = sum(
            max(0, self.lower[s.school_id] - self.headcount(s.school_id)) for s in self.schools_in[region]
        )
        return below < self.hiring_left[region]

    def has_free_post(self, school_id: str) -> bool:
        """A hire fits: a post of the establishment vacant before the plan or left by a mover is
        still free (and the establishment band has room when staffing_balance is hard)."""
        school = self.scenario.school_by_id[school_id]
        vacant = max(0, school.establishment - self.scenario.headcount(school_id))
        return (
            self.hired[school_id] < vacant + self.departed[school_id]
            and self.headcount(school_id) < self.hard_upper[school_id]
        )

    def hire(self, school_id: str, subject: str, kind: str) -> None:
        self.hires[(school_id, subject, kind)] += 1
        self.hired[school_id] += 1
        self.headcount_delta[school_id] += 1
        self.subject_delta[(school_id, subject)] += 1

    def keeps_a_head(self, teacher: Teacher) -> bool:
        """The teacher's school still has someone to head it once the teacher leaves."""
        home = self.scenario.home_school(teacher)
        return not can_lead(teacher) or home not in self.headed or self.heads[home] > 1

    def at_need(self, school_id: str, subject: str) -> bool:
        """With staffing_balance hard, one more teacher of `subject` would be above need: the
        school has max(demand, now) of them already."""
        key = (school_id, subject)
        need = max(self.scenario.demand.get(key, 0), self.scenario.subject_headcount[key])
        return self.staffing_hard and self.subject_count(school_id, subject) >= need

    def has_room(self, school_id: str) -> bool:
        """The school can take one more (max_incoming; the establishment band when staffing is hard)."""
        return (
            self.arrived[school_id] < self.incoming_cap[school_id]
            and self.headcount(school_id) < self.hard_upper[school_id]
        )

    def leader_post_free(self, school_id: str, role: str) -> bool:
        """One more leader of `role` fits: at most max(now, 1) after the moves."""
        now = sum(t.role == role for t in self.scenario.staff_at[school_id])
        return now + self.leader_delta[(school_id, role)] < max(now, 1)

    def backbone_shortfall(self, region: str, more: int = 0, more_backbone: int = 0) -> int:
        """Backbone movers missing for the share, with `more` movers (`more_backbone` of them backbone)."""
        share = self.scenario.policy.rule("backbone_share")["share"]
        needed = ceil_share(share, self.rotating[region] + more)
        return max(0, needed - self.backbone_rotating[region] - more_backbone)

    def needs_backbone(self, region: str) -> bool:
        """One more non-backbone mover would leave the region short of the backbone share."""
        return self.backbone_shortfall(region, more=1) > 0

    def add(self, teacher: Teacher, to_school: str, post: str) -> None:
        term = term_of(self.scenario, teacher)
        move = Move(teacher.teacher_id, self.scenario.home_school(teacher), to_school, post, term)
        self.moves[teacher.teacher_id] = move
        self._count(teacher, move, 1)

    def remove(self, teacher_id: str) -> None:
        move = self.moves.pop(teacher_id)
        self._count(self.scenario.teacher_by_id[teacher_id], move, -1)

    def _count(self, teacher: Teacher, move: Move, sign: int) -> None:
        home, to = move.from_school, move.to_school
        if teacher.role == "teacher":
            self.left[home] += sign
            self.subject_delta[(home, teacher.subject)] -= sign
            self.subject_delta[(to, move.subject)] += sign
        else:
            self.leader_delta[(home, teacher.role)] -= sign
            self.leader_delta[(to, teacher.role)] += sign
        self.departed[home] += sign
        self.backbone_left[home] += sign * teacher.is_backbone
        self.arrived[to] += sign
        self.headcount_delta[home] -= sign
        self.headcount_delta[to] += sign
        if can_lead(teacher):
            self.heads[home] -= sign
            self.heads[to] += sign
        region = self.scenario.school_by_id[home].region
        self.rotating[region] += sign
        self.backbone_rotating[region] += sign * teacher.is_backbone


def pool_members(scenario: Scenario) -> dict[str, list[Teacher]]:
    """Per region, the classroom teachers who may be sent: eligible or owing rural service, not
    pinned, at a school that can send somewhere (sending, overstaffed, or an allowed from-area);
    longest-serving first."""
    allow_from = {pair[0] for pair in scenario.policy.rule("direction")["allow"]}
    members: dict[str, list[Teacher]] = defaultdict(list)
    for teacher in scenario.teachers:
        if teacher.role != "teacher" or teacher.teacher_id in scenario.pin_by_teacher:
            continue
        if not (is_eligible(scenario, teacher) or scenario.owes_rural_service(teacher)):
            continue
        home = scenario.school_by_id[scenario.home_school(teacher)]
        overstaffed = scenario.headcount(home.school_id) > home.establishment
        if is_sending(scenario, home) or overstaffed or home.area in allow_from:
            members[home.region].append(teacher)
    for teachers in members.values():
        teachers.sort(key=seniority)
    return members


def seniority(teacher: Teacher) -> tuple[int, str]:
    return (-teacher.years_at_school, teacher.teacher_id)


def apply_pins(scenario: Scenario, ledger: Ledger) -> None:
    """HR decisions are carried out as given when pins are hard (the checker reports any cap they
    break); when pins are elastic, only those that break no hard gate rule or cap."""
    policy = scenario.policy
    for pin in scenario.pins:
        if pin.action != "move_to" or pin.school_id is None:
            continue
        teacher = scenario.teacher_by_id[pin.teacher_id]
        if pin.school_id == scenario.home_school(teacher) or teacher.teacher_id in ledger.moves:
            continue
        if teacher.is_principal:
            post = teacher.role
        else:
            demanded = [s for s in teacher.subjects if scenario.demand.get((pin.school_id, s), 0) > 0]
            post = demanded[0] if demanded else teacher.subject
        school = scenario.school_by_id[pin.school_id]
        home = scenario.school_by_id[scenario.home_school(teacher)]
        breaks = {
            "direction": not direction_allows(scenario, teacher, home, school),
            "subject_fit": not subject_fit_allows(teacher, school, post),
            "capacity": not (ledger.may_leave(teacher, replaced=True) and ledger.has_room(pin.school_id))
            or (teacher.is_principal and not ledger.leader_post_free(pin.school_id, teacher.role)),
            "leadership": not ledger.keeps_a_head(teacher),
        }
        if policy.is_hard("pins") or not any(b and policy.is_hard(rule) for rule, b in breaks.items()):
            ledger.add(teacher, pin.school_id, post)


def backfill(scenario: Scenario, ledger: Ledger, region: str) -> None:
    """A school that pins took below its lower bound (staffing_balance hard) gets teachers back up
    to it: the longest-serving who fit, on a subject it demands."""
    for school in ledger.schools_in[region]:
        sid = school.school_id
        for teacher in ledger.members_in[region]:
            if ledger.headcount(sid) >= ledger.lower[sid]:
                break
            place = destination(scenario, ledger, teacher, [school])
            if place is not None:
                ledger.add(teacher, *place)


def fits(scenario: Scenario, ledger: Ledger, teacher: Teacher, school: School) -> bool:
    """The sender's caps, eligibility, direction, and no new shortage at a receiving home school.
    (Subject and stage are the caller's: it picks from pools by subject and stage.)"""
    if not ledger.may_leave(teacher):
        return False
    home_id = scenario.home_school(teacher)
    home = scenario.school_by_id[home_id]
    if not eligibility_allows(scenario, teacher, school) or not direction_allows(
        scenario, teacher, home, school
    ):
        return False
    if is_receiving(scenario, home):
        required = scenario.demand.get((home_id, teacher.subject), 0)
        return ledger.subject_count(home_id, teacher.subject) > required
    return True


def pick(ledger: Ledger, pool: list[Teacher], region: str, ok: Callable[[Teacher], bool]) -> Teacher | None:
    """The first teacher of `pool` that `ok` accepts, a backbone one if the share needs it and one
    fits. Teachers who can no longer leave at all are dropped from the pool on the way."""
    need_backbone = ledger.needs_backbone(region)
    first: Teacher | None = None
    keep: list[Teacher] = []
    for index, teacher in enumerate(pool):
        if not ledger.may_leave(teacher):
            continue  # moved, or the home school's caps are spent: for good
        keep.append(teacher)
        if ok(teacher):
            first = first or teacher
            if teacher.is_backbone or not need_backbone:
                pool[:] = keep + pool[index + 1 :]
                return teacher
    pool[:] = keep
    return first


def fill_shortages(scenario: Scenario, ledger: Ledger, region: str) -> None:
    priorities = scenario.policy.rule("shortage")["priority"]
    posts = []
    for school_id, subject, required in ledger.demand_in[region]:
        if not is_receiving(scenario, scenario.school_by_id[school_id]):
            continue
        short = required - ledger.subject_count(school_id, subject)
        if short > 0:
            posts.append((-float(priorities.get(subject, 1)) * short, school_id, subject, required))
    posts.sort()
    pools: dict[tuple[str, str], list[Teacher]] = defaultdict(list)
    for teacher in ledger.members_in[region]:
        for stage in SCHOOL_STAGES:
            if stage_fits(teacher.stage, stage):
                for subject in teacher.subjects:
                    pools[(subject, stage)].append(teacher)
    for _, school_id, subject, required in posts:
        school = scenario.school_by_id[school_id]
        pool = pools[(subject, school.stage)]
        while ledger.subject_count(school_id, subject) < required and ledger.has_room(school_id):
            chosen = pick(ledger, pool, region, partial(fits, scenario, ledger, school=school))
            if chosen is None:
                break
            ledger.add(chosen, school_id, subject)


def exchange_leaders(scenario: Scenario, ledger: Ledger, region: str) -> None:
    """校长交流 across the urban / rural divide, where it does not worsen the backbone share."""
    terms = int(scenario.policy.rule("eligibility")["principal_terms"])
    due = [
        t
        for school in ledger.schools_in[region]
        for t in scenario.staff_at[school.school_id]
        if t.is_principal
        and t.terms_at_school >= terms
        and is_eligible(scenario, t)
        and t.teacher_id not in scenario.pin_by_teacher
    ]
    due.sort(key=lambda t: (-t.terms_at_school, *seniority(t)))
    for leader in due:
        if not ledger.may_leave(leader, replaced=True):
            continue
        home_id = scenario.home_school(leader)
        home = scenario.school_by_id[home_id]
        across = [
            s
            for s in ledger.schools_in[region]
            if (s.area == "rural") != (home.area == "rural")
            and stage_fits(leader.stage, s.stage)
            and ledger.has_room(s.school_id)
        ]
        across.sort(key=lambda s: (scenario.km_between_schools(home_id, s.school_id) or 0.0, s.school_id))
        for school in across:
            movers = [(leader, school.school_id)]
            if not ledger.leader_post_free(school.school_id, leader.role):
                partner = next(
                    (
                        t
                        for t in scenario.staff_at[school.school_id]
                        if t.role == leader.role
                        and is_eligible(scenario, t)
                        and t.teacher_id not in scenario.pin_by_teacher
                        and stage_fits(t.stage, home.stage)
                        and ledger.may_leave(t, replaced=True)
                    ),
                    None,
                )
                if partner is None or not ledger.has_room(home_id):
                    continue
                movers.append((partner, home_id))
            elif not ledger.keeps_a_head(leader):
                continue
            backbone = sum(t.is_backbone for t, _ in movers)
            if ledger.backbone_shortfall(region, len(movers), backbone) > ledger.backbone_shortfall(region):
                break
            for teacher, to_school in movers:
                ledger.add(teacher, to_school, teacher.role)
                ledger.exchanges[teacher.teacher_id] = tuple(t.teacher_id for t, _ in movers)
            break


def destination(
    scenario: Scenario, ledger: Ledger, teacher: Teacher, schools: list[School]
) -> tuple[str, str] | None:
    """(school, post) for a quota teacher: a school of the region with room, in an allowed direction
    (a receiving school, or an understaffed one for an overstaffed sender), that demands a subject
    they teach at their stage (below need when staffing_balance is hard); still short first, then
    below its establishment, then the nearest."""
    best: tuple[tuple[int, int, float, str], str, str] | None = None
    for school in schools:
        sid = school.school_id
        if sid == scenario.home_school(teacher):
            continue
        if not stage_fits(teacher.stage, school.stage) or not ledger.has_room(sid):
            continue
        if not fits(scenario, ledger, teacher, school):
            continue
        km = scenario.commute_km(teacher, sid)
        for subject in teacher.subjects:
            required = scenario.demand.get((sid, subject), 0)
            if required <= 0 or ledger.at_need(sid, subject):
                continue
            key = (
                int(ledger.subject_count(sid, subject) >= required),
                int(ledger.headcount(sid) >= ledger.upper[sid]),
                0.0 if km is None else km,
                sid,
            )
            if best is None or key < best[0]:
                best = (key, sid, subject)
    return None if best is None else (best[1], best[2])


def top_up(
    scenario: Scenario,
    ledger: Ledger,
    region: str,
    schools: list[str],
    enough: Callable[[], bool],
    backbone_only: bool = False,
) -> None:
    """Send the longest-serving classroom teachers of `schools` (eligible, or owing rural service:
    to a rural school) until `enough()`.

    A teacher with no destination now has none later (rooms and caps only shrink), so each is
    looked at once: linear in the region's teachers × its receiving schools."""
    ids = set(schools)
    queues: dict[bool, deque[Teacher]] = {True: deque(), False: deque()}
    for teacher in ledger.members_in[region]:
        wanted = teacher.is_backbone or not backbone_only
        if wanted and scenario.home_school(teacher) in ids:
            queues[teacher.is_backbone].append(teacher)
    while not enough():
        for queue in queues.values():
            while queue and not ledger.may_leave(queue[0]):
                queue.popleft()
        if ledger.needs_backbone(region) and queues[True]:
            queue = queues[True]
        elif queues[True] or queues[False]:
            queue = min((q for q in queues.values() if q), key=lambda q: seniority(q[0]))
        else:
            return
        teacher = queue.popleft()
        place = destination(scenario, ledger, teacher, ledger.schools_in[region])
        if place is not None:
            ledger.add(teacher, *place)


def quota_groups(scenario: Scenario, ledger: Ledger, region: str) -> list[tuple[list[str], int]]:
    """(sending schools, teachers who must rotate from them) of the region."""
    rate = scenario.policy.rule("rotation_quota")["rate"]
    sending = [s.school_id for s in ledger.schools_in[region] if is_sending(scenario, s)]
    eligible = {sid: sum(is_eligible(scenario, t) for t in scenario.staff_at[sid]) for sid in sending}
    if scenario.policy.rule("rotation_quota")["scope"] == "school":
        return [([sid], ceil_share(rate, eligible[sid])) for sid in sending]
    return [(sending, ceil_share(rate, sum(eligible.values())))]


def departures(ledger: Ledger, schools: list[str]) -> int:
    return sum(ledger.departed[s] for s in schools)


def departed_enough(ledger: Ledger, schools: list[str], required: int) -> bool:
    return departures(ledger, schools) >= required


def meet_quota(scenario: Scenario, ledger: Ledger, region: str) -> None:
    for schools, required in quota_groups(scenario, ledger, region):
        top_up(scenario, ledger, region, schools, partial(departed_enough, ledger, schools, required))


def meet_backbone_share(scenario: Scenario, ledger: Ledger, region: str) -> None:
    """Add backbone movers; while none can be added, drop the last-added classroom move the quota
    can spare (it may free the room a backbone teacher needs) and try again."""
    sending = [s.school_id for s in ledger.schools_in[region] if is_sending(scenario, s)]
    while True:
        top_up(
            scenario,
            ledger,
            region,
            sending,
            lambda: not ledger.backbone_shortfall(region),
            backbone_only=True,
        )
        if not ledger.backbone_shortfall(region) or not drop_spare_move(scenario, ledger, region):
            return


def drop_spare_move(scenario: Scenario, ledger: Ledger, region: str) -> bool:
    """Undo the last-added move (a leader exchange as a whole) of the region that moves no backbone
    teacher, that no pin asks for and that no quota needs; False when there is none."""
    groups = quota_groups(scenario, ledger, region)
    pinned = {p.teacher_id for p in scenario.pins if p.action == "move_to"}
    for move in reversed(list(ledger.moves.values())):
        if scenario.school_by_id[move.from_school].region != region:
            continue
        undo = [ledger.moves[i] for i in ledger.exchanges.get(move.teacher_id, (move.teacher_id,))]
        teachers = [scenario.teacher_by_id[m.teacher_id] for m in undo]
        if any(t.is_backbone or t.teacher_id in pinned for t in teachers):
            continue
        leaving = Counter(m.from_school for m in undo)
        if all(
            departures(ledger, schools) - sum(leaving[s] for s in schools) >= required
            for schools, required in groups
            if any(s in leaving for s in schools)
        ):
            for m in undo:
                ledger.remove(m.teacher_id)
                ledger.exchanges.pop(m.teacher_id, None)
            return True
    return False


def recruit(scenario: Scenario, ledger: Ledger, region: str) -> None:
    """Step 6: first refill the schools the moves took below their lower bound (staffing_balance
    hard; the departures counted on it), each in its most urgent post; then one new teacher at a
    time into the posts left unmet, most urgent first, while the region's hiring and the school's
    free posts allow."""
    params = scenario.policy.rule("recruitment")
    priorities = scenario.policy.rule("shortage")["priority"]
    special = int(params["special_posts"])
    extra = Counter({subject: int(n) for subject, n in params["extra_by_subject"].items()})

    def urgency(school_id: str, subject: str) -> float:
        unmet = scenario.demand.get((school_id, subject), 0) - ledger.subject_count(school_id, subject)
        return -float(priorities.get(subject, 1)) * unmet

    def hire_one(school_id: str, subject: str) -> bool:
        nonlocal special
        if not ledger.has_free_post(school_id):
            return False
        if scenario.school_by_id[school_id].area == "rural" and special > 0:
            special -= 1
            ledger.hire(school_id, subject, "special")
            return True
        if extra[subject] > 0:
            extra[subject] -= 1
        elif ledger.hiring_left[region] > 0:
            ledger.hiring_left[region] -= 1
        else:
            return False
        ledger.hire(school_id, subject, "open")
        return True

    for school in ledger.schools_in[region]:
        sid = school.school_id
        subjects = scenario.subjects_demanded(sid)
        while subjects and ledger.headcount(sid) < ledger.lower[sid]:
            if not hire_one(sid, min(subjects, key=lambda subject: (urgency(sid, subject), subject))):
                break
    posts = []
    for school_id, subject, required in ledger.demand_in[region]:
        unmet = required - ledger.subject_count(school_id, subject)
        if unmet > 0:
            posts.append((urgency(school_id, subject), school_id, subject, unmet))
    posts.sort()
    for _, school_id, subject, unmet in posts:
        for _ in range(unmet):
            if not hire_one(school_id, subject):
                break
