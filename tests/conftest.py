"""Shared fixtures: two tenants, each with a root company and an owner, admin, editor and viewer
(alice..., bob...), so that a cross-tenant test is one line (STYLE.md)."""

from dataclasses import dataclass

import pytest
from django_scopes import scope, scopes_disabled

from companies.models import Role
from tests.factories import (
    PASSWORD,
    TenantFactory,
    UserFactory,
    make_company,
    make_membership,
)


@dataclass
class TenantWorld:
    tenant: object
    company: object
    owner: object
    admin: object
    editor: object
    viewer: object

    def scope(self):
        return scope(tenant=self.tenant.pk)

    def url(self, path: str = "") -> str:
        return f"/t/{self.tenant.slug}/{path}"


def _world(slug: str, prefix: str) -> TenantWorld:
    tenant = TenantFactory(slug=slug, name=slug.title())
    company = make_company(tenant, f"{prefix.upper()}-HQ", f"{slug.title()} HQ")
    users = {}
    for role in (Role.OWNER, Role.ADMIN, Role.EDITOR, Role.VIEWER):
        user = UserFactory(email=f"{prefix}-{role}@example.com")
        make_membership(tenant, user, role)
        users[str(role)] = user
    return TenantWorld(
        tenant, company, users["owner"], users["admin"], users["editor"], users["viewer"]
    )


@pytest.fixture
def alice(db) -> TenantWorld:
    """Tenant "alice" with its root company and a user of every role."""
    return _world("alice", "alice")


@pytest.fixture
def bob(db) -> TenantWorld:
    """A second tenant, for proving that alice's users cannot reach it."""
    return _world("bob", "bob")


@pytest.fixture
def staff_admin(alice):
    """alice's admin, with access to the Django admin (is_staff)."""
    alice.admin.is_staff = True
    alice.admin.save(update_fields=["is_staff"])
    return alice.admin


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def login(client):
    """Log a user in with the test client; returns the client."""

    def _login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def unscoped():
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _storages(settings, tmp_path):
    """Uploads go to a temporary folder; static files need no collectstatic manifest."""
    settings.STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Background tasks run at once in tests, unless a test asks for the database backend."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Argon2 costs ~0.2 s a hash and every world makes four users; tests that prove the
    production hasher (tests/accounts) put Argon2 back themselves."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
