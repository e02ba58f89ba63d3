import uuid
from typing import cast

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.forms.utils import pretty_name

from companies.models import POSTAL_ADDRESS_FIELDS, Company, Role, Tenant
from companies.tenancy import reachable_companies
from companies.text import forbidden_message


class StorableText:
    """R49 for one form field: its to_python, refusing first a value as sent that holds a
    character PostgreSQL or an .xlsx cannot hold (before any trimming or parsing), with an
    error naming the field and the character's code point. A file: its name is checked."""

    code = "forbidden_character"

    def __init__(self, to_python, label: str):
        self.to_python = to_python
        self.label = label

    def __call__(self, value):
        for item in value if isinstance(value, list | tuple) else [value]:
            text = getattr(item, "name", item)
            message = forbidden_message(self.label, text) if isinstance(text, str) else None
            if message:
                raise ValidationError(message, code=self.code)
        return self.to_python(value)


class StorableTextMixin(forms.BaseForm):
    """Every text and file field of the form refuses forbidden characters (R49). The base of
    every form in CertHub, the admin's included, through the two classes below (a test walks
    them); set up when the form is cleaned, after the subclass may have changed its fields."""

    def full_clean(self):
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField | forms.FileField) and not isinstance(
                field.to_python, StorableText
            ):
                # Wraps this form's copy of the field (its own class's to_python beneath).
                field.to_python = StorableText(  # type: ignore[method-assign]
                    field.to_python, str(field.label or pretty_name(name))
                )
        super().full_clean()


class StorableTextForm(StorableTextMixin, forms.Form):
    """The base of CertHub's forms (R49)."""


class StorableTextModelForm(StorableTextMixin, forms.ModelForm):
    """The base of CertHub's model forms, the admin's included (R49).

    Its constraint check also covers constraints on fields the form leaves out or shows read
    only (the admin's tenant, a customer's company): Django skips those, so a duplicate reached
    the database as an IntegrityError (a 500). A violation is an error on the constraint's one
    field in the form (else the form's), R8 and R61."""

    def _post_clean(self):
        # Django's hook after the fields are cleaned; its stubs leave private methods out.
        super()._post_clean()  # type: ignore[misc]
        failed = set(self.errors)  # the errors found so far (cleaning is already done)
        for model, constraints in self.instance.get_constraints():
            for constraint in constraints:
                fields = getattr(constraint, "fields", ())
                if not fields or set(fields) <= set(self.fields) or failed & set(fields):
                    continue  # Django checked it, or a field of it is already in error
                try:
                    constraint.validate(model, self.instance)
                except ValidationError as error:
                    shown = [name for name in fields if name in self.fields]
                    self.add_error(shown[0] if len(shown) == 1 else None, error)


class CompanyChoiceField(forms.ModelChoiceField):
    """A company by its public id: pages and posts never carry sequential ids (R3)."""

    def __init__(self, **kwargs):
        super().__init__(to_field_name="public_id", **kwargs)

    def label_from_instance(self, obj):
        return f"{'— ' * obj.level}{obj.name} ({obj.code})"


