"""The public upload page of a certificate request, at /r/<token>/ with no login (R28, R29).

The token is the only key. The page shows what its own request asks for (tenant, customer,
regions) and nothing else; links that are unknown, expired, cancelled or already used say so
and show no form. The link is checked before the request's body is read, and a refused upload
writes nothing (R56).

Rate limits live in the database, shared by every web process (R56): unknown links count per
address, submissions per link and address. A valid link never looks at the unknown-link count,
so guessing tokens from an address never stops a real link from working there.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from companies.forms import StorableTextForm
from customers.region_picker import RegionsField
from customers.regions import REGION_NAMES
from documents import requests as services
from documents.files import capped_upload, check_document_file, max_upload_bytes, size_label
from documents.models import DocumentType, RequestStatus
from security import ratelimit
from security.log import client_address, record
from security.models import EventKind

MAX_FILES = 10
# Unknown tokens an address may try in a window before it is told to wait (guessing is futile
# with 256-bit tokens; this keeps the noise down).
MISS_LIMIT, MISS_WINDOW = 30, 600
# Submissions to one link from one address in a window.
POST_LIMIT, POST_WINDOW = 20, 600

GONE_REASONS = {
    services.EXPIRED: "This link has expired. Ask {company} for a new one.",
    RequestStatus.CANCELLED: "This request was cancelled by {company}; the link no longer works.",
    RequestStatus.FULFILLED: (
        "This request has already been answered: {company} received your "
        "documents. If you need to send more, ask them for a new link."
    ),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input (Django's documented pattern): a list of files."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"})
        )
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class PublicUploadForm(StorableTextForm):
    """One to MAX_FILES files from one input, with the details they share (R29)."""

    files = MultipleFileField(label="Files", required=False)
    doc_type = forms.ChoiceField(
        label="Document type",
        choices=DocumentType.choices,
        initial=DocumentType.EXEMPTION_CERTIFICATE,
    )
    regions = RegionsField(label="Regions they cover")
    effective_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    expiration_date = forms.DateField(
        required=False,
        help_text="Leave empty if they do not expire.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].initial = regions
        self.fields["files"].help_text = (
            f"Choose up to {MAX_FILES} files at once: PDF, PNG, JPEG or TIFF, each up to "
            f"{size_label(max_upload_bytes())}."
        )

    def clean_files(self):
        files = self.cleaned_data["files"]
        if not files:
            raise ValidationError("Choose at least one file.")
        if len(files) > MAX_FILES:
            raise ValidationError(f"At most {MAX_FILES} files at once: you chose {len(files)}.")
        problems = []
        for upload in files:
            if upload.size > max_upload_bytes():
                problems.append(f"{upload.name} is larger than {size_label(max_upload_bytes())}.")
                continue
            try:
                check_document_file(upload)  # parses as its type (R55)
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise ValidationError(problems)
        return files

    def uploads(self) -> list[dict]:
        """What `request_fulfil` takes: each file with the shared details."""
        details = {
            name: self.cleaned_data[name]
            for name in ("doc_type", "regions", "effective_date", "expiration_date")
        }
        return [{"file": upload, **details} for upload in self.cleaned_data["files"]]


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
    certificate_request = services.find_by_token(token)
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
    status = services.display_status(certificate_request)
    if status not in services.OPEN_STATUSES:
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
    return _upload_page(request, certificate_request)


@capped_upload(max_files=MAX_FILES)
def _upload_page(request, certificate_request):
    services.request_mark_opened(request=certificate_request)
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
            documents = services.request_fulfil(request=certificate_request, uploads=form.uploads())
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
