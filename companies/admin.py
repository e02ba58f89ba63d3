from django import http
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from mptt.admin import DraggableMPTTAdmin

from certhub.errors import error_text, show_error
from companies import services
from companies.admin_scoping import ReadOnlyAdminMixin, TenantScopedAdmin, admin_tenant_ids
from companies.forms import StorableTextModelForm
from companies.history import event_model
from companies.models import Company, Invitation, Membership, MembershipCompany, Tenant


@admin.register(Tenant)
class TenantAdmin(admin.ModelAdmin):
    form = StorableTextModelForm  # R49
    list_display = [
        "name",
        "slug",
        "default_exemption_reason",
        "default_expiring_soon_days",
        "created_at",
    ]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(pk__in=admin_tenant_ids(request.user))

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(admin_tenant_ids(request.user))

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        ids = admin_tenant_ids(request.user)
        return bool(ids) if obj is None else obj.pk in ids

    has_change_permission = has_view_permission

    def get_readonly_fields(self, request, obj=None):
        # The slug is the tenant's address (/t/<slug>/, request emails): operators set it (R48).
        return [] if request.user.is_superuser else ["slug"]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if request.user.is_superuser else {}

    def has_add_permission(self, request):
        return request.user.is_superuser  # new tenants come from operators (R48)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


def _acting_membership(user, tenant_id) -> Membership | None:
    """The staff user's own membership in the row's tenant; None for a platform operator."""
    if user.is_superuser:
        return None
    return Membership.objects.with_scopes_disabled().filter(user=user, tenant_id=tenant_id).first()


class MembershipAdminForm(StorableTextModelForm):
    """Applies the app's rules on roles (R2): the admin is no back door around them."""

    acting_user = None  # set per request by MembershipAdmin.get_form

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        tenant = cleaned.get("tenant") or getattr(self.instance, "tenant", None)
        companies = list(cleaned.get("companies") or [])
        if tenant is None or "role" not in cleaned:
            return cleaned
        if any(company.tenant_id != tenant.pk for company in companies):
            raise ValidationError({"companies": "Pick companies of the membership's tenant."})
        existing = Membership.objects.with_scopes_disabled().filter(pk=self.instance.pk).first()
        with transaction.atomic():  # the last-owner check locks the owner rows
            services.check_membership_change(
                actor_membership=_acting_membership(self.acting_user, tenant.pk),
                role=cleaned["role"],
                companies=companies,
                membership=existing,
            )
        return cleaned


