"""Dashboard panels of documents: exposures (R23), pending reviews (R21), expiring soon (R19),
for the working company and the companies below it; the exposure map and the 12-month expiry
chart (R62)."""

from django.urls import reverse
from django.utils import timezone

from companies.dashboard import register
from companies.tenancy import TenantRequest, Workspace
from documents.charts import expiry_chart, exposure_map
from documents.coverage import exposure_summary
from documents.selectors import expiring_soon, review_queue, working_documents, working_scope


@register
def document_panels(request: TenantRequest) -> list[dict]:
    if request.working_company is None:
        return []
    workspace = Workspace.of(request)
    slug = request.tenant.slug
    total, customers, by_region = exposure_summary(working_scope(workspace))
    pending = review_queue(workspace).count()
    soon = expiring_soon(working_documents(workspace), tenant=request.tenant).count()
    exposure_url = reverse("documents:exposure", kwargs={"tenant_slug": slug})
    chart = expiry_chart(working_documents(workspace), timezone.localdate())
    return [
        {
            "title": "Exposures",
            "value": f"{total:,}",
            "url": exposure_url,
            "note": f"{customers:,} customers ship where no valid certificate is in effect",
            "tone": "bad" if total else "",
        },
        {
            "title": "Pending reviews",
            "value": f"{pending:,}",
            "url": reverse("documents:review_queue", kwargs={"tenant_slug": slug}),
            "note": "Documents waiting for review",
            "tone": "warn" if pending else "",
        },
        {
            "title": "Expiring soon",
            "value": f"{soon:,}",
            "url": reverse("documents:list", kwargs={"tenant_slug": slug})
            + "?expiring_soon=on&descendants=on",
            "note": "Valid documents about to expire",
            "tone": "warn" if soon else "",
        },
        # Figures, drawn full width under the cards (R62).
        {
            "title": "Exposed customers by region",
            "template": "documents/_exposure_map.html",
            "map": exposure_map(by_region, exposure_url),
        },
        {
            "title": "Valid documents expiring, next 12 months",
            "template": "documents/_expiry_chart.html",
            "chart": chart,
        },
    ]
