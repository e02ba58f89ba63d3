"""Forms of documents: upload, edit, review and the list filters; comments and files;
certificate requests and the public upload page. They take the customer or the certificate
request to scope their choices; services do the writes."""

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape

from companies.forms import StorableTextForm
from companies.models import ExemptionReason
from customers.models import Address, Customer
from customers.region_picker import RegionsField
from customers.regions import region_choices
from customers.settings_resolution import effective_setting, setting_display
from documents.files import check_document_file, max_upload_bytes, size_label
from documents.models import DISPLAY_STATUSES, DocumentType, Note, NoteKind
from documents.selectors import REQUEST_DISPLAY_STATUSES, email_choices, requested_regions
from documents.services.certificate_requests import (
    DEFAULT_EXPIRY_DAYS,
    MAX_EXPIRY_DAYS,
    PublicUpload,
)
from documents.services.documents import DocumentDetails

MAIN_ADDRESS = "main"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def address_choices(customer: Customer, current: Address | None = None) -> list:
    """ "No address", the main address, then the customer's active addresses (R17); an inactive
    address the document already refers to stays listed."""
    addresses = customer.addresses.filter(is_active=True)
    if current is not None:
        addresses = customer.addresses.filter(pk=current.pk) | addresses
    return [
        ("", "No particular address"),
        (MAIN_ADDRESS, f"Main address ({main_address(customer)})"),
        *[
            (str(a.public_id), f"{a}{'' if a.is_active else ' (inactive)'}")
            for a in addresses.order_by("-is_active", "label", "id")
        ],
    ]


def main_address(customer: Customer) -> str:
    return (
        ", ".join(p for p in [customer.address_line1, customer.city, customer.state] if p)
        or "no address yet"
    )


class DocumentDetailsForm(StorableTextForm):
    """The fields of a document a person fills in or corrects (R20)."""

    doc_type = forms.ChoiceField(label="Type", choices=DocumentType.choices)
    regions = RegionsField(help_text="One or several: multistate forms cover many.")
    exemption_reason = forms.ChoiceField(
        choices=[("", "—"), *ExemptionReason.choices],
        required=False,
        help_text="Left blank, the effective exemption reason of the address picked applies "
        "(the customer's for no address or the main address).",
    )
    signed_date = forms.DateField(required=False, widget=DateInput())
    effective_date = forms.DateField(widget=DateInput())
    expiration_date = forms.DateField(
        required=False,
        widget=DateInput(),
        help_text="Leave blank when the document does not expire.",
    )
    address = forms.ChoiceField(
        required=False, help_text="Referring to an address locks its tax components."
    )

    def __init__(self, *args, customer: Customer, current_address: Address | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.customer = customer
        cast(forms.ChoiceField, self.fields["address"]).choices = address_choices(
            customer, current_address
        )
        if self.initial.get("exemption_reason") is None:
            value, source = effective_setting(
                "exemption_reason", customer=customer, tenant=customer.tenant
            )
            # Help texts are rendered as HTML: the company name in `source` is escaped.
            self.fields["exemption_reason"].help_text += escape(
                f" The customer's is {setting_display('exemption_reason', value)} ({source})."
            )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        effective, expiration = data.get("effective_date"), data.get("expiration_date")
        if effective and expiration and expiration < effective:
            self.add_error(
                "expiration_date", "The expiration date cannot be before the effective date."
            )
        return data

    def service_fields(self) -> DocumentDetails:
        """cleaned_data as the services take it: the address choice becomes two fields."""
        data = self.cleaned_data
        choice = data.get("address") or ""
        return DocumentDetails(
            doc_type=data["doc_type"],
            regions=data["regions"],
            exemption_reason=data["exemption_reason"],
            signed_date=data["signed_date"],
            effective_date=data["effective_date"],
            expiration_date=data["expiration_date"],
            address=None
            if choice in ("", MAIN_ADDRESS)
            else self.customer.addresses.get(public_id=choice),
            uses_main_address=choice == MAIN_ADDRESS,
        )

    @classmethod
    def for_document(cls, document, data=None) -> "DocumentDetailsForm":
        """The form to correct an existing document, filled with its values."""
        address = (
            MAIN_ADDRESS
            if document.uses_main_address
            else str(document.address.public_id)
            if document.address
            else ""
        )
        initial = {
            "doc_type": document.doc_type,
            "regions": document.regions,
            "exemption_reason": document.exemption_reason,
            "signed_date": document.signed_date,
            "effective_date": document.effective_date,
            "expiration_date": document.expiration_date,
            "address": address,
        }
        return cls(
            data, customer=document.customer, current_address=document.address, initial=initial
        )


class DocumentUploadForm(DocumentDetailsForm):
    file = forms.FileField(
        help_text="PDF, PNG, JPEG or TIFF, at most 50 MB.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.tif,.tiff"}),
    )

    field_order = ["file"]

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        # The bytes decide, not the name or the browser's content type (R20, R55).
        check_document_file(uploaded)
        return uploaded


