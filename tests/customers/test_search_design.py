"""R13, P4: the search page's three ways to a page (every match read, a walk of the sort order,
a sort of the matches) give the same pages, in the same order, as one plain ordered query."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from customers import search
from customers.models import Customer

pytestmark = pytest.mark.django_db

SIZE = 10


@pytest.fixture
def crowd(alice, monkeypatch):
    """300 customers in a random table order: "Supply" in every third name (spread over the
    name order), "Zenith" in the 60 names that sort last, one "Rare" name."""
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 20)
    monkeypatch.setattr(search, "WALK_ROWS", 120)
    names = [
        f"{'Alpha' if i % 2 else 'Beta'} {i:03d} {'Supply' if i % 3 else 'Foods'}"
        for i in range(240)
    ]
    names += [f"Zenith Foods {i:03d}" for i in range(60)]
    names[7] = "Rare Goods 007"
    rows = list(enumerate(names))
    random.Random(13).shuffle(rows)
    with scope(tenant=alice.tenant.pk):
        Customer.objects.bulk_create(
            Customer(
                tenant_id=alice.tenant.pk,
                company=alice.company,
                number=f"N{i:05d}",
                name1=name,
                # A few inactive ones: the listed customers are the active ones (R59).
                is_active=i % 50 != 1,
            )
            for i, name in rows
        )
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE customers_customer")
    return alice


def _walk_pages(term: str, sort: str, start: dict | None = None) -> tuple[list[str], list[str]]:
    """Every page of the search from the first, joined (from `start` backwards to the first
    when it is given); and the way each page was found."""
    listed = search.filter_customers(Customer.objects.all())
    seen, ways, cursor, backwards = [], [], start or {}, start is not None
    while True:
        with CaptureQueriesContext(connection) as captured:
            page = search.search_page(listed, term=term, sort=sort, size=SIZE, **cursor)
        ways.append(_way(captured.captured_queries))
        numbers = [c.number for c in page.items]
        seen = numbers + seen if backwards else seen + numbers
        following = page.previous_cursor if backwards else page.next_cursor
        if not following:
            return seen, ways
        cursor = {"before": following} if backwards else {"after": following}


def _way(queries) -> str:
    sql = " ".join(q["sql"] for q in queries)
    if sql.count("WITH m AS MATERIALIZED") == 2:
        return "sort"
    if 'SELECT w."id" FROM (' in sql:
        return "walk"
    return "sample"


def _expected(term: str, sort: str) -> list[str]:
    key = search.SORT_KEYS[sort]
    matches = search.filter_customers(Customer.objects.all(), q=term)
    return list(matches.order_by(key, "id").values_list("number", flat=True))


def test_every_way_gives_the_plain_query_pages(crowd):
    """R13: forward and backward, by name and by number, each page of a search is the slice
    of one plain ordered query's results, whichever way the page was found."""
    with scope(tenant=crowd.tenant.pk):
        for term in ["supply", "zenith", "rare", "foods", "n001", "nothing"]:
            for sort in ["name", "number"]:
                expected = _expected(term, sort)
                forward, _ = _walk_pages(term, sort)
                assert forward == expected, (term, sort)
                if len(expected) > SIZE:
                    # From the last page (after the row before it) back to the first.
                    last = Customer.objects.get(number=expected[-SIZE - 1])
                    key = search.SORT_KEYS[sort]
                    start = {"after": search.encode_cursor(getattr(last, key), last.pk)}
                    assert _walk_pages(term, sort, start)[0] == expected, (term, sort)


def test_each_way_is_taken(crowd):
    """P4: a rare term is answered from its matches, a common one spread over the sort order
    by a walk, one whose matches all sort last by a sort of the matches (never a walk of the
    whole order); the count is exact up to SEARCH_CANDIDATES, then capped."""
    with scope(tenant=crowd.tenant.pk):
        listed = search.filter_customers(Customer.objects.all())
        assert _walk_pages("rare", "name")[1] == ["sample"]
        assert _walk_pages("supply", "name")[1][0] == "walk"
        assert _walk_pages("zenith", "name")[1][0] == "sort"
        rare = search.search_page(listed, term="rare")
        assert (rare.count, rare.count_is_capped) == (1, False)
        common = search.search_page(listed, term="zenith")
        assert (common.count, common.count_is_capped) == (20, True)
