from django.shortcuts import render

from customers.models import Customer


def customer_list(request, tenant_slug):
    customers = Customer.objects.filter(company=request.working_company).order_by("number")[:50]
    return render(request, "customers/customer_list.html", {"customers": customers})
