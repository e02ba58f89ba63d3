"""Trigger conditions that let the import engine write history itself (R14).

The engine writes its own event rows set-based (imports.history) and, meanwhile, sets the
transaction-local setting `certhub.skip_history` to 'on'. A trigger WHEN clause on that setting
keeps PostgreSQL from calling the per-row trigger function at all (pgtrigger's ignore list is
checked inside the function, ~7 µs a row). Every other write keeps its history.
"""

import pghistory
import pgtrigger
from django.db import models

SETTING = "certhub.skip_history"
NOT_SKIPPED = f"current_setting('{SETTING}', true) IS DISTINCT FROM 'on'"


class _AnyChangeNotSkipped(pgtrigger.AnyChange):
    def resolve(self, model) -> str:
        return f"(({super().resolve(model)}) AND {NOT_SKIPPED})"


def insert_event():
    return pghistory.InsertEvent(condition=pgtrigger.Condition(NOT_SKIPPED))


def update_event():
    return pghistory.UpdateEvent(condition=_AnyChangeNotSkipped())


def delete_event():
    return pghistory.DeleteEvent(condition=pgtrigger.Condition(NOT_SKIPPED))


def unindexed_copy(to):
    """An event table's copy of a tracked foreign key (tenant, company), as pghistory makes it
    (no constraint) but without its index: history is read by object (pgh_obj_id) or by the
    customer it references (Events.references), never by tenant or company, and every index
    is paid for on each of an import's 100,000 history rows."""
    return models.ForeignKey(
        to,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
        related_query_name="+",
    )
