"""The base of every history event model (settings.PGHISTORY_BASE_MODEL) (R4, R14).

pghistory copies a tracked model's `tenant` into its event model, but gives the event model an
unscoped manager: history rows, which hold every field's old values, would then be readable
across tenants by a forgotten query. This base gives them the same scoped manager as the
models they track. The class keeps pghistory's name, `Event`, because pghistory names the
generated models after it (`CustomerEvent`), and their tables and migrations stay as they are.
"""

from pghistory import models as pghistory_models

from companies.models import scoped_manager


class Event(pghistory_models.Event):
    objects = scoped_manager(pghistory_models.EventQuerySet)

    class Meta:
        abstract = True
