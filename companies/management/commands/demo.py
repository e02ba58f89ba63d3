"""Load a realistic demo tenant and print a login (R46).

Each app may have a `demo` module with `load(context)`; they run in INSTALLED_APPS order, each
building on what the earlier ones returned, so a new app adds its demo data without this command
knowing it.
"""

import importlib

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django_scopes import scope, scopes_disabled

from companies import demo as company_demo
from companies.history import unprotected
from companies.models import Tenant
from companies.tenancy import tenant_path

DEMO_SLUGS = ["acme", "globex"]


class Command(BaseCommand):
    help = "Load the demo tenants (acme, globex) and print a login. --reset starts them afresh."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="Delete and reload the demo.")

    def handle(self, *args, reset, **options):
        with scopes_disabled():
            exists = Tenant.objects.filter(slug__in=DEMO_SLUGS)
            if exists and not reset:
                self._print_login("The demo data is already loaded.")
                return
            if exists:
                self._delete_demo()
        with transaction.atomic():
            context = company_demo.load()
            second = context.pop("second")  # globex: a smaller world, built the same way
            for world in (context, second):
                with scope(tenant=world["tenant"].pk):
                    for app in apps.get_app_configs():
                        if app.name == "companies":
                            continue
                        try:
                            module = importlib.import_module(f"{app.name}.demo")
                        except ModuleNotFoundError:
                            continue
                        world.update(module.load(world) or {})
        self._print_login("Demo data loaded.")

    def _delete_demo(self):
        # The demo tenants go whole, with raw deletes: every row that reaches one of them (its
        # own tenant, or through a relation, like import changes or membership companies).
        # Rows reached through a relation go first, while the rows they join through remain;
        # foreign keys are checked at commit.
        # History is append-only (R54); the demo tenants' history goes with them.
        with connection.cursor() as cursor, transaction.atomic(), unprotected():
            tenants = list(Tenant.objects.filter(slug__in=DEMO_SLUGS))
            ids = [tenant.pk for tenant in tenants]
            paths = {
                model: path
                for model in apps.get_models(include_auto_created=True)
                if (path := tenant_path(model))
            }
            by_depth = sorted(paths, key=lambda m: -paths[m].count("__"))
            for model in by_depth:
                path = paths[model]
                rows = model._base_manager.filter(**{f"{path}__in": ids}).values("pk")
                select, params = rows.query.sql_with_params()
                table, pk = model._meta.db_table, model._meta.pk.column
                cursor.execute(
                    f'DELETE FROM "{table}" WHERE "{pk}" IN ({select})',  # noqa: S608
                    params,
                )
            Tenant.objects.filter(pk__in=ids).delete()
        for tenant in tenants:
            _delete_stored_files(f"tenants/{tenant.public_id}")

    def _print_login(self, headline):
        self.stdout.write(self.style.SUCCESS(headline))
        self.stdout.write(f"  Log in as owner@demo.certhub / {company_demo.DEMO_PASSWORD}")
        self.stdout.write("  (also editor@demo.certhub and viewer@demo.certhub, same password)")


def _delete_stored_files(folder: str) -> None:
    """The demo tenants' uploads, in whichever storage is configured."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    for name in folders:
        _delete_stored_files(f"{folder}/{name}")
