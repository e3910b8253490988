"""One error shape for every answer that is not a success: an RFC 9457 problem document
(`application/problem+json`: type, title, status, detail, instance) that also carries the
service's own {"error": code, "message": sentence, "problems": [Problem.to_dict(lang), ...]};
a failed job's stored error is that core {error, message, problems}.

The language is the `lang` query parameter (zh or en), else the one the Accept-Language header
prefers (by q), else Chinese: the service is for county bureaus. No stack trace and no internal
path reaches a client; a server error and a database outage are logged with their traceback.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.body_limit import MAX_BODY_SIZE_SCOPE_KEY

from api.schemas.errors import PROBLEM_TYPE, ProblemDetails, error_example
from optimizer.errors import LANGS, Problem, ScenarioError

log = logging.getLogger("rotation.api")

DEFAULT_LANG = "zh"
PROBLEM_MEDIA = "application/problem+json"
HTTP_ERRORS: dict[int, tuple[str, str]] = {
    400: ("bad_request", "请求无法解析"),
    401: ("unauthorized", "缺少或无效的 X-API-Key"),
    403: ("forbidden", "无权访问"),
    404: ("not_found", "未找到"),
    405: ("method_not_allowed", "不支持此请求方法"),
    409: ("conflict", "与当前状态冲突"),
    413: ("too_large", "请求体过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("invalid_request", "请求无效"),
    429: ("too_many_requests", "请求过多;请稍后重试"),
}
"""The code and Chinese sentence of an HTTP error the framework raises by itself (a path no route
has, a method a route lacks, an unparsable multipart body)."""
TITLES_ZH: dict[int, str] = {
    400: "请求无法解析",
    401: "未认证",
    403: "无权访问",
    404: "未找到",
    405: "不支持此请求方法",
    409: "与当前状态冲突",
    413: "请求体过大",
    415: "不支持的内容类型",
    422: "请求无效",
    429: "请求过多",
    500: "服务器内部错误",
    503: "服务暂不可用",
}
"""A problem document's `title` in Chinese: one per status (English: the status's phrase)."""
DATABASE_RETRY_SECONDS = 5
"""The Retry-After of a 503 while the database cannot be reached."""
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeoutError)
"""What SQLAlchemy raises when the database cannot be reached or answer (not a bug in a query)."""
VALIDATION_ZH: dict[str, str] = {
    "missing": "缺少此字段",
    "extra_forbidden": "不接受此字段",
    "greater_than": "应大于 {gt}",
    "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}",
    "less_than_equal": "应不大于 {le}",
    "string_too_long": "最多 {max_length} 个字符",
    "string_too_short": "至少 {min_length} 个字符",
    "too_long": "最多 {max_length} 项",
    "too_short": "至少 {min_length} 项",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "finite_number": "应为有限的数",
    "bool_type": "应为 true 或 false",
    "bool_parsing": "应为 true 或 false",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "literal_error": "应为 {expected} 之一",
    "json_invalid": "不是有效的 JSON",
}
"""Chinese for the validation errors pydantic reports in English (the `ctx` values fill them in)."""


class ApiError(Exception):
    """An answer that is not a success: its HTTP status, a stable code, the sentence in Chinese
    and English, and the problems it is about (each rendered by its own `to_dict(lang)`)."""

    def __init__(
        self,
        status: int,
        code: str,
        zh: str,
        en: str,
        problems: Sequence[Problem] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(en)
        self.status, self.code, self.zh, self.en = status, code, zh, en
        self.problems = list(problems)
        self.headers = dict(headers or {})

    def body(self, lang: str) -> dict[str, Any]:
        """The service's core error: what a failed job stores."""
        return {
            "error": self.code,
            "message": self.zh if lang == "zh" else self.en,
            "problems": [problem.to_dict(lang) for problem in self.problems],
        }

    def problem_document(self, lang: str, instance: str) -> dict[str, Any]:
        """The answer: RFC 9457's members, then the core error (`detail` is `message`)."""
        body = self.body(lang)
        title = TITLES_ZH.get(self.status) if lang == "zh" else None
        return {
            "type": PROBLEM_TYPE + self.code,
            "title": title or HTTPStatus(self.status).phrase,
            "status": self.status,
            "detail": body["message"],
            "instance": instance,
            **body,
        }