class InheritedSwitch(forms.NullBooleanSelect):
    """An on/off setting that may be left to inherit (R19), e.g. address validation (R63)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("unknown", "Inherit"), ("true", "On"), ("false", "Off")]


# The settings of R19 on a company, a customer and an address: labels and widgets.
INHERITED_SETTING_LABELS = {
    "exemption_reason": "Exemption reason (blank: inherit)",
    "expiring_soon_days": "Expiring soon, days (blank: inherit)",
    "address_validation": "Address validation",
}
INHERITED_SETTING_WIDGETS = {"address_validation": InheritedSwitch}
INHERITED_SETTING_HELP = {
    "address_validation": "On: a ZIP or postal code outside its state or province is an error; "
    "off: a warning.",
}


class CompanyForm(StorableTextModelForm):
    class Meta:
        model = Company
        fields = [
            "name",
            "code",
            "legal_name",
            "fein",
            *POSTAL_ADDRESS_FIELDS,
            "contact_email",
            "require_tax_fields",
            "exemption_reason",
            "expiring_soon_days",
            "address_validation",
        ]
        labels = INHERITED_SETTING_LABELS
        widgets = INHERITED_SETTING_WIDGETS
        help_texts = INHERITED_SETTING_HELP

    def clean_country(self) -> str:
        # "de" means DE, as on a customer's address (R10); the model checks the code.
        return self.cleaned_data["country"].strip().upper()


class CompanyCreateForm(CompanyForm):
    parent = CompanyChoiceField(
        queryset=Company.objects.none(), required=False, empty_label="(none: a new root company)"
    )

    class Meta(CompanyForm.Meta):
        fields = ["parent", *CompanyForm.Meta.fields]

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        parent = cast(CompanyChoiceField, self.fields["parent"])
        parent.queryset = reachable_companies(membership).order_by("tree_id", "lft")
        _require_parent_if_limited(parent, membership)


def _require_parent_if_limited(field, membership) -> None:
    # A membership limited to some companies cannot put a company outside them (a new root),
    # where it could no longer reach it (R2).
    if membership.is_limited:
        field.required = True
        field.empty_label = None


class CompanyMoveForm(StorableTextForm):
    parent = CompanyChoiceField(
        queryset=Company.objects.none(),
        required=False,
        empty_label="(none: make it a root)",
        label="New parent",
        error_messages={"invalid_choice": "Pick a company this one can move under."},
    )

    def __init__(self, *args, membership, company, **kwargs):
        super().__init__(*args, **kwargs)
        parent = cast(CompanyChoiceField, self.fields["parent"])
        parent.queryset = (
            reachable_companies(membership).exclude(company.subtree_q()).order_by("tree_id", "lft")
        )
        _require_parent_if_limited(parent, membership)
        self.company = company

    def clean(self):
        """R6: a company of this one's own subtree is refused saying why, not as any choice."""
        data = super().clean()
        picked = str(self.data.get(self.add_prefix("parent")) or "")
        if "parent" in self.errors and picked:
            try:
                uuid.UUID(picked)
            except ValueError:
                return data
            below = Company.objects.filter(self.company.subtree_q(), public_id=picked).first()
            if below is not None:
                where = (
                    "itself"
                    if below.pk == self.company.pk
                    else f"{below.name}, which is below {self.company.name}"
                )
                self.errors["parent"] = self.error_class(
                    [
                        f"{self.company.name} cannot move under {where}: pick a company outside "
                        "its branch, or move that company out first."
                    ]
                )
        return data


class MemberForm(StorableTextForm):
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices)
    companies = forms.ModelMultipleChoiceField(
        queryset=Company.objects.none(),
        required=False,
        to_field_name="public_id",
        help_text="Leave empty to reach every company; otherwise only these and their descendants.",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelMultipleChoiceField, self.fields["companies"])
        field.queryset = reachable_companies(membership).order_by("tree_id", "lft")
        if membership.is_limited:
            # Granting every company would reach beyond the acting admin's own companies (R2).
            field.required = True
            field.help_text = "Only these companies and their descendants."


class MemberEditForm(MemberForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["email"]


class TenantSettingsForm(StorableTextModelForm):
    class Meta:
        model = Tenant
        fields = [
            "name",
            "default_exemption_reason",
            "default_expiring_soon_days",
            "default_address_validation",
        ]
        labels = {
            "default_exemption_reason": "Default exemption reason",
            "default_expiring_soon_days": "Expiring soon, days before expiry",
        }


class NewAccountForm(StorableTextForm):
    """The invitee without an account chooses a password (R50)."""

    full_name = forms.CharField(label="Your name", max_length=150, required=False)
    password1 = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label="Password again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        super().clean()
        data = self.cleaned_data
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ.")
        elif first:
            user = get_user_model()(email=self.email, full_name=data.get("full_name", ""))
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