@admin.register(Membership)
class MembershipAdmin(TenantScopedAdmin):
    form = MembershipAdminForm
    list_display = ["user", "tenant", "role", "created_at"]
    list_filter = ["role", "tenant"]
    search_fields = ["user__email", "tenant__name"]
    autocomplete_fields = ["user"]
    actions = None  # no bulk delete past the last-owner rule

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Django's admin leaves out a many-to-many with a declared through model; Membership's
        # (MembershipCompany, declared for its history) has no other columns, so it is edited
        # as before, with the two-box widget (filter_horizontal refuses such a field).
        if db_field.name == "companies":
            kwargs.setdefault("queryset", self.scoped_choices(request, db_field.related_model))
            kwargs["widget"] = widgets.FilteredSelectMultiple(db_field.verbose_name, False)
            return db_field.formfield(**kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"acting_user": request.user})

    def get_readonly_fields(self, request, obj=None):
        return ["tenant"] if obj else []

    def has_add_permission(self, request):
        # A tenant's admins add members by invitation in the app, so that nothing of an account
        # changes until it accepts (R50); platform operators may still add one here.
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._may_manage(
            request, obj, removing=False
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._may_manage(
            request, obj, removing=True
        )

    def _may_manage(self, request, obj, *, removing: bool) -> bool:
        # Owners' and admins' rows are read-only to a staff user who is only an admin, and the
        # last owner cannot be deleted.
        if obj is None:
            return True
        try:
            with transaction.atomic():
                services.check_membership_removal(
                    actor_membership=_acting_membership(request.user, obj.tenant_id),
                    membership=obj,
                    keeps_owner=not removing,
                )
        except ValidationError:
            return False
        return True

    def delete_model(self, request, obj):
        services.membership_remove(
            membership=obj, actor_membership=_acting_membership(request.user, obj.tenant_id)
        )


@admin.register(Company)
class CompanyAdmin(TenantScopedAdmin, DraggableMPTTAdmin):
    """The company tree with drag and drop (R44); every write goes through the services (R6)."""

    list_display = ["tree_actions", "indented_title", "code", "tenant", "city", "state"]
    list_display_links = ["indented_title"]
    list_filter = ["tenant"]
    search_fields = ["name", "code", "legal_name"]
    actions = None  # no bulk delete on the tree

    def get_readonly_fields(self, request, obj=None):
        return ["tenant"] if obj else []  # a company never changes tenant (R6)

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if change:
                parent_changed = "parent" in fields
                new_parent = fields.pop("parent", None)
                fields.pop("tenant", None)
                services.company_update(
                    company=Company.objects.with_scopes_disabled().get(pk=obj.pk), **fields
                )
                if parent_changed:
                    services.company_move(company=obj, new_parent=new_parent)
            else:
                data = {k: v for k, v in form.cleaned_data.items() if k not in ("tenant",)}
                created = services.company_create(tenant=form.cleaned_data["tenant"], **data)
                obj.pk = created.pk
        except ValidationError as error:
            show_error(request, error)

    def delete_model(self, request, obj):
        try:
            services.company_delete(company=obj)
        except ValidationError as error:
            show_error(request, error)

    def _move_node(self, request):
        qs = self.get_queryset(request)
        try:
            company = qs.get(pk=request.POST.get("cut_item"))
            target = qs.get(pk=request.POST.get("pasted_on"))
        except (Company.DoesNotExist, TypeError, ValueError):
            self.message_user(request, "Companies have disappeared, try again.", messages.ERROR)
            return http.HttpResponse("FAIL, invalid objects.")
        # Siblings are ordered by name, so dropping beside a company means under its parent.
        position = request.POST.get("position")
        new_parent = target if position == "last-child" else target.parent
        try:
            services.company_move(company=company, new_parent=new_parent)
        except ValidationError as error:
            self.message_user(request, error_text(error), messages.ERROR)
            return http.HttpResponse("FAIL, invalid move.")
        self.message_user(request, f"{company.name} moved.")
        return http.HttpResponse("OK")


class EventAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    """History rows (R14, R54): read only for everyone."""

    list_display = ["pgh_created_at", "pgh_label", "pgh_obj_id", "who", "tenant"]
    list_filter = ["tenant", "pgh_label"]
    date_hierarchy = "pgh_created_at"
    ordering = ["-pgh_created_at"]
    show_full_result_count = False
    list_select_related = ["pgh_context", "tenant"]

    @admin.display(description="context")
    def who(self, obj):
        return obj.pgh_context.metadata if obj.pgh_context_id else "-"


class TenantEventAdmin(EventAdmin):
    """A tenant's settings history reaches its tenant through `pgh_obj`."""

    tenant_field = "pgh_obj"
    list_display = ["pgh_created_at", "pgh_label", "pgh_obj", "who"]
    list_filter = ["pgh_label"]
    list_select_related = ["pgh_context", "pgh_obj"]


admin.site.register(event_model(Company), EventAdmin)
admin.site.register(event_model(Membership), EventAdmin)


def _name_or_last_known(model, key: str, field: str):
    """`field` of the `model` row whose id is the event's `key`: its current value, else the
    last one its history kept (the row may be gone since: a company deleted, a member removed).
    Both are read by id, so an event whose row is gone stays listed."""
    current = model._base_manager.filter(pk=OuterRef(key)).values(field)[:1]
    last = (
        event_model(model)
        ._base_manager.filter(pgh_obj_id=OuterRef(key))
        .order_by("-pgh_id")
        .values(field)[:1]
    )
    return Coalesce(Subquery(current), Subquery(last))


@admin.register(event_model(MembershipCompany))
class MembershipCompanyEventAdmin(EventAdmin):
    """Companies a membership was limited to ("insert") or no longer ("delete") (R54), named
    by the member and the company's name and code, not their ids."""

    # Not `membership_id` and `company_id` (ids), nor the relations (nothing once the row is
    # gone, and select_related would drop the event from the list).
    list_display = ["pgh_created_at", "pgh_label", "member", "limited_to", "who", "tenant"]
    fields = ("pgh_created_at", "pgh_label", "member", "limited_to", "who", "tenant")
    readonly_fields = fields  # an event's page too

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                member_email=_name_or_last_known(Membership, "membership_id", "user__email"),
                company_name=_name_or_last_known(Company, "company_id", "name"),
                company_code=_name_or_last_known(Company, "company_id", "code"),
            )
        )

    @admin.display(description="member")
    def member(self, obj):
        return obj.member_email or f"membership {obj.membership_id} (no longer known)"

    @admin.display(description="company")
    def limited_to(self, obj):
        if obj.company_name is None:
            return f"company {obj.company_id} (no longer known)"
        return f"{obj.company_name} ({obj.company_code})"


admin.site.register(event_model(Tenant), TenantEventAdmin)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdminMixin, TenantScopedAdmin):
    """Invitations are made and withdrawn on the members page, where the actor's limits apply
    (R50); here they are read only. The token's hash is not shown."""

    list_display = ["email", "tenant", "role", "status", "invited_by", "created_at", "expires_at"]
    list_filter = ["role", "tenant"]
    search_fields = ["email", "tenant__name"]
    exclude = ["token_hash"]

    @admin.display(description="status")
    def status(self, obj):
        return obj.status()