def invalid_request(problems: Sequence[Problem]) -> ApiError:
    """422 for request fields that are wrong, each a problem placed at its field: `file` is the
    request part (body, query, path), `column` the field's dotted path."""
    count = len(problems)
    return ApiError(
        422,
        "invalid_request",
        f"请求有 {count} 处问题",
        f"the request has {count} {_plural(count)}",
        problems,
    )


def invalid_input(error: ScenarioError) -> ApiError:
    """422 for input the library refused (a scenario, its overrides, edits): every problem."""
    count = len(error.problems)
    return ApiError(
        422,
        "invalid_scenario",
        f"输入有 {count} 处问题",
        f"the input has {count} {_plural(count)}",
        error.problems,
    )


def request_problem(code: str, zh: str, en: str, part: str, field: str) -> ApiError:
    """invalid_request for one field of the request: `part` is body, query or path."""
    return invalid_request([Problem(code=code, zh=zh, en=en, file=part, column=field)])


def request_lang(request: Request) -> str:
    """zh or en: the `lang` query parameter, else the first of them the Accept-Language header
    names by preference (q), else Chinese."""
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _, parameters = item.strip().partition(";")
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().lower().split("-")[0]
        if language in LANGS and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else DEFAULT_LANG


def error_responses(entries: Mapping[int, tuple[str, str]]) -> dict[int | str, dict[str, Any]]:
    """A route's OpenAPI entries for its error statuses, {status: (code, description)}: the one
    ProblemDetails, with the code and the description as the example's. FastAPI files them under
    application/json; `install_problem_media` moves them to application/problem+json."""
    return {
        status: {
            "model": ProblemDetails,
            "description": description,
            "content": {"application/json": {"example": error_example(status, code, description)}},
        }
        for status, (code, description) in entries.items()
    }


ROUTER_ERRORS = error_responses(
    {
        400: ("bad_request", "The body is not valid JSON, or cannot be parsed at all."),
        401: ("unauthorized", "Missing, unknown or revoked X-API-Key."),
        413: ("too_large", "The body is over this route's limit (ROTATION_MAX_REQUEST_BYTES)."),
        422: ("invalid_request", "A parameter or body field is wrong: each problem at its place."),
        429: ("too_many_bad_keys", "Too many wrong keys from this address; retry after Retry-After seconds."),
        503: ("database_unavailable", "The database cannot be reached; retry after Retry-After seconds."),
    }
)
"""What every /v1 route may answer: its routers declare these (replacing FastAPI's own 422 shape)."""
NO_PLAN = {409: ("no_plan", "The job has no plan yet (queued, running or failed).")}
READ_ONLY = {403: ("insufficient_role", "The key is a viewer's: it reads, and changes nothing.")}
"""The 403 of every route that changes something (api.deps.PlannerDep)."""
TOO_LARGE = {413: ("too_large", "The body is over the server's upload limit (ROTATION_MAX_UPLOAD_BYTES).")}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        return problem_response(request, error)

    @app.exception_handler(ScenarioError)
    async def invalid_scenario(request: Request, error: ScenarioError) -> JSONResponse:
        return problem_response(request, invalid_input(error))

    @app.exception_handler(RequestValidationError)
    async def invalid_fields(request: Request, error: RequestValidationError) -> JSONResponse:
        malformed = [item for item in error.errors() if item.get("type") == "json_invalid"]
        if malformed:
            return problem_response(request, malformed_json(malformed[0]))
        return problem_response(
            request, invalid_request([_validation_problem(item) for item in error.errors()])
        )

    async def database_down(request: Request, error: Exception) -> JSONResponse:
        instance = new_instance()
        log.error(
            "database unavailable on %s %s",
            request.method,
            request.url.path,
            exc_info=error,
            extra={"instance": instance},
        )
        failure = ApiError(
            503,
            "database_unavailable",
            "数据库暂时无法访问;请稍后重试",
            "the database cannot be reached; retry later",
            headers={"Retry-After": str(DATABASE_RETRY_SECONDS)},
        )
        return problem_response(request, failure, instance)

    for outage in DATABASE_DOWN:
        app.add_exception_handler(outage, database_down)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 413 and MAX_BODY_SIZE_SCOPE_KEY in request.scope:
            return problem_response(request, body_too_large(request.scope[MAX_BODY_SIZE_SCOPE_KEY]))
        code, zh = HTTP_ERRORS.get(error.status_code, (_code(error.status_code), ""))
        en = error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
        failure = ApiError(error.status_code, code, zh or en, en, headers=getattr(error, "headers", None))
        return problem_response(request, failure)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> JSONResponse:
        instance = new_instance()
        log.exception(
            "unexpected error on %s %s", request.method, request.url.path, extra={"instance": instance}
        )
        failure = ApiError(
            500,
            "internal_error",
            "服务器内部错误;已按 instance 记录",
            "internal error; the event is logged under its instance",
        )
        return problem_response(request, failure, instance)


