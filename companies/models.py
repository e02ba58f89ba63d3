"""Tenants, memberships with roles, and each tenant's company tree (R1-R7)."""

import datetime
import uuid
from typing import ClassVar

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey

from certhub.countries import validate_country_code
from companies import history
from companies.scoping import ScopedManager


class ExemptionReason(models.TextChoices):
    """Why a customer buys without sales tax: the entity use codes of Avalara AvaTax (R19).

    A to M are the reasons of the Streamlined Sales Tax Certificate of Exemption (SSTGB form
    F0003, "Reason for exemption"), the multistate form many states' own certificates follow;
    AvaTax passes them to tax calculation as `entityUseCode` (`customerUsageType`) and adds N
    (local government, apart from B) and the Canadian P, Q and R: its ListEntityUseCodes API
    and developer guide, "Exemptions for usage"
    (https://developer.avalara.com/avatax/dev-guide/exemptions/exemptions-for-usage/).
    Accounting and ERP systems keep the same letters, so imports and exports carry them as is.
    """

    FEDERAL_GOVERNMENT = "A", "A - Federal government"
    STATE_GOVERNMENT = "B", "B - State government"
    TRIBAL_GOVERNMENT = "C", "C - Tribal government"
    FOREIGN_DIPLOMAT = "D", "D - Foreign diplomat"
    CHARITABLE = "E", "E - Charitable organization"
    RELIGIOUS = "F", "F - Religious organization"
    RESALE = "G", "G - Resale"
    AGRICULTURE = "H", "H - Agricultural production"
    MANUFACTURING = "I", "I - Industrial production / manufacturing"
    DIRECT_PAY = "J", "J - Direct pay permit"
    DIRECT_MAIL = "K", "K - Direct mail"
    OTHER = "L", "L - Other"
    EDUCATIONAL = "M", "M - Educational organization"
    LOCAL_GOVERNMENT = "N", "N - Local government"
    AQUACULTURE = "P", "P - Commercial aquaculture"
    FISHERY = "Q", "Q - Commercial fishery"
    NON_RESIDENT = "R", "R - Non-resident"


DEFAULT_EXPIRING_SOON_DAYS = 30


# History (R54): a tenant's settings, its companies, memberships and their roles.
def _history_events():
    """Fresh trackers for one model (pghistory binds them to the model it tracks)."""
    return pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()


@pghistory.track(
    *_history_events(), model_name="TenantEvent", base_model=history.TenantSettingsEvent
)
class Tenant(models.Model):
    """A client organisation. The root of every scope: not itself tenant-owned."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    default_exemption_reason = models.CharField(
        max_length=2, choices=ExemptionReason, blank=True, default=ExemptionReason.RESALE
    )
    default_expiring_soon_days = models.PositiveIntegerField(default=DEFAULT_EXPIRING_SOON_DAYS)
    default_address_validation = models.BooleanField(
        "address validation",
        default=False,
        help_text="On: a ZIP or postal code outside its state or province is an error; off: a "
        "warning.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class TenantOwned(models.Model):
    """Base of every business record (R1, R4).

    The default manager is scoped by django-scopes: outside `scope(tenant=...)` any query
    raises ScopeError instead of silently reading every tenant's rows.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = ScopedManager()

    class Meta:
        abstract = True


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"
    OWNER = "owner", "Owner"


ROLE_RANK: dict[str, int] = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3, Role.OWNER: 4}


class CompanyTreeManager(TreeManager):
    def _get_next_tree_id(self):
        # One database sequence for all tenants: two roots never share a tree id, even when
        # created concurrently in different tenants (mptt's default takes max()+1) (R6).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('companies_company_tree_id_seq')")
            return cursor.fetchone()[0]

    def rebuild(self, *args, **kwargs):
        # mptt's rebuild numbers the trees it sees from 1: run in one tenant's scope it gives
        # that tenant's trees other tenants' tree ids, and the next write corrupts both (R53).
        raise NotImplementedError(
            "Company.objects.rebuild() would renumber tree ids across tenants; run "
            "`manage.py check_company_tree --tenant SLUG --repair` (companies.services."
            "tree_repair) instead."
        )

    def partial_rebuild(self, *args, **kwargs):
        raise NotImplementedError(
            "Repair a tenant's tree with `manage.py check_company_tree --tenant SLUG --repair`."
        )

    def _create_tree_space(self, target_tree_id, num_trees=1):
        # mptt renumbers every later tree to order roots; across tenants that would make tree
        # ids collide, so roots are kept in creation order instead.
        raise ValueError("Root companies cannot be reordered; they are listed by creation.")


class CompanyManager(ScopedManager["Company"], CompanyTreeManager):
    """Company's manager: scoped to the tenant (R4), mptt's tree manager beneath."""


# The postal address fields that companies and customers both carry, in the forms' order.
POSTAL_ADDRESS_FIELDS = ["address_line1", "address_line2", "city", "state", "country", "zip"]


