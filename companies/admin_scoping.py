"""Admin access per tenant (R44): superusers see every tenant; staff users see only the tenants
where they are admins or owners, and only those tenants' rows."""

from django.contrib import admin

from companies.models import Membership, Role, Tenant


def admin_tenant_ids(user) -> list[int]:
    if not (user.is_active and user.is_staff):
        return []
    return list(
        Membership.objects.with_scopes_disabled()  # the admin spans the tenants it may see
        .filter(user=user, role__in=[Role.ADMIN, Role.OWNER])
        .values_list("tenant_id", flat=True)
    )


class TenantScopedAdmin(admin.ModelAdmin):
    """Base for the admin of every tenant-owned model."""

    tenant_field = "tenant"

    def _tenant_ids(self, request):
        if not hasattr(request, "_admin_tenant_ids"):
            request._admin_tenant_ids = admin_tenant_ids(request.user)
        return request._admin_tenant_ids

    def get_queryset(self, request):
        qs = self.model._default_manager.with_scopes_disabled().get_queryset()
        ordering = self.get_ordering(request)
        if ordering:
            qs = qs.order_by(*ordering)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.tenant_field}__in": self._tenant_ids(request)})

    def _allowed(self, request, obj=None):
        if request.user.is_superuser:
            return True
        ids = self._tenant_ids(request)
        if obj is None:
            return bool(ids)
        return getattr(obj, f"{self.tenant_field}_id", None) in ids

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices of every relation are limited to the tenants this user administers.
        related = db_field.related_model
        manager = related._default_manager
        qs = manager.with_scopes_disabled().all() if hasattr(manager, "with_scopes_disabled") \
            else manager.all()
        if not request.user.is_superuser:
            if related is Tenant:
                qs = qs.filter(pk__in=self._tenant_ids(request))
            elif any(f.name == "tenant" for f in related._meta.fields):
                qs = qs.filter(tenant__in=self._tenant_ids(request))
        kwargs.setdefault("queryset", qs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        qs = related._default_manager.with_scopes_disabled().all()
        if not request.user.is_superuser:
            qs = qs.filter(tenant__in=self._tenant_ids(request))
        kwargs.setdefault("queryset", qs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ReadOnlyAdminMixin:
    """For records nobody edits by hand: import batches, history (R44)."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

