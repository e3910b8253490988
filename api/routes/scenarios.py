"""/v1/scenarios: create (JSON document, CSV files, an .xlsx workbook or a shipped bundle), list,
read, delete.

Uploads are written to a temporary folder and loaded by the CLI's own loaders, so a bad bundle
gets the same problems (file, row, column, expected) as `rotation validate`.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Body, File, Form, Query, Response, UploadFile
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from api.audit import record
from api.db import PlanJob, ScenarioRow
from api.deps import (
    XLSX,
    CallerDep,
    LangDep,
    PlannerDep,
    SessionDep,
    committed,
)
from api.errors import READ_ONLY, ROUTER_ERRORS, TOO_LARGE, ApiError, error_responses
from api.links import LIST_LINKS, SCENARIO_LINKS
from api.schemas.scenarios import (
    EXAMPLE_DOCUMENT,
    ScenarioCreated,
    ScenarioDetail,
    ScenarioDocument,
    ScenarioPage,
    ScenarioSummary,
    ShippedScenario,
)
from api.security import Caller
from api.store import MAX_NAME, scenario_row, store_scenario
from optimizer.errors import Problem, ScenarioError
from optimizer.io import WORKBOOK_SUFFIXES, load_bundle, load_document, load_workbook
from optimizer.io.template import write_template
from optimizer.scenario import Scenario

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"
"""The repository's shipped bundles (scenarios/README.md)."""
BUNDLE_FILES = ("teachers.csv", "schools.csv", "demand.csv", "pins.csv", "history.csv", "policy.toml")
UNSAFE_NAME = re.compile(r"[^\w.\- ]")


router = APIRouter(prefix="/scenarios", tags=["scenarios"], responses=ROUTER_ERRORS)

NOT_FOUND = {404: ("not_found", "No such scenario, or not in the key's regions.")}
CREATE_ERRORS = error_responses(
    {
        403: ("forbidden", "The key does not hold every region of the scenario, or is a viewer's."),
        **TOO_LARGE,
        422: ("invalid_scenario", "Every problem of the input, with file, row, column."),
    }
) | {201: {"description": "The scenario is stored.", "links": SCENARIO_LINKS}}


@router.post(
    "",
    status_code=201,
    response_model=ScenarioCreated,
    responses=CREATE_ERRORS,
    summary="Create a scenario from SPEC's JSON document",
)
def create_scenario(
    document: Annotated[
        ScenarioDocument,
        Body(
            openapi_examples={"county": {"summary": "Two schools, six teachers", "value": EXAMPLE_DOCUMENT}}
        ),
    ],
    session: SessionDep,
    caller: PlannerDep,
    lang: LangDep,
) -> ScenarioCreated:
    scenario = load_document(document.model_dump(exclude_unset=True))
    return committed(session, stored(session, caller, scenario, lang))


@router.post(
    "/upload",
    status_code=201,
    response_model=ScenarioCreated,
    responses=CREATE_ERRORS,
    summary="Create a scenario from the bundle's CSV files or one .xlsx workbook",
    description="Send `teachers.csv`, `schools.csv`, `demand.csv` and optionally `pins.csv`, "
    "`history.csv` and `policy.toml` as `files` (the file names say which is which), or one "
    "`.xlsx` workbook with the same sheets. `name` overrides the scenario's name. A column the "
    "loader does not know is skipped, and named in `warnings`.",
)
def upload_scenario(
    files: Annotated[list[UploadFile], File(description="The bundle's files, or one .xlsx workbook.")],
    session: SessionDep,
    caller: PlannerDep,
    lang: LangDep,
    name: Annotated[str | None, Form(max_length=MAX_NAME, description="Scenario name.")] = None,
) -> ScenarioCreated:
    with tempfile.TemporaryDirectory(prefix="rotation-upload-") as tmp:
        try:
            scenario = _load_upload(files, Path(tmp))
        except ScenarioError as error:
            raise _without_path(error, tmp) from None
    if name:
        scenario = replace(scenario, name=name)
    return committed(session, stored(session, caller, scenario, lang))


