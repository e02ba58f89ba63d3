"""The public upload page of a certificate request, at /r/<token>/ with no login (R28, R29).

The token is the only key. The page shows what its own request asks for (tenant, customer,
regions) and nothing else; links that are unknown, expired, cancelled or already used say so
and show no form. The link is checked before the request's body is read, and a refused upload
writes nothing (R56).

Rate limits live in the database, shared by every web process (R56): unknown links count per
address, submissions per link and address. A valid link never looks at the unknown-link count,
so guessing tokens from an address never stops a real link from working there.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django_scopes import scope

from customers.regions import REGION_NAMES
from documents.files import capped_upload
from documents.forms import MAX_FILES, PublicUploadForm
from documents.models import EXPIRED, RequestStatus
from documents.selectors import OPEN_STATUSES, display_status
from documents.services.certificate_requests import certificate_request_fulfil
from documents.services.request_links import certificate_request_mark_opened, find_by_token
from security import ratelimit
from security.log import client_address, record
from security.models import EventKind

# Unknown tokens an address may try in a window before it is told to wait (guessing is futile
# with 256-bit tokens; this keeps the noise down).
MISS_LIMIT, MISS_WINDOW = 30, 600
# Submissions to one link from one address in a window.
POST_LIMIT, POST_WINDOW = 20, 600

GONE_REASONS: dict[str, str] = {
    EXPIRED: "This link has expired. Ask {company} for a new one.",
    RequestStatus.CANCELLED: "This request was cancelled by {company}; the link no longer works.",
    RequestStatus.FULFILLED: (
        "This request has already been answered: {company} received your "
        "documents. If you need to send more, ask them for a new link."
    ),
}


def _gone(request, template_status: int, message: str, heading: str):
    return render(
        request,
        "documents/public_request_gone.html",
        {"heading": heading, "message": message},
        status=template_status,
    )


@never_cache
@csrf_exempt  # the link is checked first; the upload view behind it checks the CSRF token
def request_upload(request, token):
    """Check the link and the rate limits without reading the body, then the upload page."""
    address = client_address(request) or "unknown"
    certificate_request = find_by_token(token)
    if certificate_request is None:
        record(request, EventKind.UNKNOWN_LINK)
        if ratelimit.hit(f"request-link-miss:{address}", window_seconds=MISS_WINDOW) > MISS_LIMIT:
            return _gone(
                request,
                429,
                "Too many unknown links were tried from your address. "
                "Wait a few minutes and open the link from the email again.",
                "Please wait",
            )
        return _gone(
            request,
            404,
            "This link is not valid. Check that you copied the whole address from the email.",
            "Link not found",
        )
    status = display_status(certificate_request)
    if status not in OPEN_STATUSES:
        message = GONE_REASONS[status].format(company=certificate_request.company.name)
        return _gone(request, 410, message, "This link no longer works")
    if (
        request.method == "POST"
        and ratelimit.hit(
            f"request-link-post:{certificate_request.pk}:{address}", window_seconds=POST_WINDOW
        )
        > POST_LIMIT
    ):
        return _gone(
            request,
            429,
            "Too many uploads were sent through this link from your "
            "address. Wait a few minutes, then try again.",
            "Please wait",
        )
    # No /t/<slug>/ in the link, so no scope from the middleware: the token names the tenant.
    with scope(tenant=certificate_request.tenant_id):
        return _upload_page(request, certificate_request)


@capped_upload(max_files=MAX_FILES)
def _upload_page(request, certificate_request):
    certificate_request_mark_opened(certificate_request=certificate_request)
    regions = certificate_request.regions
    form = PublicUploadForm(request.POST or None, request.FILES or None, regions=regions)
    context = {
        "certificate_request": certificate_request,
        "organisation": certificate_request.tenant,
        "company": certificate_request.company,
        "customer": certificate_request.customer,
    }
    if request.method == "POST" and form.is_valid():
        try:
            documents = certificate_request_fulfil(
                certificate_request=certificate_request, uploads=form.uploads()
            )
        except ValidationError as error:
            context["upload_errors"] = error.messages
        else:
            return render(
                request, "documents/public_request_done.html", {**context, "documents": documents}
            )
    return render(
        request,
        "documents/public_request_upload.html",
        {
            **context,
            "form": form,
            "max_files": MAX_FILES,
            "regions": [(code, REGION_NAMES.get(code, code)) for code in regions],
        },
    )
