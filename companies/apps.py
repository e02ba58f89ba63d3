from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _tenant_constraints(sender, using="default", apps=None, plan=None, **kwargs):
    """After every forward `migrate`: tenant constraints for models added since (R51)."""
    from django.db import connections

    from companies import tenant_constraints

    backwards = any(step_backwards for _, step_backwards in plan or [])
    if apps is None or backwards or "tenant" not in apps.all_models.get("companies", {}):
        return
    tenant_constraints.apply(connections[using], apps.get_models(include_auto_created=True))


class CompaniesConfig(AppConfig):
    name = "companies"

    def ready(self):
        post_migrate.connect(
            _tenant_constraints, sender=self, dispatch_uid="companies.tenant_constraints"
        )
