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


def customer_columns() -> list[str]:
    """customers_customer's columns that the benches fill, in the order of customer_row."""
    from customers.services import CUSTOMER_TEXT_FIELDS

    return [
        "public_id",
        *CUSTOMER_TEXT_FIELDS,
        "kind",
        "exemption_reason",
        "created_at",
        "updated_at",
        "company_id",
        "tenant_id",
    ]


def customer_row(n: int, company, tenant, now, *, kind: str, **text: str) -> tuple:
    """One customers_customer row for COPY: number `n` as 7 digits, the given text fields
    (name1, city, ...), every other text field and the exemption reason blank."""
    from customers.services import CUSTOMER_TEXT_FIELDS

    values = dict.fromkeys(CUSTOMER_TEXT_FIELDS, "") | text | {"number": f"{n:07d}"}
    return (
        uuid.uuid4(),
        *(values[field] for field in CUSTOMER_TEXT_FIELDS),
        kind,
        "",
        now,
        now,
        company.pk,
        tenant.pk,
    )


def copy_customers(cursor, tenant, rows) -> list[tuple[int, int, str, str]]:
    """COPY the customer_row rows; returns the tenant's customers as (id, company id, kind,
    state) in id order."""
    copy_rows(cursor, "customers_customer", customer_columns(), rows)
    cursor.execute(
        "SELECT id, company_id, kind, state FROM customers_customer "
        "WHERE tenant_id = %s ORDER BY id",
        [tenant.pk],
    )
    return cursor.fetchall()


def ship_tos_by_company(customers) -> dict[int, list[int]]:
    """The ship-to customers' ids of copy_customers' rows, by company id."""
    shippers: dict[int, list[int]] = {}
    for pk, company_id, kind, _state in customers:
        if kind == "ship-to":
            shippers.setdefault(company_id, []).append(pk)
    return shippers


def copy_zones_and_links(cursor, zones, links) -> None:
    """COPY ship-to zones (public id, region, customer id, tenant id) and links (public id,
    created at, billing id, shipping id, tenant id)."""
    copy_rows(
        cursor, "customers_shiptozone", ["public_id", "region", "customer_id", "tenant_id"], zones
    )
    copy_rows(
        cursor,
        "customers_shiptolink",
        ["public_id", "created_at", "billing_id", "shipping_id", "tenant_id"],
        links,
    )
