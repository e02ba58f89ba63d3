"""The benchmark's own tenant and companies, made for one run and removed after it."""

from django.apps import apps
from django.db import DatabaseError, connection, transaction
from django_scopes import scope, scopes_disabled

from companies.models import Company, Tenant
from companies.services import company_create

SLUG = "bench-imports"


class BenchWorld:
    """A tenant `bench-imports`; `company(code)` adds a fresh root company to import into."""

    def __init__(self):
        self.reset()

    def reset(self) -> None:
        """Start again from tables without the bench's rows (removed, then vacuumed)."""
        remove_tenant(SLUG)  # also what an interrupted run left
        vacuum_import_tables()
        with scopes_disabled():
            self.tenant = Tenant.objects.create(slug=SLUG, name="Import benchmark")

    def company(self, code: str) -> Company:
        with transaction.atomic(), scope(tenant=self.tenant.pk):
            return company_create(tenant=self.tenant, name=f"Bench {code}", code=code)

    def remove(self) -> None:
        remove_tenant(SLUG)
        vacuum_import_tables()


IMPORT_TABLES = [
    "customers_customer",
    "customers_customerevent",
    "customers_shiptozone",
    "customers_shiptozoneevent",
    "customers_shiptolink",
    "customers_shiptolinkevent",
    "imports_importchange",
    "imports_importbatch",
    "pghistory_context",
]


def vacuum_import_tables() -> None:
    """VACUUM ANALYZE the tables an import writes. A run deletes the hundreds of thousands of
    rows it made; where autovacuum is off (as on this project's CI machines) their dead index
    entries would make every later run slower than the one before."""
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {', '.join(IMPORT_TABLES)}")


def _tenant_owned_deletes(tenant_ids_sql: str) -> list[str]:
    """DELETEs for every row of the tenant: tenant-owned tables, and the tables that hang off
    them without a tenant column (e.g. import changes of a batch)."""
    tables = set(connection.introspection.table_names())
    owned, children = [], []
    for model in apps.get_models():
        table = model._meta.db_table
        if table not in tables or model is Tenant:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        if "tenant" in names:
            owned.append(f'DELETE FROM "{table}" WHERE tenant_id IN ({tenant_ids_sql})')
            continue
        for field in model._meta.concrete_fields:
            parent = field.related_model
            if (
                field.many_to_one
                and parent
                and any(f.name == "tenant" for f in parent._meta.concrete_fields)
            ):
                children.append(
                    f'DELETE FROM "{table}" WHERE "{field.column}" IN (SELECT id FROM '
                    f'"{parent._meta.db_table}" WHERE tenant_id IN ({tenant_ids_sql}))'
                )
    return children + owned


def remove_tenant(slug: str) -> None:
    """Delete the tenant and everything it owns, in one transaction.

    History triggers are switched off for it where the database allows
    (session_replication_role needs a superuser); otherwise the deletes run twice, the
    second pass removing the history rows the first one wrote."""
    from companies.history import unprotected  # history is append-only (R54)

    ids_sql = "SELECT id FROM companies_tenant WHERE slug = %s"
    with transaction.atomic(), unprotected(), connection.cursor() as cursor:
        cursor.execute(ids_sql, [slug])
        if not cursor.fetchone():
            return
        passes = 1
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            passes = 2
        for _ in range(passes):
            for sql in _tenant_owned_deletes(ids_sql):
                cursor.execute(sql, [slug])
        cursor.execute("DELETE FROM companies_tenant WHERE slug = %s", [slug])
