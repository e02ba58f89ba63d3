"""The company tree: create, rename, move and delete, with the R6 safeguards (R5, R6)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django_scopes import scope, scopes_disabled

from companies import services
from companies.models import Company
from tests.companies.tree_checks import tree_problems
from tests.factories import make_company, make_customer


def _children(company) -> list[str]:
    with scope(tenant=company.tenant_id):
        return [c.code for c in Company.objects.get(pk=company.pk).get_children()]


def _fresh(company) -> Company:
    with scopes_disabled():
        return Company.objects.get(pk=company.pk)


def test_company_keeps_its_details_and_a_tenant_may_have_several_roots(alice):
    """R5: a company has name, code, legal name, FEIN, address and contact email; a tenant may
    have several root companies."""
    other_root = make_company(
        alice.tenant,
        "ALICE-CA",
        "Alice Canada",
        legal_name="Alice Canada Ltd.",
        fein="12-3456789",
        address_line1="1 Bay St",
        city="Toronto",
        state="ON",
        country="CA",
        zip="M5J 2N8",
        contact_email="tax@alice.example.com",
    )
    with alice.scope():
        roots = Company.objects.root_nodes().order_by("tree_id")
        assert [c.code for c in roots] == ["ALICE-HQ", "ALICE-CA"]
        stored = Company.objects.get(pk=other_root.pk)
    assert (stored.legal_name, stored.fein, stored.city, stored.zip, stored.contact_email) == (
        "Alice Canada Ltd.",
        "12-3456789",
        "Toronto",
        "M5J 2N8",
        "tax@alice.example.com",
    )
    assert tree_problems() == []


def test_company_code_is_unique_in_the_tenant_only(alice, bob):
    """R5: a code is unique within a tenant (case aside); another tenant may use it."""
    with pytest.raises(ValidationError, match="already used"):
        make_company(alice.tenant, "alice-hq", "Again")
    make_company(bob.tenant, "ALICE-HQ", "Bob's own ALICE-HQ")
    with pytest.raises(ValidationError, match="already used"), alice.scope():
        child = services.company_create(
            tenant=alice.tenant, name="Child", code="CHILD", parent=alice.company
        )
        services.company_update(company=child, code="Alice-HQ")


def test_children_are_kept_in_name_order_through_create_rename_and_move(alice):
    """R5, R6: siblings are listed by name after adds, a rename and a move."""
    hq = alice.company
    make_company(alice.tenant, "M", "Mid", parent=hq)
    make_company(alice.tenant, "Z", "Zulu", parent=hq)
    make_company(alice.tenant, "A", "Alpha", parent=hq)
    assert _children(hq) == ["A", "M", "Z"]
    with alice.scope():
        services.company_update(company=Company.objects.get(code="A"), name="Omega")
    assert _children(hq) == ["M", "A", "Z"]
    assert (
        _fresh(Company.objects.with_scopes_disabled().get(code="A", tenant=alice.tenant)).name
        == "Omega"
    )
    other = make_company(alice.tenant, "OTHER", "Other root")
    make_company(alice.tenant, "B", "Bravo", parent=other)
    with alice.scope():
        services.company_move(company=Company.objects.get(code="B"), new_parent=hq)
    assert _children(hq) == ["B", "M", "A", "Z"]
    assert _children(other) == []
    assert tree_problems() == []


def test_move_takes_the_subtree_and_can_make_a_root(alice):
    """R6: a company moves with its descendants, under another company or as a new root."""
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    ny = make_company(alice.tenant, "NY", "New York", parent=east)
    west = make_company(alice.tenant, "WEST", "West", parent=alice.company)
    with alice.scope():
        services.company_move(company=east, new_parent=west)
        assert _fresh(ny).parent_id == east.pk
        assert _fresh(ny).is_descendant_of(_fresh(west))
        services.company_move(company=_fresh(east), new_parent=None)
        assert _fresh(east).is_root_node()
        assert _fresh(ny).tree_id == _fresh(east).tree_id != _fresh(west).tree_id
    assert tree_problems() == []


def test_move_under_itself_or_a_descendant_is_refused(alice):
    """R6: a company cannot move under itself or one of its own descendants."""
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    ny = make_company(alice.tenant, "NY", "New York", parent=east)
    with alice.scope():
        for target in (ny, east):
            with pytest.raises(ValidationError, match="descendants"):
                services.company_move(company=_fresh(east), new_parent=_fresh(target))
    assert _fresh(east).parent_id == alice.company.pk
    assert tree_problems() == []


def test_move_into_another_tenant_is_refused(alice, bob):
    """R6: a company cannot move under a company of another tenant."""
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    with alice.scope(), pytest.raises(ValidationError, match="another tenant"):
        services.company_move(company=east, new_parent=bob.company)
    assert _fresh(east).parent_id == alice.company.pk
    assert _fresh(east).tenant_id == alice.tenant.pk


def test_create_under_a_parent_of_another_tenant_is_refused(alice, bob):
    """R6: a new company cannot hang under another tenant's company."""
    with alice.scope(), pytest.raises(ValidationError, match="another tenant"):
        services.company_create(
            tenant=alice.tenant, name="Sneaky", code="SNEAKY", parent=bob.company
        )
    with scopes_disabled():
        assert not Company.objects.filter(code="SNEAKY").exists()


