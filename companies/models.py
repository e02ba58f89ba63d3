"""Tenants, memberships with roles, and each tenant's company tree (R1-R7)."""

import inspect
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager
from django_scopes.manager import DisabledQuerySet
from mptt.managers import TreeManager
from mptt.models import MPTTModel, TreeForeignKey
from mptt.querysets import TreeQuerySet

# Entity use codes used as exemption reasons (R19).
EXEMPTION_REASONS = [
    ("A", "A - Federal government"),
    ("B", "B - State government"),
    ("C", "C - Tribal government"),
    ("D", "D - Foreign diplomat"),
    ("E", "E - Charitable organization"),
    ("F", "F - Religious organization"),
    ("G", "G - Resale"),
    ("H", "H - Agricultural production"),
    ("I", "I - Industrial production / manufacturing"),
    ("J", "J - Direct pay permit"),
    ("K", "K - Direct mail"),
    ("L", "L - Other"),
    ("M", "M - Educational organization"),
    ("N", "N - Local government"),
    ("P", "P - Commercial aquaculture"),
    ("Q", "Q - Commercial fishery"),
    ("R", "R - Non-resident"),
]
DEFAULT_EXPIRING_SOON_DAYS = 30


class Tenant(models.Model):
    """A client organisation. The root of every scope: not itself tenant-owned."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    default_exemption_reason = models.CharField(
        max_length=2, choices=EXEMPTION_REASONS, blank=True, default="G"
    )
    default_expiring_soon_days = models.PositiveIntegerField(default=DEFAULT_EXPIRING_SOON_DAYS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class RefusedQuerySet(DisabledQuerySet):
    """What a scoped manager gives outside a tenant scope: every way of reading or writing
    through it raises ScopeError (R4, R51).

    django-scopes' own DisabledQuerySet lists the methods it refuses, and `.exists()`,
    `.contains()`, `.in_bulk()`, `.exclude()`, `.explain()` and the async methods are not among
    them: `Customer.objects.exists()` answered across tenants. Here everything public is refused
    except creating rows (`create`, `bulk_create`: the row names its tenant and the database
    refuses one that crosses tenants), `using` and `none`.
    """


_ALLOWED_WITHOUT_SCOPE = {"create", "acreate", "bulk_create", "abulk_create", "using", "none",
                          "as_manager"}
for _name in dir(models.QuerySet):
    _value = inspect.getattr_static(models.QuerySet, _name)
    if (not _name.startswith("_") and inspect.isfunction(_value)
            and _name not in _ALLOWED_WITHOUT_SCOPE):
        setattr(RefusedQuerySet, _name, DisabledQuerySet.error)
for _name in ("_fetch_all", "__iter__", "__aiter__", "__len__", "__bool__", "__getitem__"):
    setattr(RefusedQuerySet, _name, DisabledQuerySet.error)


def scoped_manager(queryset_class=models.QuerySet, manager_class=models.Manager,
                   tenant: str = "tenant"):
    """A manager whose queries raise unless a tenant scope is active (R4); `tenant` is the
    path to the tenant (e.g. "batch__tenant")."""
    manager = ScopedManager(tenant=tenant,
                            _manager_class=manager_class.from_queryset(queryset_class))

    class StrictScopedManager(manager.__class__):
        def get_queryset(self):
            queryset = super().get_queryset()
            if isinstance(queryset, DisabledQuerySet):
                return RefusedQuerySet(self.model, using=self._db,
                                       missing_scopes=queryset.missing_scopes)
            return queryset

    return StrictScopedManager()


class TenantOwned(models.Model):
    """Base of every business record (R1, R4).

    The default manager is scoped by django-scopes: outside `scope(tenant=...)` any query
    raises ScopeError instead of silently reading every tenant's rows.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = scoped_manager()

    class Meta:
        abstract = True


class Role(models.TextChoices):
    VIEWER = "viewer", "Viewer"
    EDITOR = "editor", "Editor"
    ADMIN = "admin", "Admin"
    OWNER = "owner", "Owner"

    @property
    def rank(self) -> int:
        return ROLE_RANK[self.value]


ROLE_RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.ADMIN: 3, Role.OWNER: 4}


class CompanyTreeManager(TreeManager):
    def _get_next_tree_id(self):
        # One database sequence for all tenants: two roots never share a tree id, even when
        # created concurrently in different tenants (mptt's default takes max()+1) (R6).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('companies_company_tree_id_seq')")
            return cursor.fetchone()[0]

    def _create_tree_space(self, target_tree_id, num_trees=1):
        # mptt renumbers every later tree to order roots; across tenants that would make tree
        # ids collide, so roots are kept in creation order instead.
        raise ValueError("Root companies cannot be reordered; they are listed by creation.")


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
    country = models.CharField(max_length=2, blank=True)
    zip = models.CharField("ZIP / postal code", max_length=20, blank=True)
    contact_email = models.EmailField(blank=True)
    require_tax_fields = models.BooleanField(
        default=False,
        help_text="Require name, address line 1, city, state, country and ZIP on customers.",
    )
    exemption_reason = models.CharField(max_length=2, choices=EXEMPTION_REASONS, blank=True)
    expiring_soon_days = models.PositiveIntegerField(null=True, blank=True)

    objects = scoped_manager(TreeQuerySet, CompanyTreeManager)

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


class Membership(TenantOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    companies = models.ManyToManyField(
        Company,
        blank=True,
        related_name="limited_memberships",
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

    @property
    def is_limited(self) -> bool:
        """Limited to some companies (and their descendants) rather than reaching all (R2)."""
        return bool(self.companies.all())  # the middleware prefetches them
