"""Dashboard panels of imports: batches of the working company and below waiting to be applied
(R38), the last one applied, and per company its inactive customers and its last whole-list
(mirror) import (R59)."""

from django.db.models import Count, Max
from django.urls import reverse

from companies.dashboard import register
from companies.tenancy import working_companies
from customers.models import Customer
from imports.models import ImportBatch, Status

MIRROR_ROWS = 10  # companies listed on the panel; the rest are counted


@register
def import_panels(request):
    company = request.working_company
    if company is None:
        return []
    batches = ImportBatch.objects.filter(
        company__in=working_companies(request, include_descendants=True)
    )
    waiting = batches.filter(status=Status.READY).count()
    # (DESC puts NULLs first: a batch without its time must not be "the last applied")
    last = (
        batches.filter(status=Status.APPLIED, applied_at__isnull=False)
        .order_by("-applied_at")
        .first()
    )
    note = (
        f"Last applied {last.applied_at:%Y-%m-%d %H:%M}: {last.original_name}"
        if last
        else "No import applied yet"
    )
    return [
        {
            "title": "Imports ready to apply",
            "value": waiting,
            "note": note,
            "url": reverse("imports:start", kwargs={"tenant_slug": request.tenant.slug}),
        }
    ]


@register
def mirror_panels(request):
    """R59: how many customers each company has inactive, and when its last mirror import ran
    (companies with either; two grouped queries, the first on a partial index)."""
    if request.working_company is None:
        return []
    companies = {
        c.pk: c
        for c in working_companies(request, include_descendants=True).only("pk", "name", "code")
    }
    inactive = dict(
        Customer.objects.filter(company_id__in=list(companies), is_active=False)
        .values_list("company_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    mirrored = dict(
        ImportBatch.objects.filter(
            company_id__in=list(companies), mirror=True, status=Status.APPLIED
        )
        .values_list("company_id")
        .annotate(last=Max("applied_at"))
        .order_by()
    )
    listed = sorted(set(inactive) | set(mirrored), key=lambda pk: companies[pk].name)
    rows = [
        f"{companies[pk].name}: {inactive.get(pk, 0):,} inactive · last whole-list import "
        + (f"{mirrored[pk]:%Y-%m-%d %H:%M}" if pk in mirrored else "never")
        for pk in listed[:MIRROR_ROWS]
    ]
    if len(listed) > MIRROR_ROWS:
        rows.append(f"and {len(listed) - MIRROR_ROWS} more companies")
    url = reverse("customers:list", kwargs={"tenant_slug": request.tenant.slug})
    return [
        {
            "title": "Inactive customers",
            "value": f"{sum(inactive.values()):,}",
            "note": (
                "Customers missing from the accounting system's list"
                if rows
                else "No whole-list import yet"
            ),
            "rows": rows,
            "url": f"{url}?scope=subtree&status=inactive",
        }
    ]