def test_roots_of_two_tenants_never_share_a_tree_id(alice, bob):
    """R6: every root gets its own tree id from one sequence, across tenants, also after a
    child is made a root."""
    for n in range(3):
        make_company(alice.tenant, f"A{n}", f"Alice root {n}")
        make_company(bob.tenant, f"B{n}", f"Bob root {n}")
    child = make_company(bob.tenant, "BC", "Bob child", parent=bob.company)
    with bob.scope():
        services.company_move(company=child, new_parent=None)
    with scopes_disabled():
        alice_trees = set(
            Company.objects.filter(tenant=alice.tenant).values_list("tree_id", flat=True)
        )
        bob_trees = set(Company.objects.filter(tenant=bob.tenant).values_list("tree_id", flat=True))
        assert len(alice_trees) == 4 and len(bob_trees) == 5
    assert alice_trees.isdisjoint(bob_trees)
    assert tree_problems() == []


def test_delete_is_refused_while_the_company_holds_children_customers_or_documents(alice):
    """R6: the refusal says what is left: child companies, customers, documents."""
    from documents.models import Document

    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    make_company(alice.tenant, "NY", "New York", parent=east)
    make_company(alice.tenant, "PA", "Pennsylvania", parent=east)
    customer = make_customer(east, "C-1")
    make_customer(east, "C-2")
    with alice.scope():
        Document.objects.create(
            tenant=alice.tenant,
            customer=customer,
            company=east,
            regions=["TX"],
            effective_date=datetime.date(2024, 1, 1),
        )
        with pytest.raises(ValidationError) as refused:
            services.company_delete(company=_fresh(east))
    message = " ".join(refused.value.messages)
    assert "2 child companies" in message
    assert "2 customers" in message
    assert "1 document" in message
    assert Company.objects.with_scopes_disabled().filter(pk=east.pk).exists()


def test_an_empty_company_is_deleted_and_the_tree_closes_the_gap(alice):
    """R6: a company with nothing left is deleted; the tree stays sound."""
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    make_company(alice.tenant, "WEST", "West", parent=alice.company)
    with alice.scope():
        services.company_delete(company=east)
    assert not Company.objects.with_scopes_disabled().filter(pk=east.pk).exists()
    assert _children(alice.company) == ["WEST"]
    assert tree_problems() == []


# --- the pages ----------------------------------------------------------------------------------


def test_admin_adds_a_child_company_in_the_app(alice, login):
    """R6: the add form creates the company under the chosen parent."""
    response = login(alice.admin).post(
        alice.url("companies/add/"),
        {
            "parent": str(alice.company.public_id),
            "name": "Alice West",
            "code": "ALICE-WEST",
            "contact_email": "west@alice.example.com",
        },
    )
    assert response.status_code == 302
    with alice.scope():
        west = Company.objects.get(code="ALICE-WEST")
    assert west.parent_id == alice.company.pk
    assert west.contact_email == "west@alice.example.com"


