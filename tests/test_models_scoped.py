"""R4: isolation cannot be forgotten. Walks every concrete model of the project (the history
event models django-pghistory generates included) and proves that each one holding tenant data,
by a `tenant` field or through a relation to one, refuses a query outside a tenant scope."""

import pytest
from django.apps import apps
from django_scopes import ScopeError, scope, scopes_disabled

from companies.models import Tenant
from companies.tenancy import tenant_path

PROJECT_APPS = ["companies", "customers", "documents", "imports"]

# Models that reach tenant data without a scoped manager of their own, and why that is safe.
UNSCOPED_ALLOWED = {
    "companies.MembershipCompany": "rows of Membership.companies, read only through a membership fetched in its scope",  # noqa: E501
    "companies.Invitation_companies": "rows of Invitation.companies, read only through an invitation fetched in its scope",  # noqa: E501
}


# The tenant's own history (its settings, R54) reaches it through `pgh_obj`, which its scoped
# manager filters on (companies.history.TenantSettingsEvent).
TENANT_HISTORY = {"companies.TenantEvent"}


def _label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


ALL_MODELS = apps.get_models(include_auto_created=True)
WITH_TENANT_DATA = [m for m in ALL_MODELS if tenant_path(m) and _label(m) not in UNSCOPED_ALLOWED]


def test_the_walk_finds_the_models_and_their_history_models():
    """R4: the walk sees the business models of every project app and the pghistory event
    models made for them."""
    labels = {_label(m) for m in WITH_TENANT_DATA}
    assert {"companies.Company", "companies.Membership", "customers.Customer"} <= labels
    assert {"customers.CustomerEvent", "documents.DocumentEvent"} <= labels
    for app in PROJECT_APPS[1:]:
        assert any(m._meta.app_label == app for m in WITH_TENANT_DATA), app


@pytest.mark.parametrize("model", WITH_TENANT_DATA, ids=_label)
def test_tenant_data_refuses_a_query_outside_a_scope(db, model):
    """R4: the manager of every model holding tenant data (its own tenant field, a path to one,
    or a history event model) raises ScopeError with no active scope, so a forgotten scope fails
    loudly instead of reading every tenant's rows."""
    for manager in {model.objects, model._default_manager}:
        with pytest.raises(ScopeError):
            manager.all().count()
        with pytest.raises(ScopeError):
            list(manager.filter(pk=1))


@pytest.mark.parametrize("model", WITH_TENANT_DATA, ids=_label)
def test_tenant_data_is_filtered_to_the_active_tenant(alice, bob, model):
    """R4: inside scope(tenant=...) the manager filters by that tenant."""
    path = tenant_path(model)
    with scopes_disabled():
        alices = model.objects.filter(**{path: alice.tenant}).count()
    with scope(tenant=alice.tenant.pk):
        assert model.objects.count() == alices


def test_every_relation_to_a_tenant_is_called_tenant():
    """R4: a foreign key to Tenant under another name would escape the scoped managers."""
    odd = [
        f"{_label(model)}.{field.name}"
        for model in ALL_MODELS
        for field in model._meta.get_fields()
        if field.is_relation
        and field.concrete
        and field.related_model is Tenant
        and field.name != "tenant"
        and _label(model) not in TENANT_HISTORY
    ]
    assert odd == []


def test_allow_list_names_real_models():
    """R4: the allow-list stays honest: each entry is a model that exists and reaches tenant
    data."""
    labels = {_label(m): m for m in ALL_MODELS}
    for label in UNSCOPED_ALLOWED:
        assert label in labels
        assert tenant_path(labels[label])


def _middleware_count(user, path):
    from django.test import RequestFactory

    from companies.middleware import TenantMiddleware
    from companies.models import Company

    request = RequestFactory().get(path)
    request.user = user
    request.session = {}
    return TenantMiddleware(lambda request: Company.objects.count())(request)


def test_request_code_outside_a_tenant_url_cannot_read_tenant_data(alice, bob):
    """R4: request code of a page that is not under /t/<slug>/ runs with no scope, so a query
    of tenant-owned data there raises instead of reading every tenant's rows."""
    with pytest.raises(ScopeError):
        _middleware_count(alice.viewer, "/accounts/password/change/")


def test_request_code_of_a_tenant_page_sees_only_that_tenant(alice, bob):
    """R4: the middleware runs the view inside the tenant's scope: bob's company is not
    counted on alice's page."""
    from tests.factories import make_company

    make_company(bob.tenant, "BOB-2", "Bob two")
    assert _middleware_count(alice.viewer, alice.url("companies/")) == 1
    assert _middleware_count(bob.viewer, bob.url("companies/")) == 2


# Registered models with tenant data whose admin is not TenantScopedAdmin, and why.
ADMIN_NOT_SCOPED = {
    "security.SecurityEvent": "every tenant's denied accesses, for superusers only (R52)",
}


def test_every_tenant_model_in_the_admin_has_the_scoped_admin():
    """R4, R44: walking the admin registry, every registered model that reaches a tenant is
    administered by a TenantScopedAdmin, so staff see only the tenants they administer."""
    from django.contrib import admin

    from companies.admin_scoping import TenantScopedAdmin

    unscoped = sorted(
        _label(model)
        for model, model_admin in admin.site._registry.items()
        if tenant_path(model) and not isinstance(model_admin, TenantScopedAdmin)
    )
    assert unscoped == sorted(ADMIN_NOT_SCOPED)


def test_every_tenant_model_is_in_the_admin():
    """R4, R44: walking the models, every model with tenant data (history event models
    included) is registered in the admin, so none is left to a plain ModelAdmin later."""
    from django.contrib import admin

    missing = sorted(_label(m) for m in WITH_TENANT_DATA if m not in admin.site._registry)
    assert missing == []
