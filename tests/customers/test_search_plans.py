"""P4, R13: the plan of each statement of a search page is pinned. Each statement was built to
have only bounded plans (customers/search.py); these tests fail when PostgreSQL (another
version, other settings, other statistics) picks one outside them, instead of the page quietly
becoming slow on a million customers. Where two plans are both bounded (the sample of a common
term: the trigram bitmap, or the table in its order up to the LIMIT), either passes.

The table holds 30,000 customers (inserted by SQL, then ANALYZEd), so that the planner weighs
real choices: on a few rows it would read the whole table whatever the indexes."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from customers import search
from customers.models import Customer
from tests.factories import make_company

pytestmark = pytest.mark.django_db

WORDS = ["Atlas", "Beacon", "Cedar", "Delta", "Eagle", "Falcon", "Granite", "Harbor", "Zenith"]
KINDS = ["Academy", "Bakery", "Dental", "Farms", "Foods", "Labs", "Marine", "Supply"]


@pytest.fixture
def many(alice):
    """30,000 of alice's customers in random table order, named "<word> <kind> <n>": each
    kind in an eighth of them, spread over the name order; "Zenith" in the ninth that sorts
    last. A quarter of them belong to a child company."""
    child = make_company(alice.tenant, "CHILD", parent=alice.company)
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('certhub.skip_history', 'on', true)")
        cursor.execute(
            """
            INSERT INTO customers_customer (
                public_id, tenant_id, company_id, number, alternate_id, fein, name1, name2,
                attention_name, address_line1, address_line2, city, state, country, zip,
                phone, fax, email, kind, exemption_reason, is_active, created_at, updated_at)
            SELECT gen_random_uuid(), %(tenant)s,
                   CASE WHEN n %% 4 = 1 THEN %(child)s ELSE %(company)s END,
                   lpad(n::text, 7, '0'), '', '',
                   (%(words)s::text[])[1 + n %% 9] || ' '
                       || (%(kinds)s::text[])[1 + (n / 9) %% 8] || ' ' || n,
                   '', '', n || ' Main St', '', 'Austin', 'TX', 'US',
                   '787' || lpad((n %% 100)::text, 2, '0'), '', '', 'ap' || n || '@example.com',
                   'bill-to', '', true, now(), now()
            FROM generate_series(1, 30000) AS n ORDER BY random()""",
            {
                "tenant": alice.tenant.pk,
                "company": alice.company.pk,
                "child": child.pk,
                "words": WORDS,
                "kinds": KINDS,
            },
        )
        cursor.execute("SELECT set_config('certhub.skip_history', 'off', true)")
        cursor.execute("ANALYZE customers_customer")
    return alice


def _nodes(plan: dict) -> list[tuple[str, str]]:
    """(node type, index name) of a plan node and of every node under it."""
    found = [(plan["Node Type"], plan.get("Index Name", ""))]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


def _statements(world, term: str, *, company: bool = False, sort: str = "name") -> dict:
    """The plan nodes of each statement of one search page, by the step it belongs to."""
    with scope(tenant=world.tenant.pk):
        listed = search.filter_customers(Customer.objects.all())
        if company:
            listed = listed.filter(company=world.company)
        with CaptureQueriesContext(connection) as captured:
            search.search_page(listed, term=term, sort=sort)
    steps = {}
    for query in captured.captured_queries:
        sql = query["sql"]
        if sql.startswith("WITH m AS MATERIALIZED"):
            step = "sort" if "sample" in steps else "sample"
        elif sql.startswith("SELECT COUNT(*)"):
            step = "count"
        elif sql.startswith('SELECT w."id" FROM ('):
            step = "walk"
        else:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
        steps[step] = _nodes((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"])
    return steps


TRIGRAM = ("Bitmap Index Scan", "customer_search_trgm")


def _assert_bounded_sample(nodes):
    """The sample of a common term: the trigram index's bitmap, or (when the planner expects
    many matches) the table in its own order, stopped by the LIMIT; never an index walk."""
    assert TRIGRAM in nodes or ("Seq Scan", "") in nodes
    assert not any(node in ("Index Scan", "Index Only Scan") for node, _ in nodes)


def test_a_rare_term_reads_its_matches_from_the_trigram_index(many):
    """P4: a term with few matches: one statement, the trigram index's bitmap, no table scan
    and no walk of the name order."""
    steps = _statements(many, "granite supply 1")
    assert list(steps) == ["sample"]
    assert TRIGRAM in steps["sample"]
    assert not any(
        node == "Seq Scan" or name.startswith("customer_tenant") for node, name in steps["sample"]
    )


@pytest.mark.parametrize(
    ("company", "sort", "indexes"),
    [
        (False, "name", {"customer_tenant_name"}),
        (False, "number", {"customer_tenant_number"}),
        # A company's rows: its own name index, or the tenant's filtered by company.
        (True, "name", {"customer_company_name", "customer_tenant_name"}),
    ],
)
def test_a_common_term_spread_over_the_order_walks_the_sort_index(many, company, sort, indexes):
    """P4: a common term whose matches are spread over the sort order: the sample from the
    trigram index, a count on the sort index, then a walk of the sort index in order that stops at
    a full page (no sort node: the rows come in order)."""
    steps = _statements(many, "academy", company=company, sort=sort)
    assert list(steps) == ["sample", "count", "walk"]
    _assert_bounded_sample(steps["sample"])
    # The tenant's sort index: in order up to the limit, or the whole range when the planner
    # expects it to be shorter (index-only once the table is vacuumed); never the table.
    assert {name for _, name in steps["count"]} == {"", f"customer_tenant_{sort}"}
    assert not any(node == "Seq Scan" for node, _ in steps["count"])
    # The sort index read in order (index-only where vacuumed); the table only by primary key,
    # for the candidates whose search_text holds the term.
    scans = {name for node, name in steps["walk"] if node in ("Index Scan", "Index Only Scan")}
    by_id = {"customers_customer_pkey", "customers_customer_id_tenant_uniq"}
    assert scans & indexes and scans <= indexes | by_id
    assert not any(node in ("Sort", "Seq Scan", "Bitmap Heap Scan") for node, _ in steps["walk"])


def test_a_common_term_sorting_last_sorts_its_matches(many):
    """P4: a common term whose matches all sort last ("Zenith"): no walk of the name order
    (it would read nearly every customer); its matches come from the trigram index."""
    steps = _statements(many, "zenith")
    assert list(steps) == ["sample", "count", "sort"]
    _assert_bounded_sample(steps["sample"])
    assert TRIGRAM in steps["sort"]
    assert not any(name.startswith("customer_tenant") for _, name in steps["sort"])
