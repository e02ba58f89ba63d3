"""Admin of customers and their records (R44). Edits hit the same rules as the app: field
validation (R8-R10), the locked tax components (R18), one tenant per record. History is read
only."""

from django.apps import apps
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import HttpResponseRedirect

from companies.admin import EventAdmin
from companies.admin_scoping import TenantScopedAdmin
from companies.forms import StorableTextModelForm
from customers.locking import check_address_lock, check_main_address_lock
from customers.models import (
    NUMBER_CONSTRAINT,
    Address,
    Contact,
    ContactChannel,
    Customer,
    ShipToLink,
    ShipToZone,
)
from customers.postal import address_mismatch, mismatches
from customers.services import (
    CUSTOMER_TEXT_FIELDS,
    check_link,
    check_number_free,
    validates_address,
)
from customers.validation import clean_customer_values


def _same_tenant(data: dict, *relations: str) -> None:
    tenant = data.get("tenant")
    for name in relations:
        related = data.get(name)
        if tenant and related is not None and related.tenant_id != tenant.pk:
            raise ValidationError({name: "This belongs to another tenant."})


# The forms declare no Meta: the admin builds their fields per request (within its tenant
# filter), where a class-level queryset would query outside any scope.


class CustomerAdminForm(StorableTextModelForm):
    def clean(self):
        super().clean()
        data = self.cleaned_data
        _same_tenant(data, "company")
        # The company is read only once the customer exists (see CustomerAdmin).
        company = data.get("company") or (
            self.instance.company if self.instance.company_id else None
        )
        text = {name: data.get(name) or "" for name in CUSTOMER_TEXT_FIELDS if name in data}
        validate = company is not None and validates_address(
            data, company=company, customer=self.instance if self.instance.pk else None
        )
        cleaned, errors = clean_customer_values(
            text,
            require_tax_fields=bool(company and company.require_tax_fields),
            validate_address=validate,
        )
        if errors:
            raise ValidationError(errors)
        data.update(cleaned)
        if company and "number" in cleaned:  # R8, R61: a field error, not the constraint's 500
            check_number_free(company, cleaned["number"], exclude_pk=self.instance.pk)
        check_main_address_lock(self.instance, data)
        return data


class AddressAdminForm(StorableTextModelForm):
    def clean(self):
        super().clean()
        data = self.cleaned_data
        _same_tenant(data, "customer")
        customer = data.get("customer")
        validate = customer is not None and validates_address(
            data, company=customer.company, address=Address(customer=customer)
        )
        cleaned, errors = clean_customer_values(
            {name: data.get(name) or "" for name in ("state", "country", "zip")},
            validate_address=validate,
        )
        if errors:
            raise ValidationError(errors)
        data.update(cleaned)
        check_address_lock(self.instance, data)
        return data


class ShipToLinkAdminForm(StorableTextModelForm):
    def clean(self):
        super().clean()
        data = self.cleaned_data
        _same_tenant(data, "billing", "shipping")
        billing, shipping = data.get("billing"), data.get("shipping")
        if billing and shipping:
            check_link(billing=billing, shipping=shipping, exclude_pk=self.instance.pk)
        return data


def _tenant_form(*relations: str):
    """A plain admin form whose relations must be of the record's tenant."""

    class Form(StorableTextModelForm):
        def clean(self):
            super().clean()
            data = self.cleaned_data
            _same_tenant(data, *relations)
            return data

    return Form


class AddressCheckFilter(admin.SimpleListFilter):
    """Customers whose main address has a ZIP outside its state, whatever the setting (R63)."""

    title = "address check"
    parameter_name = "address_check"

    def lookups(self, request, model_admin):
        return [("fails", "ZIP outside its state")]

    def queryset(self, request, queryset):
        return mismatches(queryset) if self.value() == "fails" else queryset


