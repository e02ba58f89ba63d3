"""Dashboard panel of imports: the working company's batches waiting to be applied (R38)."""

from django.urls import reverse

from companies.dashboard import register
from imports.models import ImportBatch, Status


@register
def import_panels(request):
    company = request.working_company
    if company is None:
        return []
    waiting = ImportBatch.objects.filter(company=company, status=Status.READY).count()
    last = ImportBatch.objects.filter(company=company, status=Status.APPLIED).first()
    note = (f"Last applied {last.applied_at:%Y-%m-%d %H:%M}: {last.original_name}" if last
            else "No import applied yet")
    return [{"title": "Imports ready to apply", "value": waiting, "note": note,
             "url": reverse("imports:start", kwargs={"tenant_slug": request.tenant.slug})}]
