from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe
from django_scopes import scopes_disabled

from companies import services
from companies.forms import (
    CompanyCreateForm,
    CompanyForm,
    CompanyMoveForm,
    MemberEditForm,
    MemberForm,
    TenantSettingsForm,
)
from companies.models import Company, Membership, Role
from companies.tenancy import get_company, reachable_companies, role_required, set_working_company


@login_required
def home(request):
    """Send the user to their first tenant, or explain that they have none."""
    with scopes_disabled():
        membership = (
            Membership.objects.filter(user=request.user).select_related("tenant")
            .order_by("tenant__name").first()
        )
    if membership is None:
        return render(request, "companies/no_tenant.html")
    return redirect("companies:dashboard", tenant_slug=membership.tenant.slug)


@require_safe
def dashboard(request, tenant_slug):
    from companies.dashboard import dashboard_panels

    panels = dashboard_panels(request)
    return render(request, "companies/dashboard.html", {
        "panels": [panel for panel in panels if "template" not in panel],
        "figures": [panel for panel in panels if "template" in panel]})


@require_POST
def company_pick(request, tenant_slug):
    """The top bar's working-company picker (R7)."""
    company = get_company(request, request.POST.get("company"))
    set_working_company(request, company)
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("companies:dashboard", kwargs={"tenant_slug": tenant_slug})
    return redirect(next_url)


@require_safe
def company_list(request, tenant_slug):
    companies = reachable_companies(request.membership).order_by("tree_id", "lft")
    return render(request, "companies/company_list.html", {"companies": companies})


@role_required(Role.ADMIN)
def company_create(request, tenant_slug):
    initial = {"parent": request.GET.get("parent") and get_company(request, request.GET["parent"])}
    form = CompanyCreateForm(request.POST or None, membership=request.membership, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            company = services.company_create(tenant=request.tenant, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Company {company.name} added.")
            return redirect("companies:list", tenant_slug=tenant_slug)
    return render(request, "companies/company_form.html", {"form": form, "title": "Add company"})


@role_required(Role.ADMIN)
def company_edit(request, tenant_slug, public_id):
    company = get_company(request, public_id)
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.company_update(company=Company.objects.get(pk=company.pk), **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Company {form.cleaned_data['name']} saved.")
            return redirect("companies:list", tenant_slug=tenant_slug)
    move_form = CompanyMoveForm(
        membership=request.membership, company=company, initial={"parent": company.parent}
    )
    return render(request, "companies/company_edit.html",
                  {"form": form, "move_form": move_form, "company": company,
                   "holdings": services.company_holdings(company)})


@role_required(Role.ADMIN)
@require_POST
def company_move(request, tenant_slug, public_id):
    company = get_company(request, public_id)
    form = CompanyMoveForm(request.POST, membership=request.membership, company=company)
    if form.is_valid():
        try:
            services.company_move(company=company, new_parent=form.cleaned_data["parent"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Company {company.name} moved.")
            return redirect("companies:list", tenant_slug=tenant_slug)
    else:
        messages.error(request, "Pick a company this one can move under.")
    return redirect("companies:edit", tenant_slug=tenant_slug, public_id=public_id)


@role_required(Role.ADMIN)
def company_delete(request, tenant_slug, public_id):
    company = get_company(request, public_id)
    if request.method == "POST":
        try:
            services.company_delete(company=company)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("companies:edit", tenant_slug=tenant_slug, public_id=public_id)
        messages.success(request, f"Company {company.name} deleted.")
        return redirect("companies:list", tenant_slug=tenant_slug)
    return render(request, "companies/company_confirm_delete.html",
                  {"company": company, "holdings": services.company_holdings(company)})


# --- members and settings ----------------------------------------------------------------------


@role_required(Role.ADMIN)
def member_list(request, tenant_slug):
    members = Membership.objects.select_related("user").prefetch_related("companies")
    return render(request, "companies/member_list.html", {"members": members})


@role_required(Role.ADMIN)
def member_add(request, tenant_slug):
    form = MemberForm(request.POST or None, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            membership, password = services.membership_add(
                tenant=request.tenant, actor_membership=request.membership, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            note = f" One-time password: {password}" if password else ""
            messages.success(request, f"{membership.user.email} added as {membership.role}.{note}")
            return redirect("companies:members", tenant_slug=tenant_slug)
    return render(request, "companies/member_form.html", {"form": form, "title": "Add member"})


@role_required(Role.ADMIN)
def member_edit(request, tenant_slug, public_id):
    membership = get_object_or_404(Membership, public_id=public_id)
    initial = {"role": membership.role, "companies": membership.companies.all()}
    form = MemberEditForm(request.POST or None, initial=initial,
                          membership=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=membership, actor_membership=request.membership, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{membership.user.email} is now {membership.role}.")
            return redirect("companies:members", tenant_slug=tenant_slug)
    return render(request, "companies/member_form.html",
                  {"form": form, "title": f"Edit {membership.user.email}", "member": membership})


@role_required(Role.ADMIN)
@require_POST
def member_remove(request, tenant_slug, public_id):
    membership = get_object_or_404(Membership, public_id=public_id)
    try:
        services.membership_remove(membership=membership, actor_membership=request.membership)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"{membership.user.email} removed from {request.tenant.name}.")
    return redirect("companies:members", tenant_slug=tenant_slug)


@role_required(Role.ADMIN)
def tenant_settings(request, tenant_slug):
    form = TenantSettingsForm(request.POST or None, instance=request.tenant)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("companies:settings", tenant_slug=tenant_slug)
    return render(request, "companies/tenant_settings.html", {"form": form})