class AddressMismatchWarning(admin.ModelAdmin):
    """After an admin save with address validation off: the R63 warning, as the app gives."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        message = address_mismatch(state=obj.state, country=obj.country, zip=obj.zip)
        if message:
            self.message_user(
                request, f"{message} Saved anyway: address validation is off.", messages.WARNING
            )


@admin.register(Customer)
class CustomerAdmin(AddressMismatchWarning, TenantScopedAdmin):
    form = CustomerAdminForm
    # Seven short columns fit a 1,400 px window beside the admin's menu and filters; the
    # tenant column only for superusers, who see several tenants.
    list_display = ["number", "name1", "company_code", "city", "state", "zip", "tax_ready"]
    list_filter = ["tenant", "kind", "tax_ready", AddressCheckFilter, "country"]
    search_fields = ["number", "name1", "email", "city", "zip"]
    list_select_related = ["company", "tenant"]
    readonly_fields = ["public_id", "tax_ready", "created_at", "updated_at"]
    show_full_result_count = False  # no COUNT(*) over a million rows

    def get_list_display(self, request):
        fields = super().get_list_display(request)
        return [*fields, "tenant"] if request.user.is_superuser else fields

    @admin.display(description="company", ordering="company__code")
    def company_code(self, obj):
        return obj.company.code

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except IntegrityError as error:
            # R8, R61: another save took the number between the form's check and this save. The
            # admin's transaction is rolled back; the page is offered again with a message.
            cause = getattr(error.__cause__, "diag", None)
            if getattr(cause, "constraint_name", None) != NUMBER_CONSTRAINT:
                raise
            number = request.POST.get("number", "")
            self.message_user(
                request,
                f"Customer number {number!r} was taken by another save a moment ago: nothing "
                "was saved. Pick another number.",
                messages.ERROR,
            )
            return HttpResponseRedirect(request.get_full_path())

    def get_readonly_fields(self, request, obj=None):
        # A customer never moves: its documents keep its company, and company-limited access
        # (R2, R3) is checked against it. Moving is a new customer in the other company.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "tenant", "company"] if obj else fields


@admin.register(Address)
class AddressAdmin(AddressMismatchWarning, TenantScopedAdmin):
    form = AddressAdminForm
    list_display = [
        "__str__",
        "customer",
        "is_bill_to",
        "is_ship_to",
        "is_statements",
        "is_active",
        "tenant",
    ]
    list_filter = [
        "tenant",
        "is_active",
        "is_bill_to",
        "is_ship_to",
        "is_statements",
        AddressCheckFilter,
        "country",
    ]
    search_fields = ["label", "line1", "city", "zip", "customer__number", "customer__name1"]
    raw_id_fields = ["customer"]
    list_select_related = ["customer", "tenant"]


@admin.register(Contact)
class ContactAdmin(TenantScopedAdmin):
    form = _tenant_form("customer")
    list_display = ["name", "title", "customer", "tenant"]
    list_filter = ["tenant"]
    search_fields = ["name", "title", "customer__number", "customer__name1"]
    raw_id_fields = ["customer"]


@admin.register(ContactChannel)
class ContactChannelAdmin(TenantScopedAdmin):
    form = _tenant_form("address", "contact")
    list_display = ["value", "kind", "label", "address", "contact", "tenant"]
    list_filter = ["tenant", "kind"]
    search_fields = ["value", "label"]
    raw_id_fields = ["address", "contact"]


@admin.register(ShipToZone)
class ShipToZoneAdmin(TenantScopedAdmin):
    form = _tenant_form("customer")
    list_display = ["region", "customer", "tenant"]
    list_filter = ["tenant", "region"]
    search_fields = ["region", "customer__number", "customer__name1"]
    raw_id_fields = ["customer"]


@admin.register(ShipToLink)
class ShipToLinkAdmin(TenantScopedAdmin):
    form = ShipToLinkAdminForm
    list_display = ["billing", "shipping", "created_at", "tenant"]
    list_filter = ["tenant"]
    search_fields = ["billing__number", "billing__name1", "shipping__number", "shipping__name1"]
    raw_id_fields = ["billing", "shipping"]


for _name in (
    "CustomerEvent",
    "AddressEvent",
    "ContactEvent",
    "ContactChannelEvent",
    "ShipToZoneEvent",
    "ShipToLinkEvent",
):
    admin.site.register(apps.get_model("customers", _name), EventAdmin)
