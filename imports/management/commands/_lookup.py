"""Finding the tenant and company named on the command line (shared by both commands)."""

from django.core.management.base import CommandError
from django_scopes import scope

from companies.models import Company, Tenant


def add_file_tenant_company(parser) -> None:
    parser.add_argument("file")
    parser.add_argument("--tenant", required=True, metavar="SLUG")
    parser.add_argument("--company", required=True, metavar="CODE")


def tenant_and_company(slug: str, code: str):
    tenant = Tenant.objects.filter(slug=slug).first()
    if tenant is None:
        raise CommandError(f"No tenant with the slug {slug!r}.")
    with scope(tenant=tenant.pk):
        company = Company.objects.filter(code=code).first()
    if company is None:
        raise CommandError(f"No company with the code {code!r} in {slug}.")
    return tenant, company
