"""R50: a tenant admin adds a member by email as an invitation the invitee accepts through an
emailed link; the admin's page answers the same whether or not the address has an account, and
no membership exists before acceptance. Invitations expire and can be withdrawn. An admin
limited to some companies changes no tenant-wide setting and no member outside its reach."""

import datetime
import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from companies import invitations, services
from companies.models import Invitation, InvitationStatus, Membership, Role
from tests.factories import PASSWORD, UserFactory, make_company, make_membership

LINK = re.compile(r"http://testserver(/invitations/[A-Za-z0-9_-]+/)")
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')
NEW_PASSWORD = "a-long-and-new-passphrase-42"


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Post the invitation form; the email task runs at the commit, as in production."""

    def _invite(client, world, email: str, role: str = "editor", companies=()):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(
                world.url("members/add/"),
                {"email": email, "role": role, "companies": [str(c.public_id) for c in companies]},
            )

    return _invite


def _link(email: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [email]]
    return LINK.search(message.body).group(1)


def _memberships(user) -> list[str]:
    with scopes_disabled():
        return sorted(Membership.objects.filter(user=user).values_list("tenant__slug", flat=True))


def _invitation(world, email: str) -> Invitation:
    with world.scope():
        return Invitation.objects.get(email=email)


# --- the flow ------------------------------------------------------------------------------------


def test_a_new_address_accepts_by_choosing_a_password(invite, alice, login):
    """R50: inviting a new address creates no account and no membership; the emailed link lets
    the invitee choose a password, which makes the account, the membership with the invited
    role and companies, and logs them in; the link then no longer works."""
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    response = invite(login(alice.admin), alice, "New.Person@Example.com", companies=[east])
    assert response.status_code == 302
    User = get_user_model()
    assert not User.objects.filter(email="new.person@example.com").exists()
    link = _link("new.person@example.com")
    assert "Alice" in mail.outbox[0].subject

    visitor = Client()
    page = visitor.get(link).content.decode()
    assert "Choose a password" in page and "new.person@example.com" in page
    refused = visitor.post(link, {"password1": NEW_PASSWORD, "password2": "different"})
    assert "The two passwords differ." in refused.content.decode()
    response = visitor.post(
        link, {"full_name": "New Person", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == alice.url("")
    user = User.objects.get(email="new.person@example.com")
    assert user.check_password(NEW_PASSWORD) and user.full_name == "New Person"
    with alice.scope():
        membership = Membership.objects.get(user=user)
        assert membership.role == Role.EDITOR and list(membership.companies.all()) == [east]
    assert visitor.get(alice.url("")).status_code == 200  # logged in
    assert _invitation(alice, "new.person@example.com").status() == InvitationStatus.ACCEPTED
    assert Client().get(link).status_code == 410


def test_an_existing_account_logs_in_and_accepts(invite, alice, bob, login):
    """R50: inviting bob's viewer adds nothing to their account: their tenant switcher still
    shows bob only. The link asks them to log in; logged in as the invited address they
    accept and become alice's member."""
    invite(login(alice.admin), alice, bob.viewer.email, role="viewer")
    assert _memberships(bob.viewer) == ["bob"]
    victim = Client()
    victim.force_login(bob.viewer, backend="django.contrib.auth.backends.ModelBackend")
    switcher = victim.get(bob.url("")).content.decode()
    assert "Alice" not in switcher and alice.url("") not in switcher

    link = _link(bob.viewer.email)
    anonymous = Client().get(link).content.decode()
    assert "Log in to accept" in anonymous and "password1" not in anonymous
    wrong = Client()
    wrong.force_login(bob.editor, backend="django.contrib.auth.backends.ModelBackend")
    assert "You are logged in as bob-editor@example.com" in wrong.get(link).content.decode()
    assert wrong.post(link).status_code == 200 and _memberships(bob.editor) == ["bob"]

    page = victim.get(link).content.decode()
    assert "Accept and join Alice" in page
    response = victim.post(link)
    assert response.status_code == 302 and response["Location"] == alice.url("")
    assert _memberships(bob.viewer) == ["alice", "bob"]


