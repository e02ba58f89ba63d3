"""Customers, their addresses, contacts, ship-to zones and ship-to links (R8-R19).

History (R14) is kept by django-pghistory's database triggers, so bulk writes (imports, admin
actions) are recorded as well as single saves; the context (user, import batch, request link)
is attached with `pghistory.context(...)`.
"""

from typing import ClassVar, Self

import pghistory
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Upper

from companies.models import Company, ExemptionReason, Tenant, TenantOwned
from companies.scoping import ScopedManager
from customers import history_conditions


class CustomerKind(models.TextChoices):
    BILL_TO = "bill-to", "Bill-to"
    SHIP_TO = "ship-to", "Ship-to"


# The unique constraint of a customer number in its company (R8), named where a race on it is
# told apart from other integrity errors.
NUMBER_CONSTRAINT = "customer_number_unique_in_company"
# The six fields that make a customer "tax-ready" (R9).
TAX_FIELDS = ["name1", "address_line1", "city", "state", "country", "zip"]


def _tax_ready_expression():
    q = Q()
    for field in TAX_FIELDS:
        q &= ~Q(**{field: ""})
    return q


# Search (R13) reads one generated column: the searched fields upper-cased and joined by
# separators no search term can hold (the search box splits terms on whitespace, which
# includes these control characters). The ZIP comes last, after its own marker, so "ZIP starts
# with" is "contains ZIP_MARK + term". One trigram index on it instead of one per field: every
# GIN index costs much on each insert (an import of 100,000 customers, P2).
SEARCH_SEPARATOR = "\x1f"
ZIP_MARK = "\x1e"
SEARCH_FIELDS = ["number", "name1", "email", "city"]


def _search_text_expression():
    parts = []
    for name in SEARCH_FIELDS:
        parts += [F(name), Value(SEARCH_SEPARATOR)]
    parts[-1] = Value(ZIP_MARK)
    return Upper(Concat(*parts, F("zip"), output_field=models.TextField()))


class CustomerQuerySet(models.QuerySet["Customer"]):
    def tax_ready(self, ready: bool = True) -> "CustomerQuerySet":
        return self.filter(tax_ready=ready)

    def active(self) -> "CustomerQuerySet":
        """Customers the accounting system still lists (R59)."""
        return self.filter(is_active=True)


CustomerManager = ScopedManager.from_queryset(CustomerQuerySet)


