"""The customer list with search (R13), the record's Details tab, add, edit and delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from certhub.errors import show_error
from companies.models import Role
from companies.tenancy import role_required, working_companies
from companies.text import full_stop
from customers import services
from customers.forms import CustomerFilterForm, CustomerForm
from customers.search import capped_count, filter_customers, keyset_page, search_page
from customers.selectors import get_customer, main_address_is_locked, visible_customers
from customers.settings_resolution import effective_settings
from customers.views import render_tab, submit, warn_address_mismatch


def _scoped_list(request, scope: str):
    """Customers of the working company, its subtree or every reachable company (R7, R13)."""
    qs = visible_customers(request.membership)
    if scope == "all":
        return qs
    if request.working_company is None:
        return qs.none()
    if scope == "subtree":
        ids = list(
            working_companies(request, include_descendants=True).values_list("pk", flat=True)
        )
        return qs.filter(company_id__in=ids)
    return qs.filter(company_id=request.working_company.pk)


@require_safe
def customer_list(request, tenant_slug):
    params = request.GET.copy()
    # The top-bar search looks in every company the user may see; the plain list shows the
    # working company (R7) unless asked for more. The form shows the scope used.
    if not params.get("scope"):
        params["scope"] = "all" if params.get("q", "").strip() else "company"
    form = CustomerFilterForm(params)
    form.is_valid()  # a bad value is flagged on its field; the valid filters still apply
    data = form.cleaned_data
    q = data.get("q", "")
    scope = data.get("scope") or "company"
    filters = {
        "q": q,
        "kind": data.get("kind", ""),
        "tax_ready": data.get("tax_ready", ""),
        "state": data.get("state", ""),
        "address_check": data.get("address_check", ""),
    }
    status = data.get("status", "")
    qs = filter_customers(_scoped_list(request, scope), status=status, **{**filters, "q": ""})
    sort = data.get("sort") or "name"
    cursors = {"after": request.GET.get("after", ""), "before": request.GET.get("before", "")}
    if q:
        page = search_page(qs, term=q, sort=sort, select_related=("company",), **cursors)
    else:
        page = keyset_page(qs.select_related("company"), sort=sort, **cursors)
        page.count, page.count_is_capped = capped_count(qs)
    for name in ("after", "before"):
        params.pop(name, None)
    inactive = None
    if not status and not page.items and not any(cursors.values()):
        # R59: only inactive customers match? Say how many, with a link that shows them.
        count, capped = capped_count(
            filter_customers(_scoped_list(request, scope), status="inactive", **filters)
        )
        if count:
            shown = params.copy()
            shown["status"] = "inactive"
            inactive = {"count": count, "capped": capped, "query_string": shown.urlencode()}
    return render(
        request,
        "customers/customer_list.html",
        {
            "form": form,
            "page": page,
            "scope": scope,
            "query_string": params.urlencode(),
            "inactive": inactive,
            "show_company": scope != "company",
        },
    )


@role_required(Role.EDITOR)
def customer_create(request, tenant_slug):
    company = request.working_company
    if company is None:
        messages.error(request, "Pick a company in the top bar before adding a customer.")
        return redirect("customers:list", tenant_slug=tenant_slug)
    form = CustomerForm(request.POST or None, company=company)
    if customer := submit(
        request, form, services.customer_create, tenant=request.tenant, company=company
    ):
        messages.success(request, f"Customer {customer} added to {full_stop(company.name)}")
        warn_address_mismatch(request, customer)
        return redirect("customers:detail", tenant_slug=tenant_slug, public_id=customer.public_id)
    return render(
        request,
        "customers/customer_form.html",
        {"form": form, "company": company, "title": "Add Customer"},
    )


@require_safe
def customer_detail(request, tenant_slug, public_id):
    customer = get_customer(request.membership, public_id)
    settings = effective_settings(customer=customer, tenant=request.tenant)
    return render_tab(
        request,
        customer,
        "details",
        "customers/customer_detail.html",
        {
            "settings": settings,
            "main_address_locked": main_address_is_locked(customer),
            "document_count": customer.documents.count(),
        },
    )


@role_required(Role.EDITOR)
def customer_edit(request, tenant_slug, public_id):
    customer = get_customer(request.membership, public_id)
    # The form gets its own copy, so a refused edit leaves the page header as stored.
    form = CustomerForm(
        request.POST or None,
        instance=get_customer(request.membership, public_id),
        company=customer.company,
    )
    if submit(request, form, services.customer_update, customer=customer):
        messages.success(request, f"Customer {customer} saved.")
        warn_address_mismatch(request, customer)
        return redirect("customers:detail", tenant_slug=tenant_slug, public_id=public_id)
    return render_tab(
        request,
        customer,
        "details",
        "customers/customer_edit.html",
        {
            "form": form,
            "company": customer.company,
            "title": f"Edit {customer.name1}",
            "main_address_locked": main_address_is_locked(customer),
        },
    )


@role_required(Role.EDITOR)
@require_POST
def customer_toggle_active(request, tenant_slug, public_id):
    """Make a customer active again, or inactive (R59)."""
    customer = get_customer(request.membership, public_id)
    services.customer_set_active(
        customer=customer, active=not customer.is_active, actor=request.user
    )
    messages.success(
        request, f"Customer {customer} is now {'active' if customer.is_active else 'inactive'}."
    )
    return redirect("customers:detail", tenant_slug=tenant_slug, public_id=public_id)


@role_required(Role.EDITOR)
def customer_delete(request, tenant_slug, public_id):
    customer = get_customer(request.membership, public_id)
    if request.method == "POST":
        try:
            services.customer_delete(customer=customer, actor=request.user)
        except ValidationError as error:
            show_error(request, error)
            return redirect("customers:detail", tenant_slug=tenant_slug, public_id=public_id)
        messages.success(request, f"Customer {customer} deleted.")
        return redirect("customers:list", tenant_slug=tenant_slug)
    return render_tab(
        request,
        customer,
        "details",
        "customers/customer_confirm_delete.html",
        {"document_count": customer.documents.count()},
    )
