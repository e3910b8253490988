"""/v1/plans/{id}/teachers/{teacher_id} and /schools/{school_id}: explanations in zh and en."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from api.config import Settings
from tests.api.test_plans import REGION, create_scenario, idle_client, solved, stayer, submit

Headers = dict[str, str]


def test_a_moving_teacher_is_explained_with_the_alternative_re_solved(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    job_id = solved(client, headers)
    mover = client.get(f"/v1/plans/{job_id}", headers=headers).json()["moves"][0]
    url = f"/v1/plans/{job_id}/teachers/{mover['teacher_id']}"
    english = client.get(url, params={"lang": "en", "time_limit": 6}, headers=headers)
    assert english.status_code == 200, english.text
    body = english.json()
    assert body["case"] == "moves" and body["lang"] == "en" and body["text"] == body["text_en"]
    assert body["move"]["to_school"] == mover["to_school"]
    assert "Moves this year to" in body["text"] and "Other possible destinations (1" in body["text"]
    (alternative,) = body["alternatives"]
    assert (
        alternative["what_if"]["status"] == "optimal" and alternative["what_if"]["objective_delta"] >= -1e-6
    )
    chinese = client.get(url, headers=headers).json()  # zh is the default
    assert (
        chinese["lang"] == "zh" and chinese["text"] == chinese["text_zh"] and "本年交流至" in chinese["text"]
    )


def test_a_teacher_left_in_place_is_explained_by_forcing_the_move(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    job_id = solved(client, headers)
    url = f"/v1/plans/{job_id}/teachers/{stayer(client, headers, job_id)}"
    body = client.get(url, params={"lang": "en"}, headers=headers).json()
    assert body["case"] == "not_chosen" and body["forced"]["status"] == "optimal"
    assert "If forced to move" in body["text"]


def test_a_school_is_explained_before_and_after(client: TestClient, make_key: Callable[..., Headers]) -> None:
    headers = make_key(REGION)
    job_id = solved(client, headers)
    chinese = client.get(f"/v1/plans/{job_id}/schools/R1", params={"lang": "zh"}, headers=headers)
    assert chinese.status_code == 200, chinese.text
    body = chinese.json()
    assert body["school_id"] == "R1" and body["headcount_before"] == 1 and body["headcount_after"] == 2
    assert len(body["moves_in"]) == 1 and body["text"] == body["text_zh"] and "调入 1 人" in body["text"]
    english = client.get(f"/v1/plans/{job_id}/schools/U1", params={"lang": "en"}, headers=headers).json()
    assert english["text"] == english["text_en"] and len(english["moves_out"]) == 2


def test_unknown_ids_are_404_and_bad_parameters_422(
    client: TestClient, make_key: Callable[..., Headers]
) -> None:
    headers = make_key(REGION)
    job_id = solved(client, headers)
    for url, status in (
        (f"/v1/plans/{job_id}/teachers/T99", 404),
        (f"/v1/plans/{job_id}/schools/S99", 404),
        ("/v1/plans/nope/teachers/T02", 404),
        ("/v1/plans/nope/schools/R1", 404),
        (f"/v1/plans/{job_id}/teachers/T02?lang=fr", 422),
        (f"/v1/plans/{job_id}/schools/R1?lang=fr", 422),
        (f"/v1/plans/{job_id}/teachers/T02?time_limit=61", 422),
        (f"/v1/plans/{job_id}/teachers/T02?time_limit=0", 422),
    ):
        response = client.get(url, headers=headers)
        assert response.status_code == status, (url, response.text)


def test_a_plan_not_done_yet_is_409(settings: Settings) -> None:
    with idle_client(settings) as (client, headers):
        job_id = submit(client, headers, scenario_id=create_scenario(client, headers))
        for url in (f"/v1/plans/{job_id}/teachers/T02", f"/v1/plans/{job_id}/schools/R1"):
            response = client.get(url, headers={**headers, "Accept-Language": "en"})
            assert response.status_code == 409 and "no plan yet" in response.json()["message"]
