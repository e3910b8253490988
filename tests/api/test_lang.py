"""Error answers in the caller's language: `lang`, else Accept-Language by q, else Chinese; each
problem's `place` in the words the CLI prints for the same problem."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.db import PlanJob
from optimizer.cli import main
from tests.api.test_errors import create_scenario
from tests.test_cli_lang import bad_bundle, chinese

MakeKey = Callable[..., dict[str, str]]
REGION = "东区"


def upload(client: TestClient, headers: dict[str, str], bundle: Path, **params: str) -> httpx.Response:
    files = [("files", (path.name, path.read_bytes(), "text/plain")) for path in sorted(bundle.iterdir())]
    return client.post("/v1/scenarios/upload", files=files, headers=headers, params=params)


def assert_refused_in(response: httpx.Response, lang: str) -> list[dict[str, object]]:
    """The 422 of the bad bundle, every text of it in `lang`: its problems."""
    assert response.status_code == 422, response.text
    assert response.headers["content-language"] == lang
    body = response.json()
    assert body["title"] == ("请求无效" if lang == "zh" else HTTPStatus(422).phrase)
    assert body["detail"] == body["message"] and chinese(body["detail"]) == (lang == "zh")
    problems: list[dict[str, object]] = body["problems"]
    assert [(p["code"], p["file"], p["row"], p["column"]) for p in problems] == [
        ("bad_value", "teachers.csv", 3, "birth_year"),
        ("bad_value", "teachers.csv", 5, "gender"),
    ]
    for problem in problems:
        assert problem["message"] == problem[f"message_{lang}"]
        assert chinese(str(problem["place"])) == (lang == "zh"), problem
    return problems


@pytest.mark.parametrize(
    ("accept", "params", "lang"),
    [
        ("en-US,en;q=0.9", {}, "en"),
        ("zh;q=0.2, en;q=0.8", {}, "en"),
        ("en-US,en;q=0.9", {"lang": "zh"}, "zh"),
        ("", {}, "zh"),
    ],
    ids=["accept-en", "accept-by-q", "param-zh", "default-zh"],
)
def test_a_refused_upload_answers_in_the_callers_language(
    client: TestClient, make_key: MakeKey, tmp_path: Path, accept: str, params: dict[str, str], lang: str
) -> None:
    headers = {**make_key(REGION), **({"Accept-Language": accept} if accept else {})}
    assert_refused_in(upload(client, headers, bad_bundle(tmp_path / "county"), **params), lang)


def test_the_api_places_a_problem_in_the_words_of_the_cli(
    client: TestClient, make_key: MakeKey, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bundle = bad_bundle(tmp_path / "county")
    for lang in ("zh", "en"):
        problems = assert_refused_in(upload(client, make_key(REGION), bundle, lang=lang), lang)
        assert main(["validate", str(bundle), "--lang", lang]) == 1
        printed = capsys.readouterr().err.splitlines()[1:]
        separator = ":" if lang == "zh" else ": "
        assert printed == [f"  {p['place']}{separator}{p['message']}" for p in problems]


def test_the_lang_parameter_is_documented(client: TestClient) -> None:
    operation = client.get("/openapi.json").json()["paths"]["/v1/scenarios/upload"]["post"]
    [lang] = [p for p in operation["parameters"] if p["name"] == "lang"]
    assert lang["in"] == "query" and "Accept-Language" in lang["description"]


def test_an_error_stored_before_place_existed_answers_with_it(client: TestClient, make_key: MakeKey) -> None:
    headers = make_key(REGION)
    problem = {
        "code": "bad_value",
        "file": "overrides",
        "row": None,
        "column": "rules.x.rate",
        "rule": None,
        "message_zh": "应不大于 1",
        "message_en": "at most 1",
    }
    stored = {
        lang: {"error": "invalid_scenario", "message": "", "problems": [problem]} for lang in ("zh", "en")
    }
    with client.app.state.database.session() as session:
        job = PlanJob(
            scenario_id=create_scenario(client, headers),
            regions=[REGION],
            status="failed",
            request={},
            progress={},
            error=json.dumps(stored),
        )
        session.add(job)
        session.flush()
        job_id = job.id
    answer = client.get(f"/v1/plans/{job_id}", headers=headers, params={"lang": "en"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["error"]["problems"][0]["place"] == "overrides, column rules.x.rate"