@router.post(
    "/demo",
    status_code=201,
    response_model=ScenarioCreated,
    responses=error_responses(
        {403: ("forbidden", "The key does not hold the bundle's region (青山县), or is a viewer's.")}
    )
    | {201: {"description": "The scenario is stored.", "links": SCENARIO_LINKS}},
    summary="Store a copy of a shipped scenario: the demo county or the conflicting-quotas county",
    description="What `rotation serve --demo` loads, for any key holding region 青山县: a newcomer's "
    "first scenario one click away. Every call stores a new copy.",
)
def create_demo_scenario(
    session: SessionDep,
    caller: PlannerDep,
    lang: LangDep,
    body: Annotated[ShippedScenario | None, Body()] = None,
) -> ScenarioCreated:
    bundle = (body or ShippedScenario()).bundle
    return committed(session, stored(session, caller, _shipped(bundle), lang))


@router.get(
    "",
    response_model=ScenarioPage,
    responses={200: {"description": "A page of scenarios.", "links": LIST_LINKS["scenarios"]}},
    summary="List the scenarios of the key's regions, newest first",
)
def list_scenarios(
    session: SessionDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size.")] = 20,
    offset: Annotated[int, Query(ge=0, description="Scenarios to skip.")] = 0,
) -> ScenarioPage:
    # Regions are a JSON list, so the scope is checked here rather than in portable SQL.
    rows = session.execute(
        select(ScenarioRow.id, ScenarioRow.regions).order_by(ScenarioRow.created_at.desc(), ScenarioRow.id)
    ).all()
    visible = [row.id for row in rows if caller.may_access(row.regions)]
    page = visible[offset : offset + limit]
    by_id = {row.id: row for row in session.scalars(select(ScenarioRow).where(ScenarioRow.id.in_(page)))}
    items = [ScenarioSummary.model_validate(by_id[scenario_id]) for scenario_id in page]
    return ScenarioPage(items=items, total=len(visible), limit=limit, offset=offset)


@router.get(
    "/template",
    response_class=Response,
    responses={
        200: {
            "description": "The empty workbook (`rotation template`): the sheets 教师, 学校, 需求, 指定 and "
            "交流记录 (teachers, schools, demand, pins, history) with their headers, a notes sheet "
            "describing every column and Excel's validation lists on the coded columns.",
            "content": {XLSX: {}},
        }
    },
    summary="Download the workbook HR fills in, in Chinese or English",
    description="Any key may download it. Filled in, it is uploaded as a workbook "
    "(`POST /v1/scenarios/upload`).",
)
def scenario_template(
    _caller: CallerDep,
    lang: Annotated[
        Literal["zh", "en"], Query(description="The headers' and notes' language (default Chinese).")
    ] = "zh",
) -> Response:
    with tempfile.TemporaryDirectory() as folder:
        path = write_template(Path(folder) / "template.xlsx", lang)
        content = path.read_bytes()
    name = "交流轮岗数据模板.xlsx" if lang == "zh" else "rotation-template.xlsx"
    disposition = f"attachment; filename=rotation-template-{lang}.xlsx; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get(
    "/{scenario_id}",
    response_model=ScenarioDetail,
    responses=error_responses(NOT_FOUND),
    summary="A scenario with its document",
)
def get_scenario(scenario_id: str, session: SessionDep, caller: CallerDep) -> ScenarioDetail:
    return ScenarioDetail.model_validate(scenario_row(session, caller, scenario_id))


