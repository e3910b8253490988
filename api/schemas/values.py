"""API schemas shared with the library's values (frozen dataclasses), so that a field added to a
value appears in the API's documentation and answers without a second edit.

A value the API shows as it is needs nothing from here: pydantic reads a stdlib dataclass
directly, and a model with `use_attribute_docstrings` in its config describes the dataclass's
fields by their docstrings. `with_fields_of` is for a value the API shows with a few fields of its
own, or with one renamed: the model declares those, the decorator adds the value's.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import textwrap
from collections.abc import Callable, Collection
from typing import Any, TypeVar, get_type_hints

from pydantic import BaseModel, Field, create_model

Model = TypeVar("Model", bound=BaseModel)


def with_fields_of(value: type, *, without: Collection[str] = ()) -> Callable[[type[Model]], type[Model]]:
    """Class decorator: the model with its own fields first, then every field of the dataclass
    `value` but those in `without`, with the value's types, defaults and docstrings."""

    def extend(model: type[Model]) -> type[Model]:
        extended = create_model(
            model.__name__,
            __base__=model,
            __module__=model.__module__,
            __doc__=model.__doc__ or value.__doc__,
            **value_fields(value, without),
        )
        return extended

    return extend


def value_fields(value: type, without: Collection[str] = ()) -> dict[str, Any]:
    """The dataclass's fields as create_model takes them: {name: (type, Field(...))}."""
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
    return fields


def attribute_docstrings(value: type) -> dict[str, str]:
    """Each field's docstring: the string that follows its annotation in the class body."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(value))).body[0]
    assert isinstance(tree, ast.ClassDef)
    found = {}
    for statement, following in zip(tree.body, tree.body[1:], strict=False):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            found[statement.target.id] = inspect.cleandoc(following.value.value)
    return found
