"""API schemas generated from the library's values (frozen dataclasses), so that a field added to
a value appears in the API's documentation and answers without a second edit.

A value used as it is needs nothing from here: pydantic reads a stdlib dataclass directly (models
here set `use_attribute_docstrings`, so a field's docstring is its description). `model_of` is for
the values the API shows with a few fields of its own or a field renamed.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
from collections.abc import Collection, Mapping
from typing import Any, get_type_hints

from pydantic import BaseModel, ConfigDict, Field, create_model

FROM_VALUES = ConfigDict(use_attribute_docstrings=True)
"""The config of models that show library values: their fields' docstrings describe them."""


def model_of(
    value: type,
    name: str,
    *,
    first: Mapping[str, Any] | None = None,
    last: Mapping[str, Any] | None = None,
    without: Collection[str] = (),
    examples: list[dict[str, Any]] | None = None,
) -> type[BaseModel]:
    """A pydantic model named `name` with the fields of the dataclass `value` (types, defaults,
    docstrings as descriptions), in their order, but for those in `without`; `first` and `last`
    add the API's own fields before and after them, as create_model takes them:
    {name: (type, default or Field(...))}."""
    hints = get_type_hints(value)
    descriptions = attribute_docstrings(value)
    fields: dict[str, Any] = {}
    for field in dataclasses.fields(value):
        if field.name in without:
            continue
        description = descriptions.get(field.name)
        if field.default is not dataclasses.MISSING:
            info = Field(default=field.default, description=description)
        elif field.default_factory is not dataclasses.MISSING:
            info = Field(default_factory=field.default_factory, description=description)
        else:
            info = Field(description=description)
        fields[field.name] = (hints[field.name], info)
    config = ConfigDict(
        use_attribute_docstrings=True, json_schema_extra={"examples": examples} if examples else None
    )
    model: type[BaseModel] = create_model(
        name, __config__=config, __doc__=value.__doc__, **dict(first or {}), **fields, **dict(last or {})
    )
    return model


def attribute_docstrings(value: type) -> dict[str, str]:
    """Each field's docstring: the string that follows its annotation in the class body."""
    body = ast.parse(textwrap.dedent(inspect.getsource(value))).body[0]
    assert isinstance(body, ast.ClassDef)
    found = {}
    for statement, following in zip(body.body, body.body[1:], strict=False):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = inspect.cleandoc(following.value.value)
    return found
