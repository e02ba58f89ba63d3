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
from django.forms import formset_factory
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from companies.forms import StorableTextForm
from customers.regions import REGION_NAMES
from documents import requests as services
from documents.files import capped_upload, check_document_file, max_upload_bytes, size_label
from documents.models import DocumentType, RequestStatus
from documents.views_requests import RegionsField
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
    RequestStatus.FULFILLED: ("This request has already been answered: {company} received your "
                              "documents. If you need to send more, ask them for a new link."),
}


class PublicUploadForm(StorableTextForm):
    file = forms.FileField(required=False,
                           widget=forms.ClearableFileInput(
                               attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"}))
    doc_type = forms.ChoiceField(label="Document type", choices=DocumentType.choices,
                                 initial=DocumentType.EXEMPTION_CERTIFICATE, required=False)
    regions = RegionsField(label="Regions it covers", required=False)
    effective_date = forms.DateField(required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))
    expiration_date = forms.DateField(required=False,
                                      help_text="Leave empty if it does not expire.",
                                      widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"].initial = regions
        self.fields["file"].help_text = (
            f"PDF, PNG, JPEG or TIFF, up to {size_label(max_upload_bytes())}.")

    def clean(self):
        super().clean()
        data = self.cleaned_data
        upload = data.get("file")
        if not upload:  # an unused row; dates without a file are a forgotten file
            if data.get("effective_date") or data.get("expiration_date"):
                raise ValidationError("Choose the file these details belong to.")
            return data
        if upload.size > max_upload_bytes():
            self.add_error("file", f"{upload.name} is larger than "
                                   f"{size_label(max_upload_bytes())}.")
        else:
            try:
                check_document_file(upload)
            except ValidationError as error:
                self.add_error("file", error)
        if not data.get("doc_type"):
            self.add_error("doc_type", "Pick the type of document.")
        if not data.get("regions"):
            self.add_error("regions", "Give at least one region.")
        if not data.get("effective_date"):
            self.add_error("effective_date", "Give the date the document takes effect.")
        return data


UploadFormSet = formset_factory(PublicUploadForm, extra=3, max_num=MAX_FILES,
                                absolute_max=MAX_FILES)


def _gone(request, template_status: int, message: str, heading: str):
    return render(request, "documents/public_request_gone.html",
                  {"heading": heading, "message": message}, status=template_status)


@never_cache
@csrf_exempt  # the link is checked first; the upload view behind it checks the CSRF token
def request_upload(request, token):
    """Check the link and the rate limits without reading the body, then the upload page."""
    address = client_address(request) or "unknown"
    certificate_request = services.find_by_token(token)
    if certificate_request is None:
        record(request, EventKind.UNKNOWN_LINK)
        if ratelimit.hit(f"request-link-miss:{address}", window_seconds=MISS_WINDOW) \
                > MISS_LIMIT:
            return _gone(request, 429, "Too many unknown links were tried from your address. "
                         "Wait a few minutes and open the link from the email again.",
                         "Please wait")
        return _gone(request, 404, "This link is not valid. Check that you copied the whole "
                     "address from the email.", "Link not found")
    status = services.display_status(certificate_request)
    if status not in services.OPEN_STATUSES:
        message = GONE_REASONS[status].format(company=certificate_request.company.name)
        return _gone(request, 410, message, "This link no longer works")
    if request.method == "POST" and ratelimit.hit(
            f"request-link-post:{certificate_request.pk}:{address}",
            window_seconds=POST_WINDOW) > POST_LIMIT:
        return _gone(request, 429, "Too many uploads were sent through this link from your "
                     "address. Wait a few minutes, then try again.", "Please wait")
    return _upload_page(request, certificate_request)


@capped_upload(max_files=MAX_FILES)
def _upload_page(request, certificate_request):
    services.request_mark_opened(request=certificate_request)
    regions = certificate_request.regions
    formset = UploadFormSet(request.POST or None, request.FILES or None,
                            form_kwargs={"regions": regions})
    context = {"certificate_request": certificate_request,
               "organisation": certificate_request.tenant,
               "company": certificate_request.company, "customer": certificate_request.customer}
    if request.method == "POST" and formset.is_valid():
        uploads = [form.cleaned_data for form in formset if form.cleaned_data.get("file")]
        try:
            documents = services.request_fulfil(request=certificate_request, uploads=uploads)
        except ValidationError as error:
            context["upload_errors"] = error.messages
        else:
            return render(request, "documents/public_request_done.html",
                          {**context, "documents": documents})
    return render(request, "documents/public_request_upload.html",
                  {**context, "formset": formset, "max_files": MAX_FILES,
                   "regions": [(code, REGION_NAMES.get(code, code)) for code in regions]})
