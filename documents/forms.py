"""Forms of documents: upload, edit, review and the list filters. They take the customer or
the request to scope their choices; services do the writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape

from companies.forms import StorableTextForm
from companies.models import EXEMPTION_REASONS
from customers.models import Address, Customer
from customers.region_picker import RegionsField
from customers.regions import region_choices
from customers.settings_resolution import effective_setting, setting_display
from documents.files import check_document_file
from documents.models import DISPLAY_STATUSES, DocumentType

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
        choices=[("", "—"), *EXEMPTION_REASONS],
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
        self.fields["address"].choices = address_choices(customer, current_address)
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

    def service_fields(self) -> dict:
        """cleaned_data as the services take it: the address choice becomes two fields."""
        data = {
            name: self.cleaned_data[name]
            for name in (
                "doc_type",
                "regions",
                "exemption_reason",
                "signed_date",
                "effective_date",
                "expiration_date",
            )
        }
        choice = self.cleaned_data.get("address") or ""
        data["uses_main_address"] = choice == MAIN_ADDRESS
        data["address"] = (
            None if choice in ("", MAIN_ADDRESS) else self.customer.addresses.get(public_id=choice)
        )
        return data

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
