"""Coverage and exposure, set-based in SQL (R22, R23).

An active customer (R59) NEEDS coverage in each of its ship-to zones, and, when it is a linked
shipping customer, in the state of its main address. It is COVERED in region X on date D by a valid
document of its own with X in its regions and in effect on D (effective <= D, expiration null or
>= D); a shipping customer is also covered in the state of its main address by such a document
of any billing customer linked to it (one level deep). EXPOSURE is a need with no coverage.

Everything is one SQL statement over sets (no per-customer loop), so the report over a subtree of
100,000 customers stays within P5.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from customers.regions import REGION_NAMES

# Every table is read directly (no materialised CTE), so the planner has its statistics;
# documents carry their customer's company, so they are filtered by company too. The tenant
# filter repeats on every table: the companies passed in are the tenant's already, this only
# makes a wrong argument return nothing rather than another tenant's rows (R4). Needs carry the
# customer's company and number, so lists sort without reading customers again.
_IN_EFFECT = """d.tenant_id = %(tenant)s AND d.status = 'valid' AND d.effective_date <= %(on)s
      AND (d.expiration_date IS NULL OR d.expiration_date >= %(on)s)"""
# An inactive customer (R59) needs nothing in a report over companies; asked about alone (its
# own page), it shows its coverage as before.
_IN_SCOPE = """c.tenant_id = %(tenant)s AND c.company_id = ANY(%(companies)s)
      AND (%(customer)s::bigint IS NULL AND c.is_active OR c.id = %(customer)s::bigint)"""
# Composed of the constant fragments above only; values always go as parameters.
_NEEDS_AND_COVERED = f"""
WITH needs AS (
    SELECT z.customer_id, z.region, c.company_id, c.number, FALSE AS via_link
    FROM customers_shiptozone z JOIN customers_customer c ON c.id = z.customer_id
    WHERE z.tenant_id = %(tenant)s AND {_IN_SCOPE}
    UNION ALL
    SELECT DISTINCT l.shipping_id, c.state, c.company_id, c.number, TRUE
    FROM customers_shiptolink l JOIN customers_customer c ON c.id = l.shipping_id
    WHERE l.tenant_id = %(tenant)s AND c.state = ANY(%(regions)s) AND {_IN_SCOPE}
      -- a state that is also a zone is needed once (so needs hold no duplicates)
      AND NOT EXISTS (SELECT 1 FROM customers_shiptozone z
                      WHERE z.customer_id = c.id AND z.region = c.state)
),
covered AS (
    SELECT d.customer_id, unnest(d.regions) AS region
    FROM documents_document d
    WHERE {_IN_EFFECT} AND d.company_id = ANY(%(companies)s)
      AND (%(customer)s::bigint IS NULL OR d.customer_id = %(customer)s::bigint)
    UNION ALL
    SELECT l.shipping_id, c.state
    FROM customers_shiptolink l JOIN customers_customer c ON c.id = l.shipping_id
    JOIN documents_document d ON d.customer_id = l.billing_id
    WHERE l.tenant_id = %(tenant)s AND {_IN_SCOPE} AND {_IN_EFFECT} AND c.state = ANY(d.regions)
),
exposures AS MATERIALIZED (
    SELECT n.customer_id, n.region, n.company_id, n.number FROM needs n
    WHERE NOT EXISTS (SELECT 1 FROM covered v
                      WHERE v.customer_id = n.customer_id AND v.region = n.region)
),
by_customer AS (
    -- One sort by (customer, region) serves both the grouping and the order of each array.
    SELECT customer_id, max(company_id) AS company_id, max(number) AS number,
           array_agg(region) AS regions
    FROM (SELECT * FROM exposures ORDER BY customer_id, region) sorted GROUP BY customer_id
)
"""  # noqa: S608
# The customers listed: all exposed ones, or those exposed in one region when one is asked (R62).
_LISTED = "(%(region)s::varchar IS NULL OR %(region)s::varchar = ANY(regions))"
_PAGE = f"""
    SELECT customer_id, regions FROM by_customer WHERE {_LISTED}
    ORDER BY company_id, number, customer_id
    LIMIT %(limit)s OFFSET %(offset)s
"""  # noqa: S608


@dataclass(frozen=True)
class Scope:
    """What a coverage question is about: a tenant's companies, optionally one customer."""

    tenant_id: int
    company_ids: list[int]
    customer_id: int | None = None
    on: datetime.date | None = None

    def params(self, **extra) -> dict:
        return {
            "tenant": self.tenant_id,
            "companies": list(self.company_ids),
            "customer": self.customer_id,
            "on": self.on or timezone.localdate(),
            "regions": list(REGION_NAMES),
            "region": None,
            **extra,
        }


