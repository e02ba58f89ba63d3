"""Forms of the customer pages. They validate input; the services do the writes."""

from typing import cast

from django import forms

from companies.forms import (
    INHERITED_SETTING_HELP,
    INHERITED_SETTING_LABELS,
    INHERITED_SETTING_WIDGETS,
    StorableTextForm,
    StorableTextModelForm,
)
from companies.models import POSTAL_ADDRESS_FIELDS
from customers.models import TAX_FIELDS, Address, ChannelKind, Contact, Customer, CustomerKind
from customers.regions import region_choices
from customers.services import ADDRESS_FIELDS, CUSTOMER_OTHER_FIELDS, CUSTOMER_TEXT_FIELDS
from customers.validation import clean_customer_values


class CustomerForm(StorableTextModelForm):
    """The customer record (R8). Field rules come from `clean_customer_values` (R9, R10), the
    same function the import engine uses, so the web and imports agree."""

    class Meta:
        model = Customer
        fields = CUSTOMER_TEXT_FIELDS + CUSTOMER_OTHER_FIELDS
        labels = INHERITED_SETTING_LABELS
        widgets = {"email": forms.TextInput(attrs={"type": "email"}), **INHERITED_SETTING_WIDGETS}
        help_texts = INHERITED_SETTING_HELP

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company
        for name in TAX_FIELDS:
            field = self.fields[name]
            if name == "name1":  # always required (R9), whatever the company asks
                field.help_text = "Required."
                continue
            # The country may be left for the state to set (R10); the check runs after that.
            field.required = company.require_tax_fields and name != "country"
            if not field.required:
                field.help_text = "Recommended: needed for the customer to be tax-ready."
        self.fields[
            "country"
        ].help_text = "ISO code, e.g. US or CA; a US or Canadian state sets it."

    def clean(self):
        super().clean()
        data = self.cleaned_data
        text = {name: self.data.get(self.add_prefix(name), "") for name in CUSTOMER_TEXT_FIELDS}
        cleaned, errors = clean_customer_values(
            text, require_tax_fields=self.company.require_tax_fields
        )
        for name, message in errors.items():
            if name not in self.errors:
                self.add_error(name, message)
        for name, value in cleaned.items():
            if name not in errors:
                data[name] = value
        return data

    def _post_clean(self):
        # The service validates and writes; the form must not touch the instance.
        pass

    FIELDSETS = [
        (
            "Customer",
            ["number", "name1", "name2", "attention_name", "kind", "alternate_id", "fein"],
        ),
        ("Main address", POSTAL_ADDRESS_FIELDS),
        ("Contact", ["email", "phone", "fax"]),
        ("Settings", ["exemption_reason", "expiring_soon_days", "address_validation"]),
    ]

    def fieldsets(self):
        return [(title, [self[name] for name in names]) for title, names in self.FIELDSETS]


class AddressForm(StorableTextModelForm):
    class Meta:
        model = Address
        fields = ADDRESS_FIELDS
        labels = {**INHERITED_SETTING_LABELS, "is_active": "Active"}
        widgets = INHERITED_SETTING_WIDGETS
        help_texts = INHERITED_SETTING_HELP

    def _post_clean(self):
        pass

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if not any(data.get(f) for f in ("is_bill_to", "is_ship_to", "is_statements")):
            raise forms.ValidationError(
                "Pick at least one purpose: Bill-To, Ship-To or Statements."
            )
        return data


class ContactForm(StorableTextModelForm):
    class Meta:
        model = Contact
        fields = ["name", "title"]

    def _post_clean(self):
        pass


class ChannelForm(StorableTextForm):
    kind = forms.ChoiceField(choices=ChannelKind.choices)
    value = forms.CharField(max_length=254, label="Phone or email")
    label = forms.CharField(max_length=50, required=False, help_text="e.g. office, mobile, AP")


class ZoneForm(StorableTextForm):
    region = forms.ChoiceField(label="State or province", choices=[])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        region = cast(forms.ChoiceField, self.fields["region"])
        region.choices = [("", "Pick a state or province"), *region_choices()]


class LinkForm(StorableTextForm):
    shipping_number = forms.CharField(label="Shipping customer number", max_length=50)


class CustomerFilterForm(StorableTextForm):
    """The list's search box and filters (R13); every field is optional."""

    SCOPES = [
        ("company", "Working company"),
        ("subtree", "With its descendants"),
        ("all", "All companies I can see"),
    ]
    q = forms.CharField(
        required=False,
        label="Search",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Number, name, city, ZIP…"}),
    )
    scope = forms.ChoiceField(choices=SCOPES, required=False, label="Companies")
    kind = forms.ChoiceField(choices=[("", "Any kind"), *CustomerKind.choices], required=False)
    tax_ready = forms.ChoiceField(
        choices=[("", "Any"), ("yes", "Tax-ready"), ("no", "Not tax-ready")],
        required=False,
        label="Tax-ready",
    )
    state = forms.CharField(
        required=False, max_length=50, widget=forms.TextInput(attrs={"size": 4})
    )
    status = forms.ChoiceField(
        choices=[("", "Active"), ("inactive", "Inactive"), ("all", "Active and inactive")],
        required=False,
        label="Status",
    )
    address_check = forms.ChoiceField(
        choices=[("", "Any"), ("fails", "ZIP outside its state")],
        required=False,
        label="Address check",
    )
    sort = forms.ChoiceField(choices=[("name", "Name"), ("number", "Number")], required=False)
