"""What management commands share: the tenant named on the command line, and its scope (R4).

A command works in one tenant's scope as a view (companies.middleware) and a task
(companies.tenant_tasks) do; the services it calls never enter one themselves.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.management.base import CommandError
from django_scopes import scope

from companies.models import Company, Tenant


def tenant_by_slug(slug: str) -> Tenant:
    """The tenant with this slug; CommandError when there is none."""
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        raise CommandError(f"No tenant with the slug {slug!r}.")
    return tenant


@contextmanager
def tenant_scope(tenant: Tenant | str) -> Iterator[Tenant]:
    """`with tenant_scope("acme") as tenant:` runs the block in the tenant's scope; a slug that
    names no tenant raises CommandError."""
    if isinstance(tenant, str):
        tenant = tenant_by_slug(tenant)
    with scope(tenant=tenant.pk):
        yield tenant


def company_by_code(tenant: Tenant, code: str) -> Company:
    """The company with this code in the tenant (in its scope); CommandError when none."""
    company = Company.objects.filter(code=code).first()
    if company is None:
        raise CommandError(f"No company with the code {code!r} in {tenant.slug}.")
    return company