# The planner cannot estimate unnest() over the regions arrays and guesses millions of rows; at
# that cost PostgreSQL JIT-compiles the query, which takes longer (~1.5 s) than running it. The
# sets also sort in memory rather than on disk. SET LOCAL: both end with the transaction.
_SETTINGS = "SET LOCAL jit = off; SET LOCAL work_mem = '32MB'"

# The report's three parts as tagged rows of one statement; the customers row carries the
# number of them listed (in the region asked for) in its fourth column.
_REPORT = f"""
    SELECT 0, region, count(*), NULL::bigint, NULL::varchar[] FROM exposures GROUP BY region
    UNION ALL
    SELECT 1, NULL, count(*), count(*) FILTER (WHERE {_LISTED}), NULL FROM by_customer
    UNION ALL
    (SELECT 2, NULL, NULL, customer_id, regions FROM ({_PAGE}) page)
"""  # noqa: S608


def _fetch(scope: Scope, select: str, **extra) -> list[tuple]:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_SETTINGS)
        cursor.execute(_NEEDS_AND_COVERED + select, scope.params(**extra))
        return cursor.fetchall()


@dataclass
class ExposureReport:
    total: int  # customer and region pairs
    customers: int
    by_region: list[tuple[str, int]]  # (region, exposed customers there), most exposed first
    page: list[tuple[int, list[str]]]  # (customer id, exposed regions) in number order
    listed: int  # the exposed customers listed: those exposed in `region` when one is asked


def exposure_report(
    scope: Scope, *, limit: int | None = 0, offset: int = 0, region: str | None = None
) -> ExposureReport:
    """Counts by region, the number of exposed customers and one page of them (only those
    exposed in `region` when given, R62), from ONE evaluation of the exposure set: the parts
    come back as tagged rows of one statement."""
    rows = _fetch(scope, _REPORT, limit=limit, offset=offset, region=region)
    by_region = sorted(((r[1], r[2]) for r in rows if r[0] == 0), key=lambda x: (-x[1], x[0]))
    customers, listed = next((r[2], r[3]) for r in rows if r[0] == 1)
    page = [(r[3], r[4]) for r in rows if r[0] == 2]
    return ExposureReport(sum(n for _, n in by_region), customers, by_region, page, listed)


def exposure_summary(scope: Scope) -> tuple[int, int, list[tuple[str, int]]]:
    """(exposures, exposed customers, [(region, exposed customers), ...] most first)."""
    report = exposure_report(scope, limit=0)
    return report.total, report.customers, report.by_region


def exposed_customers(
    scope: Scope, *, limit: int | None = None, offset: int = 0, region: str | None = None
) -> list[tuple[int, list[str]]]:
    """[(customer id, [exposed regions]), ...] ordered by company and customer number; all of
    them by default (e.g. to request missing certificates, R30), or those exposed in `region`."""
    return _fetch(scope, _PAGE, limit=limit, offset=offset, region=region)


def iter_exposed_customers(
    scope: Scope, *, batch: int = 2_000, region: str | None = None
) -> Iterator[list[tuple]]:
    """Every exposed customer (those exposed in `region` when given, R62) in number order, in
    batches of `batch` (customer id, [exposed regions]) rows, from one evaluation streamed
    through a server-side cursor (the .xlsx export). No transaction is held open, so the
    caller's progress updates commit as it goes; the settings are the session's meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute(_SETTINGS.replace("SET LOCAL", "SET"))
    cursor = connection.chunked_cursor()
    try:
        cursor.execute(
            _NEEDS_AND_COVERED + _PAGE, scope.params(limit=None, offset=0, region=region)
        )
        while rows := cursor.fetchmany(batch):
            yield rows
    finally:
        cursor.close()
        with connection.cursor() as reset:
            reset.execute("RESET jit; RESET work_mem")


def exposed_customer_ids(scope: Scope) -> list[int]:
    return [row[0] for row in _fetch(scope, "SELECT customer_id FROM by_customer")]


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
    rows = _fetch(
        scope,
        """
        SELECT n.region, bool_or(c.region IS NOT NULL), bool_and(n.via_link)
        FROM needs n LEFT JOIN covered c
          ON c.customer_id = n.customer_id AND c.region = n.region
        GROUP BY n.region ORDER BY n.region
    """,
    )
    return [RegionCoverage(region, covered, via_link) for region, covered, via_link in rows]


def is_covered(customer, region: str, on: datetime.date | None = None) -> bool:
    """Whether `customer` is covered in `region` on `on`, needed or not (R22)."""
    scope = Scope(customer.tenant_id, [customer.company_id], customer.pk, on)
    return _fetch(
        scope, "SELECT EXISTS (SELECT 1 FROM covered WHERE region = %(region)s)", region=region
    )[0][0]
