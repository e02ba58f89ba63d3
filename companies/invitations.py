"""Invitations (R50): an admin invites an email address; nothing of any account changes until the
invitee opens the emailed link and accepts (a new account sets its password there, an existing
one logs in first). The admin's page answers the same whether or not the address has an account.

The link's token exists only in the email: the sending task makes it and the row keeps its
SHA-256, as for certificate requests (R28).
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from certhub.errors import DomainError
from companies.models import Company, Invitation, InvitationStatus, Membership, Tenant
from companies.services import check_membership_change
from companies.tenancy import reachable_companies_q
from companies.tokens import hash_token, new_token

INVITATION_DAYS = 7


def managed_by(queryset: QuerySet, membership: Membership) -> QuerySet:
    """The memberships or invitations (anything with `companies`) that `membership` may see and
    manage (R2, R50): all of them for a membership reaching every company; for one limited to
    some companies, only those limited to companies it reaches."""
    if not membership.is_limited:
        return queryset
    outside = Company.objects.exclude(reachable_companies_q(membership))
    return queryset.exclude(companies__isnull=True).exclude(companies__in=outside)


def pending(queryset: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    return queryset.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
    )


@transaction.atomic
def invitation_create(
    *,
    tenant: Tenant,
    actor_membership: Membership | None,
    invited_by: User,
    email: str,
    role: str,
    companies: Iterable[Company] = (),
    base_url: str,
) -> Invitation:
    """Invite `email` with a role and (optionally) companies; the email goes from the worker.

    The actor's limits apply as for any membership change (R2). An address already a member of
    this tenant is refused (the admin sees the member list anyway); whether the address has an
    account anywhere is neither looked at nor told. A pending invitation of the same address is
    revoked: its link stops working. Raises DomainError with field messages.
    """
    email = email.strip().lower()
    validate_email(email)
    companies = list(companies)
    check_membership_change(actor_membership=actor_membership, role=role, companies=companies)
    if Membership.objects.filter(tenant=tenant, user__email__iexact=email).exists():
        raise DomainError({"email": f"{email} is already a member of this tenant."})
    now = timezone.now()
    pending(Invitation.objects.filter(tenant=tenant, email=email), now).update(revoked_at=now)
    invitation = Invitation.objects.create(
        tenant=tenant,
        email=email,
        role=role,
        invited_by=invited_by,
        is_limited=bool(companies),
        token_hash=new_token()[1],  # until the email is sent
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    invitation.companies.set(companies)
    _send_later(invitation, base_url)
    return invitation


def _send_later(invitation: Invitation, base_url: str) -> None:
    from companies.tasks import send_invitation

    tenant_id, invitation_id = invitation.tenant_id, invitation.pk
    transaction.on_commit(
        lambda: send_invitation.enqueue(
            tenant_id=tenant_id, invitation_id=invitation_id, base_url=base_url
        )
    )


@transaction.atomic
def invitation_mark_sent(*, invitation_id: int) -> tuple[Invitation, str] | None:
    """For the sending task (in the tenant's scope): a fresh token for a pending invitation;
    None if it is not."""
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("tenant", "invited_by")
        .filter(pk=invitation_id)
        .first()
    )
    if invitation is None or invitation.status() != InvitationStatus.PENDING:
        return None
    token, invitation.token_hash = new_token()
    invitation.save(update_fields=["token_hash"])
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Withdraw a pending invitation; its link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.status() != InvitationStatus.PENDING:
        raise DomainError(f"This invitation is already {invitation.status()}.")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def find_by_token(token: str) -> Invitation | None:
    """The invitation of a link's token, in any tenant (the link names none), or None."""
    return (
        Invitation.objects.with_scopes_disabled()
        .select_related("tenant")
        .filter(token_hash=hash_token(token))
        .first()
    )


def account_exists(invitation: Invitation) -> bool:
    """For the invitee's page only: log in to accept, or make an account."""
    return get_user_model().objects.filter(email__iexact=invitation.email).exists()


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """The invitee (`user`, whose email must be the invited one) joins the tenant with the
    invitation's role and companies. Raises DomainError when the invitation is no longer
    pending, is for another address, or its companies were deleted meanwhile. Runs in the
    invitation's tenant scope (the caller's)."""
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status() != InvitationStatus.PENDING:
            raise DomainError(f"This invitation is {locked.status()}.")
        if user.email.lower() != locked.email:
            raise DomainError(f"This invitation is for {locked.email}.")
        companies = list(locked.companies.all())
        if locked.is_limited and not companies:
            raise DomainError(
                "The companies of this invitation no longer exist; ask for a new invitation."
            )
        membership = Membership.objects.filter(user=user).first()
        if membership is None:  # else a member by another way meanwhile: keep that
            membership = Membership.objects.create(
                tenant_id=locked.tenant_id, user=user, role=locked.role
            )
            membership.companies.set(companies)
        locked.accepted_at = timezone.now()
        locked.save(update_fields=["accepted_at"])
    return membership


def invitation_accept_new_account(
    *, invitation: Invitation, password: str, full_name: str = ""
) -> User:
    """Make the invitee's account with the password they chose, and accept. Returns the user.
    Raises DomainError if an account with the address exists by now (log in instead)."""
    User = get_user_model()
    with transaction.atomic():
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise DomainError("An account with this address exists now: log in to accept.")
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name.strip()
        )
        invitation_accept(invitation=invitation, user=user)
    return user