# The tree fields move whenever a sibling is added: the parent link records the position.
@pghistory.track(*_history_events(), exclude=["lft", "rght", "tree_id", "level"])
class Company(MPTTModel, TenantOwned):
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=50, help_text="Short code, unique in the tenant.")
    parent = TreeForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    legal_name = models.CharField(max_length=200, blank=True)
    fein = models.CharField("FEIN", max_length=20, blank=True)
    address_line1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    country = models.CharField(max_length=2, blank=True, validators=[validate_country_code])
    zip = models.CharField("ZIP / postal code", max_length=20, blank=True)
    contact_email = models.EmailField(blank=True)
    require_tax_fields = models.BooleanField(
        default=False,
        help_text="Require name, address line 1, city, state, country and ZIP on customers.",
    )
    exemption_reason = models.CharField(max_length=2, choices=ExemptionReason, blank=True)
    expiring_soon_days = models.PositiveIntegerField(null=True, blank=True)
    address_validation = models.BooleanField(null=True, blank=True)  # R63; None: inherit

    objects: ClassVar[CompanyManager] = CompanyManager()

    class Meta:
        verbose_name_plural = "companies"
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="company_code_unique_in_tenant")
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def subtree_q(self, prefix: str = "") -> Q:
        """A filter for this company and its descendants, on a relation reaching Company."""
        return Q(
            **{
                f"{prefix}tree_id": self.tree_id,
                f"{prefix}lft__gte": self.lft,
                f"{prefix}rght__lte": self.rght,
            }
        )


@pghistory.track(*_history_events())
class Membership(TenantOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    companies = models.ManyToManyField(
        Company,
        blank=True,
        related_name="limited_memberships",
        through="MembershipCompany",
        help_text="Leave empty to reach every company; otherwise these and their descendants.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user__email"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="one_membership_per_user")
        ]

    def __str__(self):
        return f"{self.user} in {self.tenant} ({self.role})"

    def has_role(self, role: str) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    # What templates ask (through companies.context_processors.tenancy), instead of comparing
    # role names: the gates themselves are `role_required` and the services (R2, R3).
    @property
    def can_edit(self) -> bool:
        """Editors and above change business records."""
        return self.has_role(Role.EDITOR)

    @property
    def can_admin(self) -> bool:
        """Admins and owners manage companies, members and settings."""
        return self.has_role(Role.ADMIN)

    @property
    def is_owner(self) -> bool:
        """Owners alone read the security log and grant the admin and owner roles."""
        return self.has_role(Role.OWNER)

    @property
    def is_limited(self) -> bool:
        """Limited to some companies (and their descendants) rather than reaching all (R2)."""
        return bool(self.companies.all())  # the middleware prefetches them


# A limit's event names its tenant, which the row itself reaches only through the membership.
_TENANT_OF_MEMBERSHIP = pgtrigger.Trigger(
    name="tenant_of_membership",
    when=pgtrigger.Before,
    operation=pgtrigger.Insert,
    func="NEW.tenant_id := (SELECT tenant_id FROM companies_membership "
    "WHERE id = NEW.membership_id); RETURN NEW;",
)


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.DeleteEvent(),
    attrs={
        "tenant": models.ForeignKey(
            Tenant, null=True, db_constraint=False, on_delete=models.DO_NOTHING, related_name="+"
        )
    },
    meta={"triggers": [_TENANT_OF_MEMBERSHIP]},
)
class MembershipCompany(models.Model):
    """A company a membership is limited to (Membership.companies, R2). The table Django made
    for the many-to-many, as it was (a constraint trigger keeps both ends in one tenant, R51),
    declared here so that adding and removing a limit is in the history, with who did it (R54).
    """

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)
    company = models.ForeignKey(Company, on_delete=models.CASCADE)

    class Meta:
        db_table = "companies_membership_companies"
        unique_together = [("membership", "company")]

    def __str__(self):
        return f"{self.membership} limited to {self.company}"


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class Invitation(TenantOwned):
    """An admin's invitation of an email address to the tenant (R50). Nothing of an account is
    touched until the invitee opens the emailed link and accepts: then the membership is made.
    The link's token lives only in the email; the row keeps its SHA-256."""

    email = models.EmailField()
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    companies = models.ManyToManyField(
        Company,
        blank=True,
        related_name="limited_invitations",
        help_text="Empty: every company; otherwise these and their descendants.",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Limited to companies when made: if those companies are deleted before acceptance the
    # invitation must not turn into one reaching every company.
    is_limited = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["tenant", "email"], name="invitation_tenant_email")]

    def __str__(self):
        return f"{self.email} to {self.tenant} ({self.role})"

    def status(self, now: datetime.datetime | None = None) -> InvitationStatus:
        from django.utils import timezone

        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING
