"""Bases of the history event models (settings.PGHISTORY_BASE_MODEL) (R4, R14, R54).

pghistory copies a tracked model's `tenant` into its event model, but gives the event model an
unscoped manager: history rows, which hold every field's old values, would then be readable
across tenants by a forgotten query. These bases give them the same scoped manager as the
models they track. `Event` keeps pghistory's name because pghistory names the generated models
after it (`CustomerEvent`), and their tables and migrations stay as they are. The tenant's own
events (its settings) reach their tenant through `pgh_obj`.

Every event table is append-only (settings.PGHISTORY_APPEND_ONLY): a trigger refuses UPDATE and
DELETE; only `manage.py prune_history` (and `demo --reset` for the demo tenants) switch it off,
for their own transaction (`unprotected()`).
"""

from contextlib import contextmanager
from typing import Any, ClassVar, Self

import pghistory
import pgtrigger
from django.apps import apps
from django.db import models
from pghistory import models as pghistory_models

from companies.scoping import ScopedManager

APPEND_ONLY_TRIGGER = "append_only"


EventManager = ScopedManager.from_queryset(pghistory_models.EventQuerySet)


class Event(pghistory_models.Event):
    # pghistory declares `objects = EventQuerySet.as_manager()`, which django-stubs cannot
    # resolve in a library (UnknownManager): any manager would be "incompatible" with it.
    objects: ClassVar[EventManager[Self]] = EventManager()  # type: ignore[assignment]

    class Meta:
        abstract = True


class TenantSettingsEvent(pghistory_models.Event):
    """Base of Tenant's event model: a row reaches its tenant through `pgh_obj`."""

    # The ignore: as on Event above.
    objects: ClassVar[EventManager[Self]] = EventManager(  # type: ignore[assignment]
        tenant="pgh_obj"
    )

    class Meta:
        abstract = True


def event_model(model: type[models.Model]) -> Any:
    """The history event model pghistory made for a tracked `model` (R14): a model class
    built at runtime, whose fields (the tracked ones, `pgh_obj`, `pgh_context`) no type
    names."""
    # @pghistory.track sets the attribute at runtime; no type can declare it on every model.
    return model.pgh_event_model  # type: ignore[attr-defined]


def event_models() -> list[type[pghistory_models.Event]]:
    """Every history event model of the project."""
    return [
        m
        for m in apps.get_models()
        if issubclass(m, pghistory_models.Event)
        and not m._meta.abstract
        and m._meta.app_label != "pghistory"
    ]


@contextmanager
def unprotected():
    """Within: the append-only triggers of every event table let UPDATE and DELETE through,
    on this connection only. For the retention command (and the demo reset), nothing else."""
    uris = [f"{m._meta.label}:{APPEND_ONLY_TRIGGER}" for m in event_models()]
    with pgtrigger.ignore(*uris):
        yield


def history_context(actor: Any = None, **metadata: Any) -> pghistory.context:
    """The history context of a write (R14): `user` is the acting user's id, plus `metadata`
    (e.g. `import_batch`, `certificate_request`). Without an actor (a public link, a task) no
    `user` is set, so a surrounding context's (the web request's) is kept. Enter it inside the
    write's transaction: `with transaction.atomic(), history_context(actor): ...`."""
    pk = getattr(actor, "pk", None)
    if pk is not None:
        metadata["user"] = pk
    return pghistory.context(**metadata)