class CustomerPickForm(StorableTextForm):
    """The documents list's "Add document": which customer, by number (R20)."""

    number = forms.CharField(label="Customer number", max_length=50)

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.customers = customers

    def clean_number(self):
        number = self.cleaned_data["number"].strip()
        matches = list(self.customers.filter(number=number).select_related("company")[:2])
        if not matches:
            raise ValidationError(
                f"No customer number {number} in the working company or below it."
            )
        if len(matches) > 1:
            raise ValidationError(
                f"Customer number {number} is in several companies; pick "
                "the company in the top bar first."
            )
        self.customer = matches[0]
        return number


class ReviewForm(StorableTextForm):
    """The decision on a document in the review queue (R21)."""

    VALID, INVALID, VOID = "valid", "invalid", "void"

    decision = forms.ChoiceField(
        choices=[(VALID, "Mark valid"), (INVALID, "Mark invalid"), (VOID, "Void")],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required to mark a document invalid; shown on the document.",
    )

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == self.INVALID and not data.get("reason", "").strip():
            self.add_error("reason", "Say why the document is invalid.")
        return data


class VoidForm(StorableTextForm):
    """The reason given when voiding from the document page (R21)."""

    reason = forms.CharField(required=False, max_length=500)


class DocumentFilterForm(StorableTextForm):
    status = forms.ChoiceField(choices=[("", "Any status"), *DISPLAY_STATUSES], required=False)
    region = forms.ChoiceField(choices=[("", "Any region"), *region_choices()], required=False)
    expiring_soon = forms.BooleanField(label="Expiring soon", required=False)
    descendants = forms.BooleanField(label="Include companies below", required=False)


# --- comments and files (R24-R27) -------------------------------------------------------


class NoteForm(StorableTextForm):
    text = forms.CharField(
        label="Comment", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = forms.FileField(label="File", required=False)

    def __init__(self, *args: Any, refused: str | None = None, **kwargs: Any) -> None:
        """`refused`: the upload cap's message when it refused the file (the form is then
        invalid, with the message at the file field and the comment kept)."""
        super().__init__(*args, **kwargs)
        self.refused = refused
        self.fields["file"].help_text = f"Any file up to {size_label(max_upload_bytes())}."

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if self.refused:
            self.add_error(
                "file",
                f"{self.refused} Nothing was saved; your comment is kept "
                "below: choose a smaller file or send it alone.",
            )
            return data
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise ValidationError("Write a comment or choose a file.")
        return data


class NoteEditForm(StorableTextForm):
    value = forms.CharField(max_length=10_000)

    def __init__(self, *args: Any, note: Note, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.CharField, self.fields["value"])
        if note.kind == NoteKind.COMMENT:
            field.label = "Comment"
            field.widget = forms.Textarea(attrs={"rows": 4})
        else:
            field.label = "File name"
            field.max_length = 255
            field.widget.attrs["maxlength"] = 255


# --- certificate requests (R28-R30) ------------------------------------------------------


class CertificateRequestForm(StorableTextForm):
    regions = RegionsField(
        label="Regions asked for",
        help_text="Ticked: the regions the customer is exposed in and has sent nothing for yet.",
    )
    email = forms.ChoiceField(label="Send to")
    message = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Added to the email, e.g. which purchases it is about.",
    )
    expires_in_days = forms.IntegerField(
        label="Link valid for (days)",
        initial=DEFAULT_EXPIRY_DAYS,
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        email = cast(forms.ChoiceField, self.fields["email"])
        email.choices = email_choices(customer)
        self.fields["regions"].initial = requested_regions(customer)
        if not email.choices:
            email.help_text = (
                "This customer has no email address: add one to the customer or a contact."
            )


class CertificateRequestFilterForm(StorableTextForm):
    q = forms.CharField(label="Customer", required=False)
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *REQUEST_DISPLAY_STATUSES]
    )
    descendants = forms.BooleanField(label="Include companies below", required=False)
    # Set by "Request missing certificates" to list the requests it just sent (R30).
    since = forms.DateTimeField(required=False, widget=forms.HiddenInput)


# --- the public upload page of a request (R29) --------------------------------------------

MAX_FILES = 10


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

    # The form's metaclass moves declared fields to base_fields, so BaseForm.files (the
    # uploads) stays as it is; the stubs read this as a class attribute of that name.
    files = MultipleFileField(label="Files", required=False)  # type: ignore[assignment]
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

    def __init__(self, *args: Any, regions: list[str], **kwargs: Any) -> None:
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

    def uploads(self) -> list[PublicUpload]:
        """What `certificate_request_fulfil` takes: each file with the shared details."""
        data = self.cleaned_data
        return [
            PublicUpload(
                file=upload,
                doc_type=data["doc_type"],
                regions=data["regions"],
                effective_date=data["effective_date"],
                expiration_date=data["expiration_date"],
            )
            for upload in data["files"]
        ]
