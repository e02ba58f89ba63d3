"""The tenant's settings page: admins set the tenant-wide defaults (R2, R19)."""

from companies.models import Tenant


def test_admin_saves_the_tenant_defaults(alice, login):
    """R2: an admin changes the tenant's name and defaults on the settings page."""
    response = login(alice.admin).post(
        alice.url("settings/"),
        {
            "name": "Alice Holdings",
            "default_exemption_reason": "E",
            "default_expiring_soon_days": "45",
        },
        follow=True,
    )
    assert b"Settings saved." in response.content
    tenant = Tenant.objects.get(pk=alice.tenant.pk)
    assert (tenant.name, tenant.default_exemption_reason, tenant.default_expiring_soon_days) == (
        "Alice Holdings",
        "E",
        45,
    )


def test_editor_cannot_post_settings(alice, login):
    """R2, R3: an editor's POST is refused with 403 and changes nothing."""
    response = login(alice.editor).post(
        alice.url("settings/"),
        {"name": "Hijacked", "default_exemption_reason": "E", "default_expiring_soon_days": "1"},
    )
    assert response.status_code == 403
    assert Tenant.objects.get(pk=alice.tenant.pk).name == "Alice"


def test_invalid_settings_are_shown_beside_the_field(alice, login):
    """R2: a negative number of days is refused with a message; nothing is saved."""
    response = login(alice.admin).post(
        alice.url("settings/"),
        {"name": "Alice", "default_exemption_reason": "E", "default_expiring_soon_days": "-3"},
    )
    assert response.status_code == 200
    assert b"greater than or equal to 0" in response.content
    assert Tenant.objects.get(pk=alice.tenant.pk).default_expiring_soon_days == 30
