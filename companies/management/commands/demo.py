"""Load a realistic demo tenant and print a login (R46).

Each app may have a `demo` module with `load(context)`; they run in INSTALLED_APPS order, each
building on what the earlier ones returned, so a new app adds its demo data without this command
knowing it.
"""

import importlib

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scope, scopes_disabled

from companies import demo as company_demo
from companies.models import Tenant


class Command(BaseCommand):
    help = "Load the demo tenants (acme, globex) and print a login. --reset starts them afresh."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete and reload the demo.")

    def handle(self, *args, reset, **options):
        with scopes_disabled():
            exists = Tenant.objects.filter(slug__in=["acme", "globex"])
            if exists and not reset:
                self._print_login("The demo data is already loaded.")
                return
            if exists:
                self._delete_demo()
        with transaction.atomic():
            context = company_demo.load()
            with scope(tenant=context["tenant"].pk):
                for app in apps.get_app_configs():
                    if app.name == "companies":
                        continue
                    try:
                        module = importlib.import_module(f"{app.name}.demo")
                    except ModuleNotFoundError:
                        continue
                    context.update(module.load(context) or {})
        self._print_login("Demo data loaded.")

    def _delete_demo(self):
        from django.db import connection

        # The demo tenants go whole: their rows cascade from the tenant; protected relations
        # (companies, customers) are emptied first, children before parents.
        with connection.cursor() as cursor, transaction.atomic():
            ids = list(Tenant.objects.filter(slug__in=["acme", "globex"])
                       .values_list("pk", flat=True))
            for model in reversed(apps.get_models()):
                if model is not Tenant and any(f.name == "tenant" for f in model._meta.fields):
                    cursor.execute(
                        f'DELETE FROM "{model._meta.db_table}" WHERE tenant_id = ANY(%s)',  # noqa: S608
                        [ids])
            Tenant.objects.filter(pk__in=ids).delete()

    def _print_login(self, headline):
        self.stdout.write(self.style.SUCCESS(headline))
        self.stdout.write(f"  Log in as owner@demo.certhub / {company_demo.DEMO_PASSWORD}")
        self.stdout.write("  (also editor@demo.certhub and viewer@demo.certhub, same password)")
