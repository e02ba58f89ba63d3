"""R46: the demo command loads a living tenant and prints a login."""

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_scopes import scope, scopes_disabled

from companies.demo import DEMO_PASSWORD
from companies.models import Company, Membership, Role, Tenant

pytestmark = pytest.mark.xdist_group("demo")


def _demo(*args) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def _acme_rows() -> dict:
    from django.apps import apps

    counts = {}
    with scopes_disabled():
        acme = Tenant.objects.get(slug="acme")
        for label in ("companies", "customers", "documents", "imports"):
            for model in apps.get_app_config(label).get_models():
                if any(f.name == "tenant" for f in model._meta.fields):
                    counts[model.__name__] = model.objects.filter(tenant=acme).count()
    return counts


def test_demo_loads_prints_the_login_and_reset_reloads(db, client, settings):
    """R46: `demo` loads the tenant (company tree, users of every role) and prints a login
    that works; run again it leaves the data alone; `--reset` reloads it afresh, the old
    tenant's rows (those reached through a relation too) and stored files removed."""
    output = _demo()
    assert "Demo data loaded." in output
    assert f"owner@demo.certhub / {DEMO_PASSWORD}" in output
    user = get_user_model().objects.get(email="owner@demo.certhub")
    assert user.check_password(DEMO_PASSWORD)
    acme = Tenant.objects.get(slug="acme")
    with scope(tenant=acme.pk):
        assert Company.objects.count() >= 5
        assert Company.objects.filter(level__gte=2).exists()
        roles = set(Membership.objects.values_list("role", flat=True))
    assert {Role.OWNER, Role.EDITOR, Role.VIEWER} <= roles
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/t/acme/").status_code == 200
    _globex_is_alive(client)
    loaded = _acme_rows()

    assert "already loaded" in _demo()
    assert _acme_rows() == loaded

    with scope(tenant=acme.pk):
        Company.objects.filter(code="ACME-TX").update(name="Changed by hand")
    old_files = Path(settings.MEDIA_ROOT) / "tenants" / str(acme.public_id)
    assert "Demo data loaded." in _demo("--reset")
    assert [p for p in old_files.rglob("*") if p.is_file()] == []
    assert _acme_rows() == loaded
    with scopes_disabled():
        assert Tenant.objects.filter(slug="acme").count() == 1
        assert Company.objects.get(tenant__slug="acme", code="ACME-TX").name == "Acme Texas"


def _globex_is_alive(client):
    """R46 (issue 13): the second tenant has a small living world of its own: companies,
    customers with zones, documents, a request; its pages show them."""
    from customers.models import Customer, ShipToZone
    from documents.models import CertificateRequest, Document

    globex = Tenant.objects.get(slug="globex")
    with scope(tenant=globex.pk):
        assert Company.objects.count() >= 3
        assert Customer.objects.count() >= 20 and ShipToZone.objects.exists()
        assert Document.objects.filter(status="valid").exists()
        assert Document.objects.filter(status="pending").exists()
        assert CertificateRequest.objects.exists()
    page = client.get("/t/globex/customers/?scope=all").content.decode()
    assert "No customers found" not in page
