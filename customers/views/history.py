"""The History tab (R14): read only."""

from django.core.paginator import Paginator
from django.views.decorators.http import require_safe

from customers.history import customer_history
from customers.selectors import get_customer
from customers.views import render_tab

PER_PAGE = 25


@require_safe
def history(request, tenant_slug, public_id):
    customer = get_customer(request.membership, public_id)
    page = Paginator(customer_history(customer), PER_PAGE).get_page(request.GET.get("page"))
    return render_tab(
        request,
        customer,
        "history",
        "customers/customer_history.html",
        {"page_obj": page, "entries": page.object_list, "query_string": ""},
    )
