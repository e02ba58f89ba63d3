"""Dashboard panel of imports: batches of the working company and below waiting to be applied
(R38), and the last one applied."""

from django.urls import reverse

from companies.dashboard import register
from companies.tenancy import working_companies
from imports.models import ImportBatch, Status


@register
def import_panels(request):
    company = request.working_company
    if company is None:
        return []
    batches = ImportBatch.objects.filter(
        company__in=working_companies(request, include_descendants=True))
    waiting = batches.filter(status=Status.READY).count()
    last = batches.filter(status=Status.APPLIED).order_by("-applied_at").first()
    note = (f"Last applied {last.applied_at:%Y-%m-%d %H:%M}: {last.original_name}" if last
            else "No import applied yet")
    return [{"title": "Imports ready to apply", "value": waiting, "note": note,
             "url": reverse("imports:start", kwargs={"tenant_slug": request.tenant.slug})}]
