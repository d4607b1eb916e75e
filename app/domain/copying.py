"""One conversion between shapes that share field names: a record is built from the
same-named attributes of its source, so no converter spells each field out again, and a
field added to both sides is carried without touching the converters."""

from __future__ import annotations

from dataclasses import fields
from typing import Any, TypeVar

R = TypeVar("R")

# Read once per class: converters run once per row of a page, or of a whole BOM.
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def field_names(cls: type) -> tuple[str, ...]:
    """The fields a dataclass takes when built, in declaration order."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(field.name for field in fields(cls) if field.init)
    return names


def fields_of(record: object) -> dict[str, Any]:
    """A dataclass instance's fields by name; the values themselves are not copied."""
    return {name: getattr(record, name) for name in field_names(type(record))}


def copied(cls: type[R], source: object, **given: Any) -> R:
    """A `cls` (a dataclass) whose fields are `given` where named and otherwise the
    same-named attributes of `source`. A field the source lacks is an AttributeError and a
    `given` name that is no field a TypeError: a renamed field fails loudly, never quietly
    takes a default."""
    names = field_names(cls)
    unknown = given.keys() - set(names)
    if unknown:
        raise TypeError(f"{cls.__name__} has no field {', '.join(sorted(unknown))}")
    return cls(**{name: given[name] if name in given else getattr(source, name) for name in names})
