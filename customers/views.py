from django.shortcuts import render

from customers.models import Customer
from customers.selectors import get_customer


def customer_list(request, tenant_slug):
    customers = Customer.objects.filter(company=request.working_company).order_by("number")[:50]
    return render(request, "customers/customer_list.html", {"customers": customers})


def customer_tab(request, tenant_slug, public_id, tab):
    """Placeholder for the customer page tabs; the customers issue replaces it."""
    customer = get_customer(request, public_id)
    return render(request, "customers/customer_base.html",
                  {"customer": customer, "active_tab": tab})