def body_too_large(limit: int) -> ApiError:
    """413 for a body past its route's limit (FastAPI's max_body_size, counted as the body streams
    in: ROTATION_MAX_UPLOAD_BYTES where a scenario's data may come, ROTATION_MAX_REQUEST_BYTES
    elsewhere), naming the limit."""
    return ApiError(
        413, "too_large", f"请求体超过上限 {limit} 字节", f"the body is over the limit of {limit} bytes"
    )


def new_instance() -> str:
    """An answer's `instance`: this occurrence's own URI, also logged with a server error so that
    the operator finds it (the request's path would echo what the client sent, ids and all)."""
    return f"urn:uuid:{uuid.uuid4()}"


def malformed_json(item: Mapping[str, Any]) -> ApiError:
    """400 for a body that is not JSON at all, placed at the character where parsing stopped."""
    location = list(item.get("loc", ()))
    offset = location[1] if len(location) > 1 and isinstance(location[1], int) else 0
    position = offset + 1  # the decoder's offset counts from 0
    reason = str((item.get("ctx") or {}).get("error", "invalid JSON"))
    problem = Problem(
        code="json_invalid",
        zh=f"第 {position} 个字符处不是有效的 JSON({reason})",
        en=f"not valid JSON at character {position} ({reason})",
        file="body",
    )
    return ApiError(400, "bad_request", "请求体不是有效的 JSON", "the body is not valid JSON", [problem])


def install_problem_media(app: FastAPI) -> None:
    """Error answers are documented as application/problem+json, the type they are sent with (call
    after whatever else replaces app.openapi)."""
    make_schema = app.openapi

    def openapi() -> dict[str, Any]:
        schema = make_schema()
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if status.startswith(("4", "5")) and "application/json" in content:
                        content[PROBLEM_MEDIA] = content.pop("application/json")
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def problem_response(request: Request, error: ApiError, instance: str | None = None) -> JSONResponse:
    lang = request_lang(request)
    return JSONResponse(
        status_code=error.status,
        content=error.problem_document(lang, instance or new_instance()),
        headers={**error.headers, "Content-Language": lang},
        media_type=PROBLEM_MEDIA,
    )


def _validation_problem(item: Mapping[str, Any]) -> Problem:
    """A pydantic error as a problem: its location's first part (body, query ...) as the file,
    the rest as the column; the Chinese from VALIDATION_ZH or a custom error's `zh` context."""
    location = [str(part) for part in item.get("loc", ())]
    context = {
        key: int(value) if isinstance(value, float) and value.is_integer() else value
        for key, value in (item.get("ctx") or {}).items()
    }
    en = str(item.get("msg", ""))
    template = str(context["zh"]) if "zh" in context else VALIDATION_ZH.get(str(item.get("type")))
    try:
        zh = template.format(**context) if template else en
    except (KeyError, IndexError):
        zh = en
    return Problem(
        code=str(item.get("type", "invalid")),
        zh=zh,
        en=en,
        file=location[0] if location else None,
        column=".".join(location[1:]) or None,
    )


def _code(status: int) -> str:
    if status in HTTP_ERRORS:
        return HTTP_ERRORS[status][0]
    return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")


def _plural(count: int) -> str:
    return "problem" if count == 1 else "problems"
