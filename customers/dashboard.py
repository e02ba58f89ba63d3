"""Dashboard panel of the customers app (R9): customers that are not tax-ready."""

from django.urls import reverse

from companies.dashboard import register
from companies.tenancy import working_companies
from customers.models import Customer
from customers.search import capped_count


@register
def customer_panels(request):
    company = request.working_company
    if company is None:
        return []
    ids = list(working_companies(request, include_descendants=True).values_list("pk", flat=True))
    # Active customers only, like the list the panel links to (R59: inactive ones are out).
    not_ready = Customer.objects.filter(company_id__in=ids, tax_ready=False, is_active=True)
    count, capped = capped_count(not_ready)
    url = reverse("customers:list", kwargs={"tenant_slug": request.tenant.slug})
    return [
        {
            "title": "Not tax-ready",
            "value": f"{count:,}{'+' if capped else ''}",
            "note": f"Customers of {company.name} and below missing name, address, city, state, "
            "country or ZIP",
            "url": f"{url}?scope=subtree&tax_ready=no",
            "tone": "warn" if count else "",
        }
    ]
