"""Explanations that know the staffing plan: a school's posts after the plan and who fills them
(moves, exchanges, hires, 走教), who heads it; a teacher's exchange, 走教 and the school they head."""

from __future__ import annotations

from api.schemas.plans import SchoolExplanationOut, TeacherExplanationOut
from optimizer.explain import explanation_json
from optimizer.explain.school import Head, PostCover, SchoolMove, explain_school
from optimizer.explain.teacher import explain_teacher
from optimizer.options import DiagnosisBudget, EngineSettings
from optimizer.plan import Hire, ItinerantAssignment, Leader, Move, Plan
from tests.rules.test_coverage import sending_school_fully_needed
from tests.rules.test_exchange import exchange_county
from tests.rules.test_itinerant import district_county
from tests.rules.test_leadership import P1_TO_R2, headed_county, vice_principal
from tests.tiny import solve_checked

SETTINGS = EngineSettings(time_limit=10, seed=1)
OLD_SCHOOL_KEYS = {
    "school_id",
    "subjects",
    "moves_in",
    "moves_out",
    "degree_share_before",
    "rules",
    "text_zh",
}
OLD_TEACHER_KEYS = {"teacher_id", "case", "move", "reasons", "post_need", "alternatives", "forced", "blocked"}


def post(explanation_posts: tuple[PostCover, ...], subject: str) -> PostCover:
    [found] = [p for p in explanation_posts if p.subject == subject]
    return found


def test_a_sending_schools_post_shows_who_left_it_and_the_hire_that_back_fills_it() -> None:
    sc = sending_school_fully_needed()
    plan = Plan((Move("T5", "U1", "R1", "music", 3),), hires=(Hire("U1", "music", 1),))

    explanation = explain_school(sc, "U1", plan)

    music = post(explanation.posts, "music")
    assert (music.required, music.before, music.after, music.created, music.unmet_after) == (10, 10, 10, 0, 0)
    assert music.leaving == (SchoolMove("T5", "", "R1", "music", "rotation"),)
    assert music.hires == (Hire("U1", "music", 1),) and music.arriving == ()
    assert "音乐:需 10,调整前 10,调整后 10;配齐;招聘 1 人;T5 调往 R1" in explanation.text("zh")
    assert "music: 10 required, 10 before, 10 after; covered; 1 hired; T5 leaves for R1" in explanation.text(
        "en"
    )

    without_hire = explain_school(sc, "U1", Plan(plan.moves))
    assert post(without_hire.posts, "music").created == 1
    assert "音乐:需 10,调整前 10,调整后 9;新增空缺 1 个;T5 调往 R1" in without_hire.text("zh")
    assert "music: 10 required, 10 before, 9 after; 1 vacancies opened by the plan" in without_hire.text("en")

    receiving = post(explain_school(sc, "R1", plan).posts, "music")
    assert (receiving.filled, receiving.still_open) == (1, 0)
    assert receiving.arriving == (SchoolMove("T5", "", "U1", "music", "rotation"),)


def test_a_village_post_covered_by_itinerant_shares_names_the_teachers_and_their_school() -> None:
    sc = district_county()
    halves = tuple(ItinerantAssignment(t, "T1", "V1", "music", 0.5) for t in ("M1", "M2"))
    plan = Plan((), itinerant=halves)

    village = explain_school(sc, "V1", plan)
    music = post(village.posts, "music")
    assert (music.before, music.after, music.filled, music.itinerant_in) == (0, 1.0, 1.0, halves)
    assert (
        "音乐:需 1,调整前 0,调整后 1;补上原有空缺 1 个;M1 自 T1 走教 0.5 岗;M2 自 T1 走教 0.5 岗"
        in village.text("zh")
    )
    assert "M2 teaches 0.5 of a post from T1 (走教)" in village.text("en")

    town = explain_school(sc, "T1", plan)
    home = post(town.posts, "music")
    assert (home.before, home.after, home.itinerant_out) == (4, 3.0, halves)
    assert "音乐:需 2,调整前 4,调整后 3;配齐;M1 赴 V1 走教 0.5 岗" in town.text("zh")
    assert "M1 teaches 0.5 of a post at V1 (走教)" in town.text("en")


def test_an_exchange_shows_on_both_schools_posts() -> None:
    sc = exchange_county()
    plan = Plan(
        (Move("T5", "U1", "R2", "math", 3),),
        exchanges=(Move("E1", "R1", "U1", "math", 1, kind="exchange"),),
    )

    urban = explain_school(sc, "U1", plan)
    math = post(urban.posts, "math")
    assert math.arriving == (SchoolMove("E1", "", "R1", "math", "exchange"),)
    assert math.leaving == (SchoolMove("T5", "", "R2", "math", "rotation"),)
    assert "数学:需 10,调整前 10,调整后 10;配齐;E1 自 R1 跟岗补入;T5 调往 R2" in urban.text("zh")
    assert "E1 on exchange from R1; T5 leaves for R2" in urban.text("en")
    rural = explain_school(sc, "R1", plan)
    assert post(rural.posts, "math").leaving == (SchoolMove("E1", "", "U1", "math", "exchange"),)
    assert "E1 赴 U1 跟岗" in rural.text("zh") and "E1 on exchange to U1" in rural.text("en")


