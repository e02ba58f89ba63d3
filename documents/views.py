from django.shortcuts import render


def document_list(request, tenant_slug):
    return render(request, "documents/document_list.html")


def request_list(request, tenant_slug):
    return render(request, "documents/request_list.html")


def customer_documents(request, tenant_slug, public_id):
    from customers.selectors import get_customer

    return render(request, "customers/customer_base.html",
                  {"customer": get_customer(request, public_id), "active_tab": "documents"})


def customer_notes(request, tenant_slug, public_id):
    from customers.selectors import get_customer

    return render(request, "customers/customer_base.html",
                  {"customer": get_customer(request, public_id), "active_tab": "notes"})
