"""The data-loading helpers the P4 and P5 benches share: a bench tenant with an owner and a
company tree, its removal, and COPY of generated rows. Call after django.setup()."""

import uuid

from django.db import connection
from django_scopes import scope, scopes_disabled


def reset_tenant(slug: str, tables: list[str]) -> None:
    """Delete the bench tenant `slug`: the given tables' rows, then its memberships and
    companies. Triggers (history) are off for it: the bench data carries none worth keeping."""
    from companies.models import Tenant

    with scopes_disabled():
        old = Tenant.objects.filter(slug=slug).first()
    if old is None:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        for table in tables:
            cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [old.pk])
        cursor.execute(
            "DELETE FROM companies_membership_companies WHERE membership_id IN "
            "(SELECT id FROM companies_membership WHERE tenant_id = %s)",
            [old.pk],
        )
        for table in ("companies_membership", "companies_company"):
            cursor.execute(f"DELETE FROM {table} WHERE tenant_id = %s", [old.pk])
        cursor.execute("DELETE FROM companies_tenant WHERE id = %s", [old.pk])
        cursor.execute("SET session_replication_role = origin")


def make_tenant(slug: str, name: str, tree: list[tuple[str, str | None]]):
    """A tenant with an owner and the companies of `tree` (code, parent code), through the
    company service; returns (tenant, owner, companies by code)."""
    from django.contrib.auth import get_user_model

    from companies.models import Membership, Role, Tenant
    from companies.services import company_create

    tenant = Tenant.objects.create(slug=slug, name=name)
    email = f"{slug}@example.com"
    User = get_user_model()
    owner = User.objects.filter(email=email).first() or User.objects.create_user(
        email=email, password=uuid.uuid4().hex
    )
    with scope(tenant=tenant.pk):
        Membership.objects.create(tenant=tenant, user=owner, role=Role.OWNER)
        companies = {}
        for code, parent in tree:
            companies[code] = company_create(
                tenant=tenant, name=f"Company {code}", code=code, parent=companies.get(parent)
            )
    return tenant, owner, companies


def copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