def test_a_school_says_who_heads_it_after_the_plan_or_that_nobody_does() -> None:
    sc = headed_county(staff=(vice_principal("VP1", "U1"),), pins=P1_TO_R2)
    principal_leaves = Plan((Move("P1", "U1", "R2", "principal", 3),))

    acting = explain_school(sc, "U1", principal_leaves)
    assert (acting.had_principal, acting.head) == (True, Head("VP1", "", "acting"))
    assert "交流后主持工作:VP1(副校长主持工作)。" in acting.text("zh")
    assert "Head after the plan: VP1 (vice-principal acting)." in acting.text("en")

    both_leave = Plan((*principal_leaves.moves, Move("VP1", "U1", "R1", "vice_principal", 3)))
    headless = explain_school(sc, "U1", both_leave)
    assert (headless.had_principal, headless.head) == (True, None)
    assert "交流后无人主持工作" in headless.text("zh")
    assert "Nobody heads the school after the plan" in headless.text("en")

    never_headed = explain_school(sc, "R1", principal_leaves)
    assert (never_headed.had_principal, never_headed.head) == (False, None)
    assert "主持工作" not in never_headed.text("zh") and "heads" not in never_headed.text("en")


def test_school_explanation_json_keeps_its_keys_and_adds_the_staffing_ones() -> None:
    sc = exchange_county()
    plan = Plan(
        (Move("T5", "U1", "R2", "math", 3),), exchanges=(Move("E1", "R1", "U1", "math", 1, kind="exchange"),)
    )
    document = explanation_json(explain_school(sc, "U1", plan))

    assert OLD_SCHOOL_KEYS | {"posts", "had_principal", "head"} <= set(document)
    assert document["posts"][0]["arriving"][0] == {
        "teacher_id": "E1",
        "teacher_name": "",
        "other_school": "R1",
        "post": "math",
        "kind": "exchange",
    }
    served = SchoolExplanationOut.model_validate({**document, "lang": "en", "text": document["text_en"]})
    assert served.model_dump()["posts"][0]["leaving"][0]["teacher_id"] == "T5"


def test_an_exchange_teacher_is_explained_by_the_post_it_back_fills() -> None:
    sc = exchange_county()
    result = solve_checked(sc)
    [exchange] = result.plan.exchanges
    [rotation] = result.plan.moves

    explanation = explain_teacher(sc, exchange.teacher_id, result, SETTINGS)

    assert explanation.case == "exchange"
    assert explanation.move is not None
    assert (explanation.move.to_school, explanation.move.kind, explanation.move.term_years) == (
        "U1",
        "exchange",
        1,
    )
    assert explanation.backfills == (rotation.teacher_id,)
    assert "exchange" in {r.rule for r in explanation.reasons}
    assert explanation.alternatives == () and explanation.forced is None
    zh, en = explanation.text("zh"), explanation.text("en")
    assert "本年赴 U1 跟岗(双向交流),任数学岗位,期限 1 年,不计入交流轮岗比例。" in zh
    assert f"补该校数学教师 {rotation.teacher_id} 交流轮岗空出的岗位。" in zh
    assert "Goes on a two-way exchange (跟岗) to U1 (math post) for 1 year, outside the rotation quota." in en
    assert f"Back-fills a math post opened by the rotation of {rotation.teacher_id}." in en
    document = explanation_json(explanation)
    assert OLD_TEACHER_KEYS | {"backfills", "itinerant", "leads"} <= set(document)
    assert document["move"]["kind"] == "exchange"
    TeacherExplanationOut.model_validate({**document, "lang": "zh", "text": zh})


def test_an_itinerant_teacher_is_told_where_they_teach_and_that_they_stay_on_the_home_staff() -> None:
    sc = district_county()
    result = solve_checked(sc)

    explanation = explain_teacher(sc, "M1", result, SETTINGS)

    assert explanation.case == "ineligible"  # two years at T1: no rotation, but 走教
    assert explanation.itinerant == (ItinerantAssignment("M1", "T1", "V1", "music", 0.5),)
    assert "走教:V1 音乐 0.5 个岗位;仍为 T1 在编教师。" in explanation.text("zh")
    assert "Also teaches (走教) music at V1 (0.5 of a post), staying on T1's staff." in explanation.text("en")
    assert explanation_json(explanation)["itinerant"][0]["share"] == 0.5


def test_a_vice_principal_kept_to_head_the_school_is_told_so_and_why_forcing_a_move_fails() -> None:
    sc = headed_county(staff=(vice_principal("VP1", "U1"),), pins=P1_TO_R2)
    result = solve_checked(sc)

    explanation = explain_teacher(sc, "VP1", result, SETTINGS, DiagnosisBudget(time_limit=10))

    assert explanation.case == "not_chosen"
    assert explanation.leads == Leader("U1", "VP1", "acting")
    assert "交流后主持 U1 工作(副校长主持工作)。" in explanation.text("zh")
    assert "Heads U1 after the plan (vice-principal acting)." in explanation.text("en")
    assert explanation.forced is not None and explanation.forced.status == "infeasible"
    assert "leadership[school=U1]" in {i.label for i in explanation.forced.conflicts}
