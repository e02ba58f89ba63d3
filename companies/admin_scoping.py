"""Admin access per tenant (R44): superusers see every tenant; staff users see only the tenants
where they are admins or owners, and only those tenants' rows.

The admin runs with scopes disabled (companies.middleware), so every place Django itself looks
rows up is narrowed here: changelists, change forms, FK and M2M choices, raw-id labels and the
relation filters of changelists. A relation to a model with no known way to its tenant offers
nothing to staff users (fail closed).
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError

from companies.forms import StorableTextModelForm
from companies.models import Membership, Role, Tenant
from companies.tenancy import tenant_path


def admin_tenant_ids(user) -> list[int]:
    """Tenants whose rows this staff user administers in the Django admin: those where they
    are admin or owner of the whole tenant. A membership limited to some companies does not
    count: the admin spans the tenant, past the limit (R2); such admins work in the app."""
    if not (user.is_active and user.is_staff):
        return []
    return list(
        Membership.objects.with_scopes_disabled()  # the admin spans the tenants it may see
        .filter(user=user, role__in=[Role.ADMIN, Role.OWNER], companies__isnull=True)
        .values_list("tenant_id", flat=True)
    )


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """Django's raw-id widget prints the name and link of whatever id it is given, looked up
    unscoped; this one only for rows of the field's (scoped) queryset."""

    def __init__(self, rel, admin_site, *, queryset, **kwargs):
        super().__init__(rel, admin_site, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            allowed = self.queryset.filter(**{key: value}).exists()
        except (ValueError, TypeError, ValidationError):
            allowed = False
        return super().label_and_url_for_value(value) if allowed else ("", "")


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A changelist filter on a relation that lists only the staff user's tenants' rows
    (Django's lists every row of the related model: every tenant's name)."""

    def field_choices(self, field, request, model_admin):
        if request.user.is_superuser:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        rows = model_admin.scoped_choices(request, field.related_model)
        return [(row.pk, str(row)) for row in rows.order_by(*ordering)]


class TenantScopedAdmin(admin.ModelAdmin):
    """Base for the admin of every tenant-owned model."""

    tenant_field = "tenant"
    form = StorableTextModelForm  # R49; an admin's own form derives from it too

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

    def scoped_choices(self, request, related):
        """Rows of `related` this user may pick or filter by: those of the tenants they
        administer; users who are members there; nothing of a model with no tenant."""
        manager = related._default_manager
        qs = (
            manager.with_scopes_disabled().all()
            if hasattr(manager, "with_scopes_disabled")
            else manager.all()
        )
        if request.user.is_superuser:
            return qs
        ids = self._tenant_ids(request)
        if related is Tenant:
            return qs.filter(pk__in=ids)
        if related is get_user_model():
            return qs.filter(memberships__tenant__in=ids).distinct()
        path = tenant_path(related)
        return qs.filter(**{f"{path}__in": ids}) if path else qs.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices of every relation are limited to the tenants this user administers.
        qs = self.scoped_choices(request, db_field.related_model)
        kwargs.setdefault("queryset", qs)
        if db_field.name in self.raw_id_fields and "widget" not in kwargs:
            kwargs["widget"] = ScopedRawIdWidget(
                db_field.remote_field,
                self.admin_site,
                queryset=kwargs["queryset"],
                using=kwargs.get("using"),
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", self.scoped_choices(request, db_field.related_model))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_list_filter(self, request):
        return [self._scoped_filter(item) for item in super().get_list_filter(request)]

    def _scoped_filter(self, item):
        if not isinstance(item, str):
            return item
        try:
            field = get_fields_from_path(self.model, item)[-1]
        except (FieldDoesNotExist, AttributeError):
            return item
        return (item, ScopedRelatedFieldListFilter) if field.is_relation else item


class ReadOnlyAdminMixin:
    """For records nobody edits by hand: import batches, history (R44)."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