def test_add_form_refuses_a_duplicate_code_beside_the_field(alice, login):
    """R5: a duplicate code is refused with a message and nothing is written."""
    response = login(alice.admin).post(
        alice.url("companies/add/"), {"name": "Again", "code": "alice-hq"}
    )
    assert response.status_code == 200
    assert b"already used" in response.content
    with alice.scope():
        assert Company.objects.count() == 1


def test_add_form_offers_no_parent_of_another_tenant(alice, bob, login):
    """R6: a parent id of another tenant is not a valid choice."""
    response = login(alice.admin).post(
        alice.url("companies/add/"),
        {"parent": str(bob.company.public_id), "name": "Sneaky", "code": "SNEAKY"},
    )
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
    with scopes_disabled():
        assert not Company.objects.filter(code="SNEAKY").exists()


def test_admin_renames_a_company_in_the_app(alice, login):
    """R6: the edit form renames the company; its place in the tree stays."""
    child = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    response = login(alice.admin).post(
        alice.url(f"companies/{child.public_id}/"), {"name": "Eastern Region", "code": "EAST"}
    )
    assert response.status_code == 302
    assert _fresh(child).name == "Eastern Region"
    assert _fresh(child).parent_id == alice.company.pk


def test_move_form_moves_and_refuses_a_descendant(alice, login):
    """R6: the move form moves a company; a descendant as new parent is refused with a
    message saying why (it is below this company)."""
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    ny = make_company(alice.tenant, "NY", "New York", parent=east)
    west = make_company(alice.tenant, "WEST", "West", parent=alice.company)
    client = login(alice.admin)
    move_url = alice.url(f"companies/{east.public_id}/move/")
    response = client.post(move_url, {"parent": str(ny.public_id)}, follow=True)
    assert b"East cannot move under New York, which is below East" in response.content
    assert _fresh(east).parent_id == alice.company.pk
    response = client.post(move_url, {"parent": str(west.public_id)})
    assert response.status_code == 302
    assert _fresh(east).parent_id == west.pk
    assert tree_problems() == []


def test_delete_page_refuses_with_the_holdings_and_deletes_an_empty_company(alice, login):
    """R6: deleting a company that holds customers is refused with a message naming them;
    an empty one is deleted after the confirmation page."""
    east = make_company(alice.tenant, "EAST", "East", parent=alice.company)
    make_customer(east, "C-1")
    client = login(alice.admin)
    page = client.get(alice.url(f"companies/{east.public_id}/delete/"))
    assert b"1 customer" in page.content
    response = client.post(alice.url(f"companies/{east.public_id}/delete/"), follow=True)
    assert b"East cannot be deleted: it still holds 1 customer." in response.content
    assert Company.objects.with_scopes_disabled().filter(pk=east.pk).exists()

    empty = make_company(alice.tenant, "EMPTY", "Empty", parent=alice.company)
    response = client.post(alice.url(f"companies/{empty.public_id}/delete/"))
    assert response.status_code == 302
    assert not Company.objects.with_scopes_disabled().filter(pk=empty.pk).exists()


def test_a_company_country_is_an_iso_code_as_a_customers_is(alice):
    """R10, R5: a company address's country is an ISO 3166-1 two-letter code, as a customer's:
    the company form reads "de" as DE and refuses "xx" next to Country; so does the service."""
    from companies.forms import CompanyForm

    with alice.scope():
        company = Company.objects.get(pk=alice.company.pk)
        data = {"name": company.name, "code": company.code, "country": "de"}
        form = CompanyForm(data=data, instance=company)
        assert form.is_valid(), form.errors
        assert form.cleaned_data["country"] == "DE"
        form = CompanyForm(data={**data, "country": "xx"}, instance=company)
        assert not form.is_valid()
        assert form.errors["country"] == [
            "'XX' is not an ISO 3166-1 two-letter country code (e.g. US, CA, DE)."
        ]
        with pytest.raises(ValidationError, match="ISO 3166-1"):
            services.company_update(company=company, country="ZZ")
        assert Company.objects.get(pk=company.pk).country == ""