def test_log_in_from_the_invitation_comes_back_to_it(invite, alice, bob, login):
    """R50: the link's "Log in to accept" returns to the invitation after log-in."""
    invite(login(alice.admin), alice, bob.viewer.email)
    link = _link(bob.viewer.email)
    visitor = Client()
    response = visitor.post(
        f"/accounts/login/?next={link}", {"username": bob.viewer.email, "password": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == link


def _masked(content: bytes, invitation: Invitation) -> bytes:
    content = CSRF.sub(b'name="csrfmiddlewaretoken" value="<csrf>"', content)
    return content.replace(str(invitation.public_id).encode(), b"<invitation>")


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    invite, alice, bob, login
):
    """R50: inviting an address with an account and one without gives byte-identical answers
    (the redirect, then the members page apart from the CSRF token and the new invitation's
    id), the same email, and no membership either way."""
    client = login(alice.admin)
    email = "pat@example.com"

    def invite_and_follow():
        mail.outbox.clear()
        posted = invite(client, alice, email)
        page = client.get(posted["Location"])
        invitation = _invitation(alice, email)
        body = LINK.sub("<link>", mail.outbox[0].body)
        with alice.scope():
            invitation.delete()  # the second run starts from the same state
        return posted, _masked(page.content, invitation), body, invitation

    without = invite_and_follow()
    pat = UserFactory(email=email)
    make_membership(bob.tenant, pat, Role.OWNER)
    with_account = invite_and_follow()

    assert without[0].serialize() == with_account[0].serialize()
    # The message cookie's payload is the same; its signature carries the second it was made.
    assert {k: v.value.rsplit(":", 2)[0] for k, v in without[0].cookies.items()} == {
        k: v.value.rsplit(":", 2)[0] for k, v in with_account[0].cookies.items()
    }
    assert without[1] == with_account[1]
    assert b"Invitation sent to pat@example.com" in without[1]
    assert without[2] == with_account[2]
    assert _memberships(pat) == ["bob"]


# --- expiry and revocation ---------------------------------------------------------------


def test_an_expired_invitation_cannot_be_accepted(invite, alice, login):
    """R50: after its expiry the link answers 410 and makes nothing; the members page no
    longer lists it."""
    client = login(alice.admin)
    invite(client, alice, "late@example.com")
    link = _link("late@example.com")
    assert "late@example.com" in client.get(alice.url("members/")).content.decode()
    with alice.scope():
        Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    response = Client().post(link, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not get_user_model().objects.filter(email="late@example.com").exists()
    assert "late@example.com" not in client.get(alice.url("members/")).content.decode()


def test_a_withdrawn_invitation_cannot_be_accepted(invite, alice, bob, login):
    """R50: the admin withdraws a pending invitation from the members page; its link answers
    410 and the invitee stays outside the tenant."""
    client = login(alice.admin)
    invite(client, alice, bob.viewer.email)
    link = _link(bob.viewer.email)
    invitation = _invitation(alice, bob.viewer.email)
    page = client.get(alice.url("members/")).content.decode()
    assert "Pending invitations" in page and bob.viewer.email in page
    response = client.post(
        alice.url(f"members/invitations/{invitation.public_id}/revoke/"), follow=True
    )
    assert "was withdrawn" in response.content.decode()
    victim = Client()
    victim.force_login(bob.viewer, backend="django.contrib.auth.backends.ModelBackend")
    answer = victim.post(link)
    assert answer.status_code == 410 and "withdrawn" in answer.content.decode()
    assert _memberships(bob.viewer) == ["bob"]


def test_inviting_again_replaces_the_pending_invitation(invite, alice, login):
    """R50: a second invitation of the same address withdraws the first: only the newest
    link works."""
    client = login(alice.admin)
    invite(client, alice, "twice@example.com")
    first = _link("twice@example.com")
    mail.outbox.clear()
    invite(client, alice, "twice@example.com", role="viewer")
    second = _link("twice@example.com")
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200


def test_an_unknown_link_is_404_and_recorded(db):
    """R50, R52: a made-up invitation link answers 404 and is in the security log."""
    from security.models import EventKind, SecurityEvent

    assert Client().get("/invitations/made-up-token/").status_code == 404
    with scopes_disabled():
        event = SecurityEvent.objects.get()
    assert (event.kind, event.path) == (EventKind.UNKNOWN_LINK, "/invitations/<token>/")


def test_an_invitation_whose_companies_were_deleted_is_refused(alice, bob):
    """R50: an invitation limited to a company deleted since never turns into access to every
    company."""
    south = make_company(alice.tenant, "SOUTH", "South", parent=alice.company)
    with alice.scope():
        invitation = invitations.invitation_create(
            tenant=alice.tenant,
            actor_membership=None,
            invited_by=alice.owner,
            email=bob.viewer.email,
            role=Role.VIEWER,
            companies=[south],
            base_url="http://testserver/",
        )
        services.company_delete(company=south)
    with alice.scope(), pytest.raises(Exception, match="no longer exist"):
        invitations.invitation_accept(invitation=invitation, user=bob.viewer)
    assert _memberships(bob.viewer) == ["bob"]


# --- limited admins ------------------------------------------------------------------------------


@pytest.fixture
def east_admin(alice):
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    ny = make_company(alice.tenant, "NY", "New York", parent=east)
    admin = make_membership(alice.tenant, role=Role.ADMIN, companies=[east]).user
    return {"user": admin, "east": east, "ny": ny}


def test_a_limited_admin_changes_no_tenant_setting(alice, east_admin, login):
    """R50: the tenant's settings are tenant-wide: an admin limited to East gets 403 (GET and
    POST), nothing changes, and the menu does not offer them."""
    client = login(east_admin["user"])
    assert client.get(alice.url("settings/")).status_code == 403
    response = client.post(
        alice.url("settings/"),
        {"name": "Hijacked", "default_exemption_reason": "E", "default_expiring_soon_days": "1"},
    )
    assert response.status_code == 403
    with scopes_disabled():
        alice.tenant.refresh_from_db()
    assert alice.tenant.name == "Alice"
    assert alice.url("settings/") not in client.get(alice.url("members/")).content.decode()


def test_a_limited_admin_sees_and_manages_only_members_within_reach(alice, east_admin, login):
    """R50: members reaching beyond East (every unlimited member) are not listed and answer
    404; a member limited to New York is listed and managed; invitations likewise."""
    ny_member = make_membership(alice.tenant, role=Role.VIEWER, companies=[east_admin["ny"]])
    with alice.scope():
        outside = Invitation.objects.create(
            tenant=alice.tenant,
            email="outside@example.com",
            token_hash="x" * 64,
            expires_at=timezone.now() + datetime.timedelta(days=7),
        )
    client = login(east_admin["user"])
    page = client.get(alice.url("members/")).content.decode()
    assert ny_member.user.email in page
    for user in (alice.owner, alice.admin, alice.editor, alice.viewer):
        assert user.email not in page
    assert "outside@example.com" not in page
    owner = Membership.objects.with_scopes_disabled().get(user=alice.owner)
    assert client.get(alice.url(f"members/{owner.public_id}/")).status_code == 404
    assert client.post(alice.url(f"members/{owner.public_id}/remove/")).status_code == 404
    revoke = alice.url(f"members/invitations/{outside.public_id}/revoke/")
    assert client.post(revoke).status_code == 404
    assert outside.status() == InvitationStatus.PENDING
    response = client.post(
        alice.url(f"members/{ny_member.public_id}/"),
        {"role": "editor", "companies": [str(east_admin["ny"].public_id)]},
    )
    assert response.status_code == 302


def test_staff_admins_cannot_add_members_in_the_django_admin(alice, bob, login):
    """R50: the Django admin is no way around invitations: a tenant's staff admin cannot add
    a membership there (403), even of a user of another tenant it administers; a platform
    operator (superuser) still can."""
    make_membership(bob.tenant, alice.admin, Role.ADMIN)
    alice.admin.is_staff = True
    alice.admin.save(update_fields=["is_staff"])
    client = login(alice.admin)
    assert client.get("/admin/companies/membership/add/").status_code == 403
    response = client.post(
        "/admin/companies/membership/add/",
        {"tenant": alice.tenant.pk, "user": bob.viewer.pk, "role": "viewer"},
    )
    assert response.status_code == 403
    assert _memberships(bob.viewer) == ["bob"]
    root = UserFactory(email="root@example.com", is_staff=True, is_superuser=True)
    assert login(root).get("/admin/companies/membership/add/").status_code == 200