# search_text is derived from other fields: history need not keep it.
@pghistory.track(
    history_conditions.insert_event(),
    history_conditions.update_event(),
    history_conditions.delete_event(),
    exclude=["search_text"],
    attrs={
        "tenant": history_conditions.unindexed_copy(Tenant),
        "company": history_conditions.unindexed_copy(Company),
    },
)
class Customer(TenantOwned):
    # No single-column indexes on the foreign keys: the composite indexes below lead with
    # them (tenant: customer_tenant_*; company: the unique number), and each index is paid
    # for on every insert.
    # db_constraint=False on tenant and company here and on zones and links: the tenant
    # foreign key (R51, companies.tenant_constraints) on (company_id, tenant_id) is both
    # columns' constraint; it proves the company exists, in this tenant (whose own key proves
    # the tenant exists), so an imported row pays one lookup at commit, not three.
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="+", db_index=False, db_constraint=False
    )
    company = models.ForeignKey(
        Company,
        on_delete=models.PROTECT,
        related_name="customers",
        db_index=False,
        db_constraint=False,
    )
    number = models.CharField("customer number", max_length=50)
    alternate_id = models.CharField("alternate ID", max_length=50, blank=True)
    fein = models.CharField("FEIN", max_length=20, blank=True)
    name1 = models.CharField("name 1", max_length=200)
    name2 = models.CharField("name 2", max_length=200, blank=True)
    attention_name = models.CharField("attention name", max_length=200, blank=True)
    address_line1 = models.CharField("address line 1", max_length=200, blank=True)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2")
    zip = models.CharField("ZIP / postal code", max_length=20, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    fax = models.CharField(max_length=50, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    kind = models.CharField(
        max_length=7, choices=CustomerKind.choices, default=CustomerKind.BILL_TO
    )
    exemption_reason = models.CharField(max_length=2, choices=ExemptionReason, blank=True)
    expiring_soon_days = models.PositiveIntegerField(null=True, blank=True)
    # R59: a customer the accounting system no longer lists (a mirror import left it out) is
    # inactive: kept with its documents and history, out of the default list, exposure and
    # request sending. A database default too, as the import engine inserts by SQL.
    is_active = models.BooleanField("active", default=True, db_default=True)
    address_validation = models.BooleanField(null=True, blank=True)  # R63; None: inherit
    tax_ready = models.GeneratedField(
        expression=models.Case(
            models.When(_tax_ready_expression(), then=Value(True)), default=Value(False)
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    search_text = models.GeneratedField(
        expression=_search_text_expression(), output_field=models.TextField(), db_persist=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects: ClassVar[CustomerManager[Self]] = CustomerManager()
    shipping_customers = models.ManyToManyField(
        "self",
        through="ShipToLink",
        symmetrical=False,
        related_name="billing_customers",
        through_fields=("billing", "shipping"),
    )

    class Meta:
        ordering = ["company", "number"]
        constraints = [
            models.UniqueConstraint(fields=["company", "number"], name=NUMBER_CONSTRAINT),
        ]
        indexes = [
            # Keyset pages of a company, several companies or a whole tenant (R13): ordered
            # index scans. (Within a company, the unique (company, number) serves the number
            # order.) search_text and the list's filters are included so that a common search
            # term's walk of the sort order reads only the index (customers/search.py: 18,821
            # rows walked for a page of 'supply' in 7 ms instead of 97 ms from the table).
            models.Index(
                fields=["company", "name1", "id"],
                include=["is_active", "search_text"],
                name="customer_company_name",
            ),
            models.Index(
                fields=["tenant", "name1", "id"],
                include=["company", "is_active", "search_text"],
                name="customer_tenant_name",
            ),
            models.Index(
                fields=["tenant", "number", "id"],
                include=["company", "is_active", "search_text"],
                name="customer_tenant_number",
            ),
            # The state filter and the not-tax-ready filter and count (R9), ordered by name;
            # the included columns let the capped counts run as index-only scans (is_active:
            # lists show active customers by default, R59; without it a count of a common
            # state read the table, 250 ms instead of 17 ms at a million customers).
            models.Index(
                fields=["tenant", "state", "name1", "id"],
                include=["company", "tax_ready", "is_active"],
                name="customer_tenant_state_name",
            ),
            models.Index(
                fields=["tenant", "name1", "id"],
                include=["company", "state", "is_active"],
                condition=Q(tax_ready=False),
                name="customer_not_tax_ready",
            ),
            GinIndex(
                fields=["search_text"], opclasses=["gin_trgm_ops"], name="customer_search_trgm"
            ),
            # Inactive customers (R59) by company: the dashboard's counts and the list's
            # "inactive" filter; few rows, so nearly free to keep.
            models.Index(
                fields=["company", "name1", "id"],
                condition=Q(is_active=False),
                name="customer_inactive",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.name1}"

    @property
    def missing_tax_fields(self) -> list[str]:
        return [self.field_name(f) for f in TAX_FIELDS if not getattr(self, f)]

    @classmethod
    def field_name(cls, name: str) -> str:
        """The verbose name of one of the customer's own fields, e.g. "address line 1"."""
        field = cls._meta.get_field(name)
        assert isinstance(field, models.Field)  # not a relation pointing here
        return str(field.verbose_name)


class AddressQuerySet(models.QuerySet["Address"]):
    def active(self) -> "AddressQuerySet":
        return self.filter(is_active=True)


AddressManager = ScopedManager.from_queryset(AddressQuerySet)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Address(TenantOwned):
    """An address besides the customer's main one, with its business purposes (R15-R18)."""

    TAX_COMPONENTS = ["country", "state", "county", "city", "zip"]

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(max_length=100, blank=True)
    line1 = models.CharField("address line 1", max_length=200)
    line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    county = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=50, blank=True)
    country = models.CharField(max_length=2, blank=True)
    zip = models.CharField("ZIP / postal code", max_length=20, blank=True)
    is_bill_to = models.BooleanField("Bill-To", default=False)
    is_ship_to = models.BooleanField("Ship-To", default=False)
    is_statements = models.BooleanField("Statements", default=False)
    is_active = models.BooleanField("active", default=True)
    exemption_reason = models.CharField(max_length=2, choices=ExemptionReason, blank=True)
    expiring_soon_days = models.PositiveIntegerField(null=True, blank=True)
    address_validation = models.BooleanField(null=True, blank=True)  # R63; None: inherit
    created_at = models.DateTimeField(auto_now_add=True)

    objects: ClassVar[AddressManager[Self]] = AddressManager()

    class Meta:
        verbose_name_plural = "addresses"
        ordering = ["-is_active", "label", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_statements=True, is_active=True),
                name="one_active_statements_address",
                violation_error_message="This customer already has an active Statements address.",
            ),
            models.CheckConstraint(
                condition=Q(is_bill_to=True) | Q(is_ship_to=True) | Q(is_statements=True),
                name="address_has_a_purpose",
                violation_error_message=(
                    "Pick at least one purpose: Bill-To, Ship-To or Statements."
                ),
            ),
        ]

    def __str__(self):
        return ", ".join(p for p in [self.label or self.line1, self.city, self.state] if p)

    @property
    def purposes(self) -> list[str]:
        flags = [
            (self.is_bill_to, "Bill-To"),
            (self.is_ship_to, "Ship-To"),
            (self.is_statements, "Statements"),
        ]
        return [label for flag, label in flags if flag]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Contact(TenantOwned):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ChannelKind(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ContactChannel(TenantOwned):
    """A phone number or email kept for an address or for a contact (R16)."""

    address = models.ForeignKey(
        Address, on_delete=models.CASCADE, null=True, blank=True, related_name="channels"
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="channels"
    )
    kind = models.CharField(max_length=5, choices=ChannelKind.choices)
    value = models.CharField(max_length=254)
    label = models.CharField(max_length=50, blank=True, help_text="e.g. office, mobile, AP")

    class Meta:
        ordering = ["kind", "label", "value"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(address__isnull=False, contact__isnull=True)
                    | Q(address__isnull=True, contact__isnull=False)
                ),
                name="channel_on_address_or_contact",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.value}"


@pghistory.track(
    history_conditions.insert_event(),
    history_conditions.delete_event(),
    attrs={"tenant": history_conditions.unindexed_copy(Tenant)},
)
class ShipToZone(TenantOwned):
    """A region a customer ships to (R11)."""

    # (db_constraint=False: the tenant key on (customer_id, tenant_id) proves it; see
    # Customer.tenant)
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # The unique (customer, region) serves lookups by customer; no second index to maintain.
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="zones",
        db_index=False,
        db_constraint=False,
    )  # (see Customer.company)
    region = models.CharField(max_length=2)

    class Meta:
        ordering = ["region"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "region"], name="zone_unique_per_customer"),
        ]

    def __str__(self):
        return self.region


@pghistory.track(
    history_conditions.insert_event(),
    history_conditions.delete_event(),
    attrs={"tenant": history_conditions.unindexed_copy(Tenant)},
)
class ShipToLink(TenantOwned):
    """A billing customer's link to a shipping customer of the same company (R12)."""

    # (db_constraint=False: see ShipToZone.tenant)
    tenant = models.ForeignKey(
        Tenant, on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    # (db_constraint=False: see Customer.company)
    billing = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="shipping_links", db_constraint=False
    )
    shipping = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="billing_links", db_constraint=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["billing", "shipping"], name="link_unique"),
            models.CheckConstraint(condition=~Q(billing=F("shipping")), name="link_not_self"),
        ]

    def __str__(self):
        return f"{self.billing_id} → {self.shipping_id}"
