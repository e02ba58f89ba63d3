"""Coverage and exposure, set-based in SQL (R22, R23).

A customer NEEDS coverage in each of its ship-to zones, and, when it is a linked shipping
customer, in the state of its main address. It is COVERED in region X on date D by a valid
document of its own with X in its regions and in effect on D (effective <= D, expiration null or
>= D); a shipping customer is also covered in the state of its main address by such a document
of any billing customer linked to it (one level deep). EXPOSURE is a need with no coverage.

Everything is one SQL statement over sets (no per-customer loop), so the report over a subtree of
100,000 customers stays within P5.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from customers.regions import REGION_NAMES

# `scope_customers`: the customers asked about; `in_effect`: documents giving coverage on %(on)s.
# The tenant filter repeats on every table: the companies passed in are the tenant's already,
# this only makes a wrong argument return nothing rather than another tenant's rows (R4).
_NEEDS_AND_COVERED = """
WITH scope_customers AS MATERIALIZED (
    SELECT id, state FROM customers_customer
    WHERE tenant_id = %(tenant)s AND company_id = ANY(%(companies)s)
      AND (%(customer)s::bigint IS NULL OR id = %(customer)s::bigint)
),
linked_states AS (
    SELECT DISTINCT l.billing_id, l.shipping_id, c.state
    FROM customers_shiptolink l JOIN scope_customers c ON c.id = l.shipping_id
    WHERE l.tenant_id = %(tenant)s AND c.state = ANY(%(regions)s)
),
in_effect AS (
    SELECT customer_id, regions FROM documents_document
    WHERE tenant_id = %(tenant)s AND status = 'valid' AND effective_date <= %(on)s
      AND (expiration_date IS NULL OR expiration_date >= %(on)s)
),
needs AS (
    SELECT z.customer_id, z.region, FALSE AS via_link
    FROM customers_shiptozone z JOIN scope_customers c ON c.id = z.customer_id
    WHERE z.tenant_id = %(tenant)s
    UNION
    SELECT shipping_id, state, TRUE FROM linked_states
),
covered AS (
    SELECT d.customer_id, unnest(d.regions) AS region
    FROM in_effect d JOIN scope_customers c ON c.id = d.customer_id
    UNION
    SELECT s.shipping_id, s.state
    FROM linked_states s JOIN in_effect d ON d.customer_id = s.billing_id
    WHERE s.state = ANY(d.regions)
),
exposures AS (
    SELECT customer_id, region FROM needs
    EXCEPT
    SELECT customer_id, region FROM covered
)
"""


@dataclass(frozen=True)
class Scope:
    """What a coverage question is about: a tenant's companies, optionally one customer."""

    tenant_id: int
    company_ids: list[int]
    customer_id: int | None = None
    on: datetime.date | None = None

    def params(self, **extra) -> dict:
        return {"tenant": self.tenant_id, "companies": list(self.company_ids),
                "customer": self.customer_id, "on": self.on or timezone.localdate(),
                "regions": list(REGION_NAMES), **extra}


def _fetch(scope: Scope, select: str, **extra) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(_NEEDS_AND_COVERED + select, scope.params(**extra))
        return cursor.fetchall()


def exposure_summary(scope: Scope) -> tuple[int, int, list[tuple[str, int]]]:
    """(exposures, exposed customers, [(region, exposed customers), ...] most first).

    One pass: ROLLUP adds the total row (region NULL); a (customer, region) pair is unique
    among exposures, so a region's row count is its number of customers.
    """
    rows = _fetch(scope, """
        SELECT region, count(*), count(DISTINCT customer_id) FROM exposures
        GROUP BY ROLLUP (region) ORDER BY region IS NULL DESC, count(*) DESC, region
    """)
    total, customers = rows[0][1], rows[0][2]
    return total, customers, [(region, count) for region, count, _ in rows[1:]]


def exposed_customers(scope: Scope, *, limit: int | None = None,
                      offset: int = 0) -> list[tuple[int, list[str]]]:
    """[(customer id, [exposed regions]), ...] ordered by company and customer number."""
    return _fetch(scope, """
        SELECT e.customer_id, array_agg(e.region ORDER BY e.region)
        FROM exposures e JOIN customers_customer c ON c.id = e.customer_id
        GROUP BY e.customer_id, c.company_id, c.number
        ORDER BY c.company_id, c.number, e.customer_id
        LIMIT %(limit)s OFFSET %(offset)s
    """, limit=limit, offset=offset)


def exposed_customer_ids(scope: Scope) -> list[int]:
    """Every customer with at least one exposure (e.g. to request missing certificates, R30)."""
    return [row[0] for row in _fetch(scope, "SELECT DISTINCT customer_id FROM exposures")]


def exposure_count(scope: Scope) -> int:
    return _fetch(scope, "SELECT count(*) FROM exposures")[0][0]


@dataclass(frozen=True)
class RegionCoverage:
    region: str
    covered: bool
    via_link: bool  # the need comes from a billing customer's link (the customer's own state)

    @property
    def name(self) -> str:
        return str(REGION_NAMES.get(self.region, self.region))


def customer_coverage(customer, on: datetime.date | None = None) -> list[RegionCoverage]:
    """Each region the customer needs covered and whether it is covered on `on` (R22)."""
    scope = Scope(customer.tenant_id, [customer.company_id], customer.pk, on)
    rows = _fetch(scope, """
        SELECT n.region, bool_or(c.region IS NOT NULL), bool_and(n.via_link)
        FROM needs n LEFT JOIN covered c
          ON c.customer_id = n.customer_id AND c.region = n.region
        GROUP BY n.region ORDER BY n.region
    """)
    return [RegionCoverage(region, covered, via_link) for region, covered, via_link in rows]


def is_covered(customer, region: str, on: datetime.date | None = None) -> bool:
    """Whether `customer` is covered in `region` on `on`, needed or not (R22)."""
    scope = Scope(customer.tenant_id, [customer.company_id], customer.pk, on)
    return _fetch(scope, "SELECT EXISTS (SELECT 1 FROM covered WHERE region = %(region)s)",
                  region=region)[0][0]
