"""The API's schema for policies and overrides, generated from the rules' declarations.

Request models point at two shared components, `Policy` and `Override`; this module fills them in
each time the OpenAPI document is made, so a rule's parameters (and a rule registered after the
models were defined) are documented without a hand-written copy. Validation stays with the
library (`optimizer.policy`), which reports every problem with its place in both languages.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import WithJsonSchema

from optimizer.policy import DEFAULT_YEAR, override_json_schema, parse_override_value, policy_json_schema
from optimizer.rules import declarations, example

GENERATED = "x-rotation-generated"
"""A marker the request models carry where a generated component goes (pydantic cannot point at a
component it does not know); `install_policy_schema` swaps each for a `$ref`."""
POLICY_REF = WithJsonSchema({GENERATED: "Policy"})
OVERRIDE_REF = WithJsonSchema({GENERATED: "Override"})


def example_policy() -> dict[str, Any]:
    """The example override as a policy document: `{"rules": {"rotation_quota": {"rate": 0.15}}}`."""
    name, _, text = example().partition("=")
    rule, param = name.split(".", 1)
    return {"year": DEFAULT_YEAR, "rules": {rule: {param: parse_override_value(text)}}}


def overrides_description() -> str:
    return f'Policy changes as policy.toml\'s dotted names, e.g. "{example()}".'


def install_policy_schema(app: FastAPI) -> None:
    """Make the app's OpenAPI document carry the generated `Policy` and `Override` schemas."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components["Policy"] = policy_json_schema(declarations())
            components["Override"] = override_json_schema(declarations())
            app.openapi_schema = _with_refs(schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _with_refs(node: Any) -> Any:
    """The schema with every generated-component marker replaced by a `$ref` to it."""
    if isinstance(node, dict):
        if GENERATED in node:
            return {"$ref": f"#/components/schemas/{node[GENERATED]}"}
        return {key: _with_refs(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_with_refs(value) for value in node]
    return node
