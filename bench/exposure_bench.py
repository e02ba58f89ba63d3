"""P5: the exposure report for a company subtree of 100,000 customers renders in under 2 s.

    DATABASE_URL=postgres://... python bench/exposure_bench.py [CUSTOMERS] [--keep]

Loads a tenant "bench-exposure" (replaced on each run): a company tree of six companies holding
CUSTOMERS customers (default 100,000) with ship-to zones, billing/shipping links and documents in
every status, plus a sibling tree of a fifth as many customers that the report must leave out.
Rows go in by COPY with triggers off (history is not what is measured). Then the report page is
rendered through Django's test Client, logged in as the tenant's owner with the subtree's root as
working company; the figure is the median server time of several renders after a warm-up.
"""

import datetime
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "certhub.settings")
# Local settings (no collected static files needed); DEBUG goes off below for the measure.
os.environ.setdefault("DJANGO_DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

settings.DEBUG = False  # no query log kept between measures

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench import tenants  # noqa: E402

SLUG = "bench-exposure"
TARGET_SECONDS = 2.0
TABLES = [
    "documents_exposureexport",
    "documents_document",
    "customers_shiptolink",
    "customers_shiptozone",
    "customers_customer",
]
RUNS = 5
STATES = [
    "AL",
    "AZ",
    "CA",
    "CO",
    "CT",
    "FL",
    "GA",
    "IL",
    "IN",
    "MA",
    "MD",
    "MI",
    "MN",
    "MO",
    "NC",
    "NJ",
    "NY",
    "OH",
    "OR",
    "PA",
    "TN",
    "TX",
    "VA",
    "WA",
    "WI",
]
TREE = [
    ("BX", None),
    ("BX-EAST", "BX"),
    ("BX-WEST", "BX"),
    ("BX-NY", "BX-EAST"),
    ("BX-TX", "BX-WEST"),
    ("BX-CA", "BX-WEST"),
    ("OTHER", None),
]


def load(tenant, companies, customers_in_subtree: int) -> dict:
    rng = random.Random(5)
    today = datetime.date.today()
    subtree = [c for code, c in companies.items() if code != "OTHER"]
    plan = [(subtree[i % len(subtree)], i) for i in range(customers_in_subtree)]
    plan += [
        (companies["OTHER"], customers_in_subtree + i) for i in range(customers_in_subtree // 5)
    ]
    now = timezone.now()
    counts = {}
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # psycopg's own cursor, for COPY
        cursor.execute("SET session_replication_role = replica")
        customers = tenants.copy_customers(
            cursor,
            tenant,
            (
                tenants.customer_row(
                    n,
                    company,
                    tenant,
                    now,
                    kind="ship-to" if n % 10 == 9 else "bill-to",
                    name1=f"Customer {n}",
                    address_line1=f"{n} Main St",
                    city="Springfield",
                    state=STATES[n % len(STATES)],
                    country="US",
                    zip="12345",
                )
                for company, n in plan
            ),
        )
        counts["customers"] = len(customers)

        zones, docs, links = [], [], []
        shippers_by_company = tenants.ship_tos_by_company(customers)
        for pk, company_id, kind, state in customers:
            regions = sorted({state, *rng.sample(STATES, rng.randint(0, 2))})
            zones += [(uuid.uuid4(), region, pk, tenant.pk) for region in regions]
            if kind == "ship-to":
                continue
            shippers = shippers_by_company.get(company_id, [])
            if shippers and rng.random() < 0.2:
                links.append((uuid.uuid4(), now, pk, rng.choice(shippers), tenant.pk))
            roll = rng.random()
            if roll < 0.55:  # valid, covering all or some of its zones
                covered = regions if rng.random() < 0.7 else regions[:1]
                expiration = rng.choice(
                    [
                        None,
                        today + datetime.timedelta(days=rng.randint(1, 900)),
                        today - datetime.timedelta(days=rng.randint(1, 300)),
                    ]
                )
                docs.append((pk, company_id, covered, "valid", expiration))
            elif roll < 0.62:
                docs.append((pk, company_id, regions, "pending", None))
            elif roll < 0.66:
                docs.append((pk, company_id, regions, "invalid", None))
        tenants.copy_zones_and_links(cursor, zones, set(links))
        tenants.copy_rows(
            cursor,
            "documents_document",
            [
                "public_id",
                "file",
                "original_name",
                "content_type",
                "sha256",
                "uses_main_address",
                "doc_type",
                "regions",
                "exemption_reason",
                "effective_date",
                "expiration_date",
                "status",
                "status_reason",
                "created_at",
                "company_id",
                "customer_id",
                "tenant_id",
            ],
            (
                (
                    uuid.uuid4(),
                    "",
                    "",
                    "",
                    "",
                    False,
                    "exemption",
                    regions,
                    "G",
                    today - datetime.timedelta(days=400),
                    expiration,
                    status,
                    "",
                    now,
                    company_id,
                    pk,
                    tenant.pk,
                )
                for pk, company_id, regions, status, expiration in docs
            ),
        )
        cursor.execute("SET session_replication_role = origin")
        cursor.execute(
            "ANALYZE customers_customer, customers_shiptozone, customers_shiptolink, "
            "documents_document"
        )
    counts.update(zones=len(zones), links=len(set(links)), documents=len(docs))
    return counts


def render(client: Client, url: str) -> tuple[float, int, object]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.status_code
    return elapsed, len(queries), response


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    customers = int(args[0]) if args else 100_000
    setup_test_environment()  # the test Client's host is allowed
    tenants.reset_tenant(SLUG, TABLES)
    tenant, owner, companies = tenants.make_tenant(SLUG, "Bench Exposure", TREE)
    started = time.perf_counter()
    counts = load(tenant, companies, customers)
    print(
        f"Loaded in {time.perf_counter() - started:.1f} s: "
        + ", ".join(f"{v:,} {k}" for k, v in counts.items())
    )

    client = Client()
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    url = f"/t/{SLUG}/exposure/"
    render(client, url)  # warm-up: connections, templates, caches
    times, queries, response = [], 0, None
    for _ in range(RUNS):
        elapsed, queries, response = render(client, url)
        times.append(elapsed)
    context = response.context
    median = statistics.median(times)
    print(
        f"Subtree of {customers:,} customers: {context['total']:,} exposures, "
        f"{context['customers_count']:,} exposed customers, "
        f"{context['expiring_count']:,} expiring soon"
    )
    print(
        f"P5 exposure report: median {median:.3f} s over {RUNS} renders "
        f"(min {min(times):.3f}, max {max(times):.3f}), {queries} queries; "
        f"target < {TARGET_SECONDS:.1f} s: {'PASS' if median < TARGET_SECONDS else 'FAIL'}"
    )
    if "--keep" not in sys.argv:
        tenants.reset_tenant(SLUG, TABLES)
    return 0 if median < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
