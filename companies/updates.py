"""Partial updates with explicit fields (issue 15): an update service names every field it can
change as a keyword-only parameter whose default is KEEP, "leave the stored value"; `given`
picks the fields a caller did pass. None stays a value (a setting's "inherit")."""

import enum
from collections.abc import Iterable, Mapping
from typing import Any, Final


class Keep(enum.Enum):
    KEEP = "keep"


KEEP: Final = Keep.KEEP


def given(arguments: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The arguments among `names` that are not KEEP, e.g. `given(locals(), FIELDS)` as a
    service's first statement."""
    return {name: arguments[name] for name in names if arguments[name] is not KEEP}
