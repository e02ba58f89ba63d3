"""R13: the customer list and search: fields, reachable companies, filters, keyset pages."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from companies.models import Role
from customers import search
from customers.models import Customer
from tests.factories import UserFactory, make_company, make_customer, make_membership

pytestmark = pytest.mark.django_db


def _numbers(response) -> list[str]:
    rows = re.findall(r'<tr>\s*<td><a href="[^"]+">([^<]+)</a>', response.content.decode())
    return rows


@pytest.fixture
def shop(alice):
    """Customers of alice's HQ and of a child company."""
    child = make_company(alice.tenant, "CHILD", "Alice Child", parent=alice.company)
    make_customer(
        alice.company,
        "00100",
        "Granite Supply",
        email="ap@granite.example",
        city="Austin",
        state="TX",
        zip="78701",
    )
    make_customer(
        alice.company,
        "00200",
        "Harbor Foods",
        email="billing@harbor.example",
        city="Boston",
        state="MA",
        zip="02108",
        kind="ship-to",
    )
    make_customer(
        child,
        "00300",
        "Prairie Farms",
        email="farm@prairie.example",
        city="Toronto",
        state="ON",
        country="CA",
        zip="M5H 2N2",
        address_line1="",
    )
    return alice, child


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("0020", ["00200"]),  # number fragment
        ("granite sup", ["00100"]),  # name, any case
        ("BILLING@", ["00200"]),  # email
        ("toronto", ["00300"]),  # city
        ("MA", ["00200"]),  # state
        ("787", ["00100"]),  # ZIP start
        ("m5h", ["00300"]),  # Canadian postal code start
        ("8701", []),  # inside a ZIP, not its start: no match
        ("TX 78701", []),  # no match across two fields
        ("nothing-like-this", []),
    ],
)
def test_search_box_finds_by_each_field(shop, login, q, expected):
    """R13: one box finds customers by number, name, email, city, state or ZIP."""
    alice, _ = shop
    response = login(alice.viewer).get(alice.url("customers/"), {"q": q})
    assert response.status_code == 200
    assert sorted(_numbers(response)) == expected


def test_search_stays_within_reachable_companies(shop, bob, login):
    """R13, R2: a membership limited to a company finds nothing outside it; nor another
    tenant's customers."""
    alice, child = shop
    make_customer(bob.company, "00999", "Granite Bob")
    limited = UserFactory(email="limited@example.com")
    make_membership(alice.tenant, limited, Role.VIEWER, companies=[child])
    client = login(limited)
    assert _numbers(client.get(alice.url("customers/"), {"q": "00"})) == ["00300"]
    assert _numbers(login(alice.viewer).get(alice.url("customers/"), {"q": "granite"})) == ["00100"]


def test_list_shows_working_company_and_descendants_when_asked(shop, login):
    """R7, R13: the plain list shows the working company; the subtree on request; the
    top-bar search every reachable company."""
    alice, child = shop
    client = login(alice.viewer)
    assert sorted(_numbers(client.get(alice.url("customers/")))) == ["00100", "00200"]
    assert sorted(_numbers(client.get(alice.url("customers/"), {"scope": "subtree"}))) == [
        "00100",
        "00200",
        "00300",
    ]
    assert sorted(_numbers(client.get(alice.url("customers/"), {"q": "e"}))) == [
        "00100",
        "00200",
        "00300",
    ]
    client.post(alice.url("pick-company/"), {"company": str(child.public_id)})
    assert _numbers(client.get(alice.url("customers/"))) == ["00300"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "ship-to"}, ["00200"]),
        ({"kind": "bill-to"}, ["00100", "00300"]),
        ({"tax_ready": "no"}, ["00300"]),
        ({"tax_ready": "yes"}, ["00100", "00200"]),
        ({"state": "tx"}, ["00100"]),
    ],
)
def test_filters(shop, login, params, expected):
    """R9, R13: filters by kind, tax-ready (the "not tax-ready" filter) and state."""
    alice, _ = shop
    response = login(alice.viewer).get(alice.url("customers/"), {"scope": "subtree", **params})
    assert sorted(_numbers(response)) == expected
    if params.get("tax_ready") == "no":
        assert "not tax-ready" in response.content.decode()


def _bulk(company, count, prefix="N"):
    with company_scope(company):
        Customer.objects.bulk_create(
            [
                Customer(
                    tenant_id=company.tenant_id,
                    company=company,
                    number=f"{prefix}{i:05d}",
                    name1=f"Name {i % 7}",
                )
                for i in range(count)
            ]
        )


def company_scope(company):
    from django_scopes import scope

    return scope(tenant=company.tenant_id)


