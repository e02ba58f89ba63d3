from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_scopes import scope, scopes_disabled

from certhub.errors import error_text, show_error
from companies import invitations, services
from companies.forms import (
    CompanyCreateForm,
    CompanyForm,
    CompanyMoveForm,
    MemberEditForm,
    MemberForm,
    NewAccountForm,
    TenantSettingsForm,
)
from companies.invitations import managed_by, pending
from companies.models import Company, Invitation, InvitationStatus, Membership, Role
from companies.tenancy import get_company, reachable_companies, role_required, set_working_company
from companies.text import full_stop
from security.log import record
from security.models import EventKind


def base_url(request) -> str:
    return request.build_absolute_uri("/")


@login_required
def home(request):
    """Send the user to their first tenant, or explain that they have none."""
    with scopes_disabled():
        membership = (
            Membership.objects.filter(user=request.user)
            .select_related("tenant")
            .order_by("tenant__name")
            .first()
        )
    if membership is None:
        return render(request, "companies/no_tenant.html")
    return redirect("companies:dashboard", tenant_slug=membership.tenant.slug)


@require_safe
def dashboard(request, tenant_slug):
    from companies.dashboard import dashboard_panels

    panels = dashboard_panels(request)
    return render(
        request,
        "companies/dashboard.html",
        {
            "panels": [panel for panel in panels if "template" not in panel],
            "figures": [panel for panel in panels if "template" in panel],
        },
    )


@require_POST
def company_pick(request, tenant_slug):
    """The top bar's working-company picker (R7)."""
    company = get_company(request.membership, request.POST.get("company"))
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
    initial = {
        "parent": request.GET.get("parent")
        and get_company(request.membership, request.GET["parent"])
    }
    form = CompanyCreateForm(request.POST or None, membership=request.membership, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            company = services.company_create(tenant=request.tenant, **data)
        except ValidationError as error:
            show_error(request, error, form=form)
        else:
            messages.success(request, f"Company {company.name} added.")
            return redirect("companies:list", tenant_slug=tenant_slug)
    return render(request, "companies/company_form.html", {"form": form, "title": "Add company"})


@role_required(Role.ADMIN)
def company_edit(request, tenant_slug, public_id):
    company = get_company(request.membership, public_id)
    form = CompanyForm(request.POST or None, instance=company)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.company_update(company=Company.objects.get(pk=company.pk), **fields)
        except ValidationError as error:
            show_error(request, error, form=form)
        else:
            messages.success(request, f"Company {form.cleaned_data['name']} saved.")
            return redirect("companies:list", tenant_slug=tenant_slug)
    move_form = CompanyMoveForm(
        membership=request.membership, company=company, initial={"parent": company.parent}
    )
    return render(
        request,
        "companies/company_edit.html",
        {
            "form": form,
            "move_form": move_form,
            "company": company,
            "holdings": services.company_holdings(company),
        },
    )


@role_required(Role.ADMIN)
@require_POST
def company_move(request, tenant_slug, public_id):
    company = get_company(request.membership, public_id)
    form = CompanyMoveForm(request.POST, membership=request.membership, company=company)
    if form.is_valid():
        try:
            services.company_move(company=company, new_parent=form.cleaned_data["parent"])
        except ValidationError as error:
            show_error(request, error)
        else:
            messages.success(request, f"Company {company.name} moved.")
            return redirect("companies:list", tenant_slug=tenant_slug)
    else:
        messages.error(request, " ".join(map(str, form.errors.get("parent", []))))
    return redirect("companies:edit", tenant_slug=tenant_slug, public_id=public_id)


@role_required(Role.ADMIN)
def company_delete(request, tenant_slug, public_id):
    company = get_company(request.membership, public_id)
    if request.method == "POST":
        try:
            services.company_delete(company=company)
        except ValidationError as error:
            show_error(request, error)
            return redirect("companies:edit", tenant_slug=tenant_slug, public_id=public_id)
        messages.success(request, f"Company {company.name} deleted.")
        return redirect("companies:list", tenant_slug=tenant_slug)
    return render(
        request,
        "companies/company_confirm_delete.html",
        {"company": company, "holdings": services.company_holdings(company)},
    )


# --- members and settings ----------------------------------------------------------------------


@role_required(Role.ADMIN)
def member_list(request, tenant_slug):
    """Members and pending invitations the admin may manage (a limited admin: those limited to
    companies it reaches, R50)."""
    members = managed_by(Membership.objects.all(), request.membership)
    invitations = pending(managed_by(Invitation.objects.all(), request.membership))
    return render(
        request,
        "companies/member_list.html",
        {
            "members": members.select_related("user").prefetch_related("companies"),
            "invitations": invitations.select_related("invited_by").prefetch_related("companies"),
        },
    )


@role_required(Role.ADMIN)
def member_add(request, tenant_slug):
    """Invite a member by email (R50). The answer is the same whether or not the address has
    an account: nothing of any account is looked up or shown here."""
    form = MemberForm(request.POST or None, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = invitations.invitation_create(
                tenant=request.tenant,
                actor_membership=request.membership,
                invited_by=request.user,
                base_url=base_url(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            show_error(request, error, form=form)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email}. They join as "
                f"{invitation.get_role_display().lower()} when they accept it "
                f"(the link works until {_day(invitation.expires_at)}).",
            )
            return redirect("companies:members", tenant_slug=tenant_slug)
    return render(
        request,
        "companies/member_form.html",
        {
            "form": form,
            "title": "Invite member",
            "submit": "Send invitation",
            "intro": "They get an email with a link; they become a member when they accept it.",
        },
    )


def _day(moment) -> str:
    return dateformat.format(timezone.localtime(moment), "M j, Y")


def _managed_member(request, public_id) -> Membership:
    """A member the admin may manage, else 404 as for one that does not exist (R3, R50)."""
    return get_object_or_404(
        managed_by(Membership.objects.all(), request.membership), public_id=public_id
    )


@role_required(Role.ADMIN)
def member_edit(request, tenant_slug, public_id):
    membership = _managed_member(request, public_id)
    initial = {"role": membership.role, "companies": membership.companies.all()}
    form = MemberEditForm(request.POST or None, initial=initial, membership=request.membership)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(
                membership=membership, actor_membership=request.membership, **form.cleaned_data
            )
        except ValidationError as error:
            show_error(request, error, form=form)
        else:
            messages.success(request, f"{membership.user.email} is now {membership.role}.")
            return redirect("companies:members", tenant_slug=tenant_slug)
    return render(
        request,
        "companies/member_form.html",
        {"form": form, "title": f"Edit {membership.user.email}", "member": membership},
    )


@role_required(Role.ADMIN)
@require_POST
def member_remove(request, tenant_slug, public_id):
    membership = _managed_member(request, public_id)
    try:
        services.membership_remove(membership=membership, actor_membership=request.membership)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request, f"{membership.user.email} removed from {full_stop(request.tenant.name)}"
        )
    return redirect("companies:members", tenant_slug=tenant_slug)


@role_required(Role.ADMIN)
@require_POST
def invitation_revoke(request, tenant_slug, public_id):
    """Withdraw a pending invitation: its link stops working (R50)."""
    invitation = get_object_or_404(
        managed_by(Invitation.objects.all(), request.membership), public_id=public_id
    )
    try:
        invitations.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, f"The invitation of {invitation.email} was withdrawn.")
    return redirect("companies:members", tenant_slug=tenant_slug)


@role_required(Role.ADMIN)
def tenant_settings(request, tenant_slug):
    if request.membership.is_limited:  # tenant-wide: not for an admin of some companies (R50)
        raise PermissionDenied(
            "An admin limited to some companies cannot change the tenant's settings."
        )
    form = TenantSettingsForm(request.POST or None, instance=request.tenant)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Settings saved.")
        return redirect("companies:settings", tenant_slug=tenant_slug)
    return render(request, "companies/tenant_settings.html", {"form": form})


# --- accepting an invitation (no tenant in the URL, maybe no account yet) -----------------------


def _invitation_gone(request, heading: str, message: str, status: int):
    return render(
        request,
        "companies/invitation_gone.html",
        {"heading": heading, "message": message},
        status=status,
    )


GONE_MESSAGES = {
    InvitationStatus.ACCEPTED: "This invitation has already been accepted.",
    InvitationStatus.REVOKED: "This invitation was withdrawn. Ask the admin who invited you "
    "for a new one if you still need access.",
    InvitationStatus.EXPIRED: "This invitation has expired. Ask the admin who invited you for "
    "a new one.",
}


@never_cache
def invitation_accept(request, token):
    """The emailed link (R50). A new address chooses a password here; an existing account
    logs in as the invited address and accepts. Only the token holder sees which applies."""
    invitation = invitations.find_by_token(token)
    if invitation is None:
        record(request, EventKind.UNKNOWN_LINK, detail="Unknown invitation link.")
        return _invitation_gone(
            request,
            "Link not found",
            "This invitation link is not valid. Check that you copied the whole address.",
            404,
        )
    # No /t/<slug>/ in the link, so no scope from the middleware: the token names the tenant.
    with scope(tenant=invitation.tenant_id):
        return _invitation_page(request, invitation)


def _invitation_page(request, invitation):
    status = invitation.status()
    if status != InvitationStatus.PENDING:
        return _invitation_gone(
            request, "This invitation no longer works", GONE_MESSAGES[status], 410
        )
    has_account = invitations.account_exists(invitation)
    context = {
        "invitation": invitation,
        "tenant_name": invitation.tenant.name,
        "has_account": has_account,
    }
    user = request.user
    form = None
    if has_account and not user.is_authenticated:
        context["login_url"] = f"{reverse('accounts:login')}?next={request.path}"
    elif has_account and user.email.lower() != invitation.email:
        context["wrong_account"] = True
    elif has_account and request.method == "POST":
        return _accepted(request, invitation, user)
    elif not has_account:
        if user.is_authenticated:
            context["wrong_account"] = True
        else:
            form = NewAccountForm(request.POST or None, email=invitation.email)
            if request.method == "POST" and form.is_valid():
                try:
                    user = invitations.invitation_accept_new_account(
                        invitation=invitation,
                        password=form.cleaned_data["password1"],
                        full_name=form.cleaned_data["full_name"],
                    )
                except ValidationError as error:
                    show_error(request, error, form=form)
                else:
                    auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                    return _welcome(request, invitation)
    return render(request, "companies/invitation_accept.html", {**context, "form": form})


def _accepted(request, invitation, user):
    try:
        invitations.invitation_accept(invitation=invitation, user=user)
    except ValidationError as error:
        return _invitation_gone(request, "This invitation no longer works", error_text(error), 410)
    return _welcome(request, invitation)


def _welcome(request, invitation):
    messages.success(request, f"Welcome to {full_stop(invitation.tenant.name)}")
    return redirect("companies:dashboard", tenant_slug=invitation.tenant.slug)
