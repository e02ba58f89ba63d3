"""Import batches and their changes in the admin (R44): read only."""

from django.contrib import admin

from companies.admin_scoping import ReadOnlyAdminMixin, TenantScopedAdmin
from imports.models import CheckedRows, ColumnMapping, ImportBatch, ImportChange


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    list_display = [
        "original_name",
        "company",
        "tenant",
        "template",
        "status",
        "rows_total",
        "created_by",
        "created_at",
        "applied_at",
    ]
    list_filter = ["status", "template", "replace", "mirror", "tenant"]
    search_fields = ["original_name", "company__name", "company__code", "created_by__email"]
    list_select_related = ["company", "tenant", "created_by"]
    date_hierarchy = "created_at"


@admin.register(ColumnMapping)
class ColumnMappingAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    """Column mappings (R58) are made and changed on the mapping page only."""

    list_display = ["name", "company", "tenant", "created_by", "updated_at"]
    list_filter = ["tenant"]
    search_fields = ["name", "company__name", "company__code"]
    list_select_related = ["company", "tenant", "created_by"]


@admin.register(ImportChange)
class ImportChangeAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    tenant_field = "batch__tenant"
    list_display = ["number", "kind", "field", "old", "new", "batch"]
    list_filter = ["kind"]
    search_fields = ["number", "batch__original_name"]
    list_select_related = ["batch"]

    def _allowed(self, request, obj=None):
        if obj is None or request.user.is_superuser:
            return super()._allowed(request)
        return obj.batch.tenant_id in self._tenant_ids(request)


@admin.register(CheckedRows)
class CheckedRowsAdmin(ImportChangeAdmin):
    """The rows a check kept for its batch's apply (imports.checked): there while a checked
    batch waits to be applied."""

    list_display = ["batch", "rows", "loaded", "one_record_each"]
    list_filter = []
    search_fields = ["batch__original_name"]
