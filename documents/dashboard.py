"""Dashboard panels of documents: exposures (R23), pending reviews (R21), expiring soon (R19),
for the working company and the companies below it."""

from django.urls import reverse

from companies.dashboard import register
from documents.coverage import exposure_summary


@register
def document_panels(request):
    from documents.selectors import (
        expiring_soon,
        review_queue,
        working_documents,
        working_scope,
    )

    if request.working_company is None:
        return []
    slug = request.tenant.slug
    total, customers, _ = exposure_summary(working_scope(request))
    pending = review_queue(request).count()
    soon = expiring_soon(working_documents(request), tenant=request.tenant).count()
    exposure_url = reverse("documents:exposure", kwargs={"tenant_slug": slug})
    return [
        {"title": "Exposures", "value": f"{total:,}", "url": exposure_url,
         "note": f"{customers:,} customers ship where no valid certificate is in effect",
         "tone": "bad" if total else ""},
        {"title": "Pending reviews", "value": f"{pending:,}",
         "url": reverse("documents:review_queue", kwargs={"tenant_slug": slug}),
         "note": "Documents waiting for review", "tone": "warn" if pending else ""},
        {"title": "Expiring soon", "value": f"{soon:,}",
         "url": reverse("documents:list", kwargs={"tenant_slug": slug})
         + "?expiring_soon=on&descendants=on",
         "note": "Valid documents about to expire", "tone": "warn" if soon else ""},
    ]
