"""R4: isolation cannot be forgotten. Walks every concrete model of the project apps, the
history event models django-pghistory generates for them included, and proves each tenant-owned
one refuses a query outside a tenant scope."""

import pytest
from django.apps import apps
from django.db import models
from django_scopes import ScopeError, scope, scopes_disabled

from companies.models import Tenant

PROJECT_APPS = ["companies", "customers", "documents", "imports"]

# Models that point at tenant-owned rows without a tenant of their own, and why that is safe.
NOT_TENANT_OWNED = {
    # Rows of Membership.companies: read only through a membership fetched in its tenant's
    # scope, and both ends belong to that tenant.
    "companies.Membership_companies":
        "m2m rows reached only through a scoped Membership",
}


def project_models() -> list[type[models.Model]]:
    found = []
    for label in PROJECT_APPS:
        found.extend(apps.get_app_config(label).get_models(include_auto_created=True))
    return found


def tenant_owned(model) -> bool:
    try:
        field = model._meta.get_field("tenant")
    except Exception:
        return False
    return field.is_relation and field.related_model is Tenant


def _label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


TENANT_OWNED = [m for m in project_models() if tenant_owned(m)]


def test_the_walk_finds_the_models_and_their_history_models():
    """R4: the walk sees the business models and the pghistory event models made for them."""
    labels = {_label(m) for m in TENANT_OWNED}
    assert {"companies.Company", "companies.Membership", "customers.Customer"} <= labels
    assert "customers.CustomerEvent" in labels
    assert len(TENANT_OWNED) >= 10


@pytest.mark.parametrize("model", TENANT_OWNED, ids=_label)
def test_tenant_owned_model_refuses_a_query_outside_a_scope(db, model):
    """R4: `Model.objects` of every tenant-owned model raises ScopeError with no active scope,
    so a forgotten scope fails loudly instead of reading every tenant's rows."""
    for manager in {model.objects, model._default_manager}:
        with pytest.raises(ScopeError):
            manager.all().count()
        with pytest.raises(ScopeError):
            list(manager.filter(pk=1))


@pytest.mark.parametrize("model", TENANT_OWNED, ids=_label)
def test_tenant_owned_model_is_filtered_to_the_active_tenant(alice, bob, model):
    """R4: inside scope(tenant=...) the manager filters by that tenant."""
    with scopes_disabled():
        total = model.objects.count()
        alices = model.objects.filter(tenant=alice.tenant).count()
    with scope(tenant=alice.tenant.pk):
        assert model.objects.count() == alices
    assert alices <= total


def test_every_relation_to_tenant_owned_data_is_tenant_owned_or_explained():
    """R4: any model (of any installed app) with a foreign key to a tenant-owned model is
    itself tenant-owned, or listed with the reason it is safe."""
    owned = {m for m in apps.get_models(include_auto_created=True) if tenant_owned(m)}
    unexplained = []
    for model in apps.get_models(include_auto_created=True):
        if model in owned or model is Tenant or _label(model) in NOT_TENANT_OWNED:
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model in owned:
                unexplained.append(f"{_label(model)}.{field.name}")
    assert unexplained == []


def test_every_relation_to_a_tenant_is_called_tenant():
    """R4: a foreign key to Tenant under another name would escape the scoped managers."""
    odd = [
        f"{_label(model)}.{field.name}"
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is Tenant
        and field.name != "tenant"
    ]
    assert odd == []


def test_allow_list_names_real_models():
    """R4: the allow-list stays honest: each entry is a model that exists."""
    labels = {_label(m) for m in apps.get_models(include_auto_created=True)}
    assert set(NOT_TENANT_OWNED) <= labels
