from django.contrib import admin

from companies.admin_scoping import ReadOnlyAdminMixin
from security.models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every tenant's denied accesses, failed log-ins and unknown links: superusers only (R52)."""

    list_display = [
        "created_at",
        "kind",
        "tenant",
        "user",
        "username",
        "method",
        "path",
        "ip_address",
        "detail",
    ]
    list_filter = ["kind", "tenant"]
    search_fields = ["path", "username", "user__email", "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["tenant", "user"]
    show_full_result_count = False

    def get_queryset(self, request):
        return SecurityEvent.objects.with_scopes_disabled().all()

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser
