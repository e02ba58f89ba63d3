from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from accounts.models import User
from companies.forms import StorableTextMixin


class UserAdminChangeForm(StorableTextMixin, UserChangeForm):
    """R49: names and emails refuse characters that cannot be stored."""


class UserAdminCreationForm(StorableTextMixin, AdminUserCreationForm):
    """R49, as above."""


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = UserAdminChangeForm
    add_form = UserAdminCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_staff", "is_superuser", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Personal info", {"fields": ["full_name"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        from companies.admin_scoping import admin_tenant_ids

        return qs.filter(memberships__tenant__in=admin_tenant_ids(request.user)).distinct()

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        # Staff admins may look users up (for memberships) but only superusers edit accounts.
        from companies.admin_scoping import admin_tenant_ids

        return request.user.is_superuser or bool(admin_tenant_ids(request.user))
