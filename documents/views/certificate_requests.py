"""Certificate requests for staff: send one, list them, resend, cancel, and request every
missing certificate at once (R28, R30)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_POST, require_safe

from certhub.errors import show_error
from companies.models import Role
from companies.tenancy import role_required, working_companies
from customers.selectors import get_customer
from documents.forms import CertificateRequestFilterForm, CertificateRequestForm
from documents.models import RequestStatus, shown_tone
from documents.selectors import (
    OPEN_STATUSES,
    REQUEST_DISPLAY_STATUSES,
    display_status,
    get_certificate_request,
    visible_certificate_requests,
    with_display_status,
)
from documents.services import certificate_requests as services

REQUESTS_PER_PAGE = 50


def base_url(request) -> str:
    return request.build_absolute_uri("/")


@role_required(Role.EDITOR)
def certificate_request_create(request, tenant_slug, public_id):
    """The request page of a customer, reached from its Documents tab (R28)."""
    customer = get_customer(request.membership, public_id)
    form = CertificateRequestForm(request.POST or None, customer=customer)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_request_create(
                tenant=request.tenant,
                actor=request.user,
                customer=customer,
                base_url=base_url(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            show_error(request, error, form=form)
        else:
            messages.success(request, f"Request sent to {form.cleaned_data['email']}.")
            return redirect(
                "documents:customer_documents", tenant_slug=tenant_slug, public_id=public_id
            )
    return render(
        request,
        "documents/request_form.html",
        {"form": form, "customer": customer, "active_tab": "documents"},
    )


@require_safe
def certificate_request_list(request, tenant_slug):
    """Requests of the working company (and below, when asked) with their status (R30)."""
    filters = CertificateRequestFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    companies = working_companies(request, data.get("descendants", False))
    certificate_requests = (
        visible_certificate_requests(request.membership)
        .filter(company__in=companies)
        .select_related("customer", "company", "sent_by")
        .annotate(document_count=Count("documents"))
        .order_by("-created_at", "-pk")
    )
    if data.get("status"):
        certificate_requests = with_display_status(certificate_requests, data["status"])
    if data.get("since"):
        certificate_requests = certificate_requests.filter(created_at__gte=data["since"])
    if data.get("q"):
        q = data["q"].strip()
        certificate_requests = certificate_requests.filter(
            Q(customer__name1__icontains=q) | Q(customer__number=q) | Q(email__icontains=q)
        )
    page = Paginator(certificate_requests, REQUESTS_PER_PAGE).get_page(request.GET.get("page"))
    labels = dict(REQUEST_DISPLAY_STATUSES)
    for certificate_request in page:
        certificate_request.shown_status = display_status(certificate_request)
        certificate_request.shown_status_label = str(labels[certificate_request.shown_status])
        certificate_request.shown_status_tone = shown_tone(
            certificate_request.shown_status, RequestStatus
        )
        certificate_request.can_resend = certificate_request.status in OPEN_STATUSES
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "documents/request_list.html",
        {
            "filters": filters,
            "page_obj": page,
            "certificate_requests": page.object_list,
            "query_string": urlencode(query),
        },
    )


def _certificate_request_action(request, tenant_slug, public_id, act, done: str):
    """Run a service on one request and come back to the list with its message."""
    certificate_request = get_certificate_request(request.membership, public_id)
    try:
        act(certificate_request)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            done.format(
                email=certificate_request.email, customer=certificate_request.customer.name1
            ),
        )
    next_url = request.POST.get("next", "")
    if next_url.startswith(f"/t/{tenant_slug}/requests/"):
        return redirect(next_url)
    return redirect("documents:requests", tenant_slug=tenant_slug)


@role_required(Role.EDITOR)
@require_POST
def certificate_request_resend(request, tenant_slug, public_id):
    return _certificate_request_action(
        request,
        tenant_slug,
        public_id,
        lambda certificate_request: services.certificate_request_resend(
            certificate_request=certificate_request, actor=request.user, base_url=base_url(request)
        ),
        "Request sent again to {email} with a new link; the old link no longer works.",
    )


@role_required(Role.EDITOR)
@require_POST
def certificate_request_cancel(request, tenant_slug, public_id):
    return _certificate_request_action(
        request,
        tenant_slug,
        public_id,
        lambda certificate_request: services.certificate_request_cancel(
            certificate_request=certificate_request, actor=request.user
        ),
        "Request to {customer} cancelled; its link no longer works.",
    )


@role_required(Role.EDITOR)
@require_POST
def request_missing(request, tenant_slug):
    """ "Request missing certificates": the working company and everything below it (R30)."""
    if request.working_company is None:
        raise PermissionDenied("No company to work in.")
    started = timezone.now()
    sent, no_email = services.request_missing_certificates(
        tenant=request.tenant,
        actor=request.user,
        base_url=base_url(request),
        companies=working_companies(request, include_descendants=True),
    )
    messages.success(
        request,
        f"{len(sent)} request{'s' if len(sent) != 1 else ''} sent to "
        "customers with exposure, no open request and no pending "
        "document for those regions" + (": listed below." if sent else "."),
    )
    if no_email:
        names = ", ".join(f"{c.name1} #{c.number}" for c in no_email[:10])
        more = f" and {len(no_email) - 10} more" if len(no_email) > 10 else ""
        messages.warning(
            request, f"No email address for {names}{more}: add one to request their certificates."
        )
    url = reverse("documents:requests", kwargs={"tenant_slug": tenant_slug})
    if sent:  # the requests just sent, in the subtree the send covered
        url += "?" + urlencode({"descendants": "on", "since": started.isoformat()})
    return redirect(url)
