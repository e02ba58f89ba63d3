"""Admin of documents (R44): list columns, search and filters; files and review stamps are read
only (a new document comes through an upload, which checks the file). History is read only."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from companies.admin_scoping import ReadOnlyAdminMixin, TenantScopedAdmin
from companies.forms import StorableTextModelForm
from companies.history import event_model
from customers.admin import EventAdmin
from customers.regions import REGION_NAMES
from documents.models import CertificateRequest, Document, ExposureExport, Note
from documents.services.notes import note_remove


class DocumentAdminForm(StorableTextModelForm):
    """No Meta here: the admin builds the form per request (its choices scoped to the user's
    tenants), so nothing queries a tenant-scoped manager at import."""

    def clean(self):
        super().clean()
        data = self.cleaned_data
        customer, address = data.get("customer"), data.get("address")
        tenant = data.get("tenant")
        if customer and tenant and customer.tenant_id != tenant.pk:
            raise ValidationError({"customer": "This customer belongs to another tenant."})
        if customer and address and address.customer_id != customer.pk:
            raise ValidationError({"address": "This address belongs to another customer."})
        unknown = [r for r in data.get("regions") or [] if r not in REGION_NAMES]
        if unknown:
            raise ValidationError({"regions": f"Unknown region: {', '.join(unknown)}."})
        if data.get("status") == "invalid" and not (data.get("status_reason") or "").strip():
            raise ValidationError({"status_reason": "Say why the document is invalid."})
        return data

    def save(self, commit=True):
        # The document's company follows its customer.
        self.instance.company_id = self.instance.customer.company_id
        return super().save(commit)


READ_ONLY = [
    "public_id",
    "company",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "uploaded_by",
    "reviewed_by",
    "reviewed_at",
    "certificate_request",
    "created_at",
]


@admin.register(Document)
class DocumentAdmin(TenantScopedAdmin):
    form = DocumentAdminForm
    fields = [
        "tenant",
        "customer",
        "address",
        "uses_main_address",
        "doc_type",
        "regions",
        "exemption_reason",
        "signed_date",
        "effective_date",
        "expiration_date",
        "status",
        "status_reason",
        *READ_ONLY,
    ]
    list_display = [
        "__str__",
        "customer",
        "company",
        "doc_type",
        "region_list",
        "status",
        "effective_date",
        "expiration_date",
        "created_at",
        "tenant",
    ]
    list_filter = ["status", "doc_type", "tenant", "expiration_date"]
    search_fields = ["customer__number", "customer__name1", "original_name", "regions"]
    date_hierarchy = "created_at"
    raw_id_fields = ["customer", "address"]
    list_select_related = ["customer", "company", "tenant"]
    readonly_fields = READ_ONLY
    show_full_result_count = False

    def has_add_permission(self, request):
        return False  # documents arrive through an upload that checks the file (R20)

    @admin.display(description="regions")
    def region_list(self, obj):
        return ", ".join(obj.regions)


@admin.register(ExposureExport)
class ExposureExportAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "created_at",
        "company",
        "requested_by",
        "status",
        "rows_done",
        "rows_total",
        "tenant",
    ]
    list_filter = ["status", "tenant"]
    search_fields = ["company__code", "requested_by__email"]


admin.site.register(event_model(Document), EventAdmin)


# Comments & Files and certificate requests (R24-R30) -----------------------------------------

NOTE_READ_ONLY = [
    "tenant",
    "public_id",
    "kind",
    "customer",
    "document",
    "author",
    "original_name",
    "content_type",
    "size",
    "sha256",
    "file",
    "created_at",
    "updated_at",
]


@admin.register(Note)
class NoteAdmin(TenantScopedAdmin):
    """Entries come through the Comments & Files tabs; here a comment's text can be corrected
    and an entry removed (with its stored file, through the same service)."""

    list_display = ["created_at", "kind", "__str__", "customer", "document", "author", "tenant"]
    list_filter = ["kind", "tenant"]
    search_fields = [
        "text",
        "original_name",
        "customer__number",
        "customer__name1",
        "author__email",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["customer", "document", "author", "tenant"]
    fields = [*NOTE_READ_ONLY, "text"]
    readonly_fields = NOTE_READ_ONLY
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        note_remove(note=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for note in queryset:
            note_remove(note=note, actor=request.user)


REQUEST_READ_ONLY = [
    "tenant",
    "public_id",
    "customer",
    "company",
    "regions",
    "email",
    "token_hash",
    "sent_by",
    "sent_at",
    "opened_at",
    "fulfilled_at",
    "created_at",
]


@admin.register(CertificateRequest)
class CertificateRequestAdmin(TenantScopedAdmin):
    """Requests are sent from the app (the email carries the only copy of the link); here
    their status, expiry and message can be corrected."""

    list_display = [
        "created_at",
        "customer",
        "company",
        "email",
        "region_list",
        "status",
        "expires_at",
        "sent_at",
        "tenant",
    ]
    list_filter = ["status", "tenant", "expires_at"]
    search_fields = ["customer__number", "customer__name1", "email"]
    date_hierarchy = "created_at"
    list_select_related = ["customer", "company", "tenant"]
    fields = [*REQUEST_READ_ONLY, "status", "expires_at", "message"]
    readonly_fields = REQUEST_READ_ONLY
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    @admin.display(description="regions")
    def region_list(self, obj):
        return ", ".join(obj.regions)


admin.site.register(event_model(Note), EventAdmin)
admin.site.register(event_model(CertificateRequest), EventAdmin)