@router.delete(
    "/{scenario_id}",
    status_code=204,
    response_class=Response,
    responses=error_responses(
        {
            **READ_ONLY,
            **NOT_FOUND,
            409: ("plans_not_draft", "A plan of the scenario is past its draft; it is kept."),
        }
    ),
    summary="Delete a scenario and its plan jobs (all of them drafts)",
)
def delete_scenario(scenario_id: str, session: SessionDep, caller: PlannerDep) -> Response:
    row = scenario_row(session, caller, scenario_id)
    kept = session.scalars(
        select(PlanJob.id).where(PlanJob.scenario_id == row.id, PlanJob.lifecycle != "draft")
    ).all()
    if kept:
        names = ", ".join(kept)
        raise ApiError(
            409,
            "plans_not_draft",
            f"场景的方案已不是草稿，不能删除：{names}",
            f"plans of the scenario are past their draft and cannot be deleted: {names}",
        )
    record(session, caller, "scenario.delete", scenario=row, detail={"name": row.name})
    session.execute(delete(PlanJob).where(PlanJob.scenario_id == row.id))
    session.delete(row)
    session.commit()  # before answering, as committed() says
    return Response(status_code=204)


def stored(session: Session, caller: Caller, scenario: Scenario, lang: str) -> ScenarioCreated:
    """Stores the scenario (403 outside the key's regions); the answer names the loader's
    warnings in `lang`, since the stored document no longer has what they are about."""
    row = store_scenario(session, caller, scenario)
    record(session, caller, "scenario.create", scenario=row, detail={"name": row.name})
    summary = ScenarioSummary.model_validate(row)
    warnings = [warning.to_dict(lang) for warning in scenario.warnings]
    return ScenarioCreated.model_validate(summary.model_dump() | {"warnings": warnings})


@cache
def _shipped(bundle: str) -> Scenario:
    """A shipped bundle, loaded once (~0.2 s for the demo county): it does not change while the
    server runs, and every demo request stores a copy of it."""
    return load_bundle(SHIPPED / bundle)


def _load_upload(files: list[UploadFile], folder: Path) -> Scenario:
    """One workbook (.xlsx, .xls or WPS .et), or the bundle's files by name; every naming problem
    at once."""
    names = [Path(upload.filename or "").name for upload in files]
    suffixes = [Path(name).suffix.lower() for name in names]
    if len(files) == 1 and suffixes[0] in WORKBOOK_SUFFIXES:
        stem = UNSAFE_NAME.sub("_", Path(names[0]).stem)[:MAX_NAME] or "scenario"
        path = folder / f"{stem}{suffixes[0]}"
        _save(files[0], path)
        return load_workbook(path)
    problems = []
    for name, suffix in zip(names, suffixes, strict=True):
        if suffix in WORKBOOK_SUFFIXES:
            zh, en = "工作簿须单独发送,不能与其他文件一起", "send a workbook alone, not with other files"
            problems.append(Problem(code="workbook_not_alone", zh=zh, en=en, file=name))
        elif name not in BUNDLE_FILES:
            zh, en = f"应为 {'、'.join(BUNDLE_FILES)} 之一", f"expected {', '.join(BUNDLE_FILES)}"
            problems.append(Problem(code="unknown_file", zh=zh, en=en, file=name or "upload"))
        elif names.count(name) > 1:
            zh, en = "重复发送", "sent more than once"
            problems.append(Problem(code="duplicate_file", zh=zh, en=en, file=name))
    if problems:
        raise ScenarioError(sorted(set(problems), key=str))
    bundle = folder / "scenario"
    bundle.mkdir()
    for upload, name in zip(files, names, strict=True):
        _save(upload, bundle / name)
    return load_bundle(bundle)


def _save(upload: UploadFile, path: Path) -> None:
    with path.open("wb") as out:
        shutil.copyfileobj(upload.file, out)


def _without_path(error: ScenarioError, folder: str) -> ScenarioError:
    """The same problems with the temporary folder cut out: no internal path reaches a client."""
    return ScenarioError(
        [
            replace(
                p,
                file=p.file.replace(folder, "") if p.file else p.file,
                zh=p.zh.replace(folder, ""),
                en=p.en.replace(folder, ""),
            )
            for p in error.problems
        ]
    )