def test_keyset_pages_walk_forward_and_back_without_gaps(alice, login):
    """R13: Next/Previous links with a cursor visit every customer once, in order."""
    _bulk(alice.company, 130)
    client = login(alice.viewer)
    url, seen, pages = alice.url("customers/"), [], []
    query = {"sort": "name"}
    while True:
        response = client.get(url, query)
        pages.append(query)
        seen += _numbers(response)
        match = re.search(
            r'href="\?([^"]*)" rel="next"|rel="next" href="\?([^"]*)"', response.content.decode()
        )
        if not match:
            break
        query = dict(
            pair.split("=", 1)
            for pair in (match.group(1) or match.group(2)).replace("&amp;", "&").split("&")
        )
    assert len(pages) == 3
    assert len(seen) == len(set(seen)) == 130
    with company_scope(alice.company):
        expected = list(Customer.objects.order_by("name1", "id").values_list("number", flat=True))
    assert seen == expected
    # Previous from the last page gives the middle page again.
    last = client.get(url, pages[-1]).content.decode()
    prev = re.search(r'rel="prev" href="\?([^"]*)"', last).group(1).replace("&amp;", "&")
    middle = client.get(f"{url}?{prev}")
    assert _numbers(middle) == expected[50:100]


def _queries(client, url, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured.captured_queries)


def test_queries_per_page_do_not_grow_with_the_data(alice, login):
    """R13, P4: the list, a deep page and a search cost the same few queries at any size."""
    client, url = login(alice.viewer), alice.url("customers/")
    _bulk(alice.company, 60)

    def deep():
        page = client.get(url, {"sort": "number"}).content.decode()
        return {"sort": "number", "after": re.search(r"after=([\w-]+)", page).group(1)}

    small = [
        _queries(client, url, {}),
        _queries(client, url, deep()),
        _queries(client, url, {"q": "name 3"}),
    ]
    _bulk(alice.company, 600, prefix="M")
    big = [
        _queries(client, url, {}),
        _queries(client, url, deep()),
        _queries(client, url, {"q": "name 3"}),
    ]
    assert big == small
    assert max(big) <= 16


def test_search_with_many_matches_pages_in_order_and_caps_the_count(alice, login, monkeypatch):
    """R13: a common term (more matches than the candidates read) still pages in order,
    with the count shown as "N+"; a rarer one gets its exact count."""
    _bulk(alice.company, 120)
    monkeypatch.setattr(search, "SEARCH_CANDIDATES", 30)
    client, url = login(alice.viewer), alice.url("customers/")
    first = client.get(url, {"q": "name"})
    assert "30+ customers" in first.content.decode()
    after = re.search(r"after=([\w-]+)", first.content.decode()).group(1)
    second = client.get(url, {"q": "name", "after": after})
    with company_scope(alice.company):
        expected = list(Customer.objects.order_by("name1", "id").values_list("number", flat=True))
    assert _numbers(first) + _numbers(second) == expected[:100]
    rare = client.get(url, {"q": "name 3"})
    assert "17 customers" in rare.content.decode()
    assert len(_numbers(rare)) == 17


def test_count_is_capped(alice, login, monkeypatch):
    """R13: on big results the count stops at a limit and shows "N+"."""
    _bulk(alice.company, 30)
    monkeypatch.setattr(search, "COUNT_LIMIT", 20)
    response = login(alice.viewer).get(alice.url("customers/"))
    assert "20+ customers" in response.content.decode()


def test_bad_cursor_is_the_first_page(alice, login):
    make_customer(alice.company, "1")
    response = login(alice.viewer).get(alice.url("customers/"), {"after": "garbage!"})
    assert response.status_code == 200 and _numbers(response) == ["1"]


def test_list_four_cases(alice, bob, login, client):
    """R3: the list answers members; another tenant's user gets 404; anonymous goes to login;
    the Add Customer button is for editors."""
    assert client.get(alice.url("customers/")).status_code == 302
    assert login(bob.viewer).get(alice.url("customers/")).status_code == 404
    assert "Add Customer" not in login(alice.viewer).get(alice.url("customers/")).content.decode()
    assert "Add Customer" in login(alice.editor).get(alice.url("customers/")).content.decode()


def test_top_bar_search_shows_the_scope_it_used(shop, login):
    """R13: a search from the top bar looks in every company the user sees, and the list's
    Companies filter says so."""
    alice, _ = shop
    response = login(alice.viewer).get(alice.url("customers/"), {"q": "farms"})
    assert '<option value="all" selected>' in response.content.decode()
    assert _numbers(response) == ["00300"]
