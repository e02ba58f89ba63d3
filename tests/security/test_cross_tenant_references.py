"""R51: the database itself refuses a row whose references cross tenants, whatever code writes it.

The tests walk the models (apps.get_models()): every foreign key between two tenant-owned models,
and every many-to-many table between them, is tried through the ORM with another tenant's row.
A model added later has its references tried too; `ROWS` must then make one of it (the walk
fails, naming the model, until it does).
"""

import datetime
import uuid

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django_scopes import ScopeError, scope, scopes_disabled

from companies import tenant_constraints
from tests.factories import make_company, make_customer, make_document, make_membership

MODELS = apps.get_models(include_auto_created=True)
REFERENCES = tenant_constraints.references(MODELS)
THROUGH_TABLES = tenant_constraints.through_tables(MODELS)


def _rows(world) -> dict[str, list]:
    """One row (or more, so that every nullable reference is set on one) of every tenant-owned
    model, in the world's tenant, by model label."""
    from companies.models import Invitation
    from customers.models import Address, Contact, ContactChannel, ShipToLink, ShipToZone
    from documents.models import CertificateRequest, ExposureExport, Note
    from imports.models import ColumnMapping, ImportBatch

    tenant = world.tenant
    child = make_company(tenant, f"{tenant.slug}-child", parent=world.company)
    billing = make_customer(world.company, f"{tenant.slug}-1")
    shipping = make_customer(world.company, f"{tenant.slug}-2")
    with scope(tenant=tenant.pk):

        def create(model, **fields):
            return model.objects.create(tenant=tenant, **fields)

        address = create(
            Address, customer=billing, line1="1 Side St", city="Austin", is_ship_to=True
        )
        contact = create(Contact, customer=billing, name="Pat")
        certificate_request = create(
            CertificateRequest,
            customer=billing,
            company=world.company,
            regions=["TX"],
            email="ap@example.com",
            token_hash=uuid.uuid4().hex,
            expires_at=timezone.now() + datetime.timedelta(days=1),
        )
        document = make_document(
            billing, ["TX"], address=address, certificate_request=certificate_request
        )
        rows = {
            "companies.Company": [child],
            "companies.Membership": [make_membership(tenant, companies=[world.company])],
            "companies.Invitation": [
                create(
                    Invitation,
                    email="pat@example.com",
                    token_hash=uuid.uuid4().hex,
                    expires_at=timezone.now() + datetime.timedelta(days=1),
                )
            ],
            "customers.Customer": [billing, shipping],
            "customers.Address": [address],
            "customers.Contact": [contact],
            "customers.ContactChannel": [
                create(ContactChannel, address=address, kind="phone", value="555-0100"),
                create(ContactChannel, contact=contact, kind="phone", value="555-0101"),
            ],
            "customers.ShipToZone": [create(ShipToZone, customer=billing, region="TX")],
            "customers.ShipToLink": [create(ShipToLink, billing=billing, shipping=shipping)],
            "documents.Document": [document],
            "documents.CertificateRequest": [certificate_request],
            "documents.Note": [
                create(Note, customer=billing, kind="comment", text="Hi"),
                create(Note, document=document, kind="comment", text="Hi"),
            ],
            "documents.ExposureExport": [create(ExposureExport, company=world.company)],
        }
        mapping = create(ColumnMapping, company=world.company, name="Export")
        rows["imports.ColumnMapping"] = [mapping]
        rows["imports.ImportBatch"] = [create(ImportBatch, company=world.company, mapping=mapping)]
    return rows


def _commit_checks():
    """What a commit checks: the constraints are deferred to it, like Django's foreign keys.
    (The test's transaction never commits.)"""
    connection.check_constraints()


def _field(ref):
    app_model, name = ref.label.rsplit(".", 1)
    model = apps.get_model(app_model)
    return model, model._meta.get_field(name)


def _field_of(ref):
    return _field(ref)[1]


def test_the_walk_finds_the_references():
    """R51: the walk sees the references the issue names (a customer's company, a link, a zone,
    an address, a document, a note, a request, a batch) and the membership's companies."""
    labels = {ref.label for ref in REFERENCES}
    assert {
        "customers.Customer.company",
        "customers.ShipToLink.billing",
        "customers.ShipToLink.shipping",
        "customers.ShipToZone.customer",
        "customers.Address.customer",
        "documents.Document.customer",
        "documents.Document.address",
        "documents.Note.customer",
        "documents.Note.document",
        "documents.CertificateRequest.customer",
        "imports.ImportBatch.company",
        "companies.Company.parent",
    } <= labels
    assert "companies.MembershipCompany" in {t.label for t in THROUGH_TABLES}


def test_every_reference_has_its_constraint_in_the_database(db):
    """R51: each reference the models declare has its composite foreign key (or, for a
    many-to-many table, its constraint trigger) in the database: a model added later gets its
    own after `migrate`."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT conname FROM pg_constraint UNION ALL SELECT tgname FROM pg_trigger")
        existing = {name for (name,) in cursor.fetchall()}
    missing = [r.label for r in [*REFERENCES, *THROUGH_TABLES] if r.name not in existing]
    assert missing == []


@pytest.mark.parametrize("ref", REFERENCES, ids=lambda r: r.label)
def test_a_reference_into_another_tenant_is_refused(alice, bob, ref):
    """R51: inside alice's scope, pointing any of alice's rows at bob's row through the ORM
    (an update, and an insert of a copy) raises IntegrityError from the tenant constraint, at
    the latest when the transaction commits."""
    ours, theirs = _rows(alice), _rows(bob)
    model, field = _field(ref)
    target_label = field.related_model._meta.label
    assert model._meta.label in ours, f"add a {model._meta.label} row to _rows()"
    assert target_label in theirs, f"add a {target_label} row to _rows()"
    row = next(r for r in ours[model._meta.label] if getattr(r, field.attname) is not None)
    foreign = theirs[target_label][-1]  # (the last has no zones: no unique clash comes first)
    with scope(tenant=alice.tenant.pk):
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            model.objects.filter(pk=row.pk).update(**{field.attname: foreign.pk})
            _commit_checks()
        assert refused.value.__cause__.diag.constraint_name == ref.name
        copy = model.objects.get(pk=row.pk)
        copy.pk, copy.id, copy.public_id = None, None, uuid.uuid4()
        setattr(copy, field.attname, foreign.pk)
        if model._meta.label == "companies.Company":
            copy.code, copy.tree_id, copy.lft, copy.rght = "COPY", 10**6, 1, 2
        if model._meta.label == "customers.Customer":
            copy.number = "COPY"
        if model._meta.label == "documents.CertificateRequest":
            copy.token_hash = uuid.uuid4().hex
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            model._base_manager.bulk_create([copy])
            _commit_checks()
        assert refused.value.__cause__.diag.constraint_name == ref.name
        # The same write within the tenant is accepted: the constraint refuses only the crossing.
        with transaction.atomic():
            model.objects.filter(pk=row.pk).update(**{field.attname: getattr(row, field.attname)})
            _commit_checks()


@pytest.mark.parametrize(
    "ref", [r for r in REFERENCES if not _field_of(r).db_constraint], ids=lambda r: r.label
)
def test_a_column_whose_only_constraint_is_the_tenant_key_refuses_a_missing_row(alice, ref):
    """R51: the columns imports write in bulk (a customer's company, a zone's or a link's
    customer) have the tenant foreign key as their only constraint; it refuses a row that
    does not exist as well."""
    model, field = _field(ref)
    row = next(r for r in _rows(alice)[model._meta.label] if getattr(r, field.attname))
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        model._base_manager.filter(pk=row.pk).update(**{field.attname: 10**12})
        _commit_checks()
    assert refused.value.__cause__.diag.constraint_name == ref.name


@pytest.mark.parametrize("through", THROUGH_TABLES, ids=lambda t: t.label)
def test_a_many_to_many_row_into_another_tenant_is_refused(alice, bob, through):
    """R51: a many-to-many row between two tenants (a membership limited to another tenant's
    company; an import's change row of another tenant's company) is refused by the database,
    inserted or updated to cross."""
    model = apps.get_model(through.label)
    left, right = (f for f in model._meta.concrete_fields if f.many_to_one)
    ours, theirs = _rows(alice), _rows(bob)
    mine = ours[left.related_model._meta.label][0]
    foreign = theirs[right.related_model._meta.label][0]
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        model.objects.create(**{left.attname: mine.pk, right.attname: foreign.pk})
        _commit_checks()
    assert refused.value.__cause__.diag.constraint_name == through.name
    own = ours[right.related_model._meta.label][0]
    row = model.objects.create(**{left.attname: mine.pk, right.attname: own.pk})
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        model._base_manager.filter(pk=row.pk).update(**{right.attname: foreign.pk})
        _commit_checks()
    assert refused.value.__cause__.diag.constraint_name == through.update_name


def test_the_migration_check_lists_rows_that_already_cross(alice, bob):
    """R51: before creating the constraints, existing rows that cross tenants are listed (table,
    id, reference, both tenants), and nothing is created while any remain."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # (ALTER TABLE waits for no check)
        cursor.execute(
            "ALTER TABLE customers_customer DROP CONSTRAINT customers_customer_company_id_tenant_fk"
        )
    customer = make_customer(alice.company, "A-1")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE customers_customer SET company_id = %s WHERE id = %s",
            [bob.company.pk, customer.pk],
        )
    with pytest.raises(tenant_constraints.CrossTenantRows) as refused:
        tenant_constraints.apply(connection, MODELS)
    assert (
        f"customers_customer id {customer.pk}: company_id {bob.company.pk} is in tenant "
        f"{bob.tenant.pk}, the row in tenant {alice.tenant.pk}"
    ) in str(refused.value)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE customers_customer SET company_id = %s WHERE id = %s",
            [alice.company.pk, customer.pk],
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    assert tenant_constraints.apply(connection, MODELS) == [
        "customers_customer_company_id_tenant_fk"
    ]


@pytest.mark.parametrize(
    "query", ["exists", "contains", "in_bulk", "explain", "exclude", "count", "first", "iterator"]
)
def test_a_query_outside_a_scope_raises_exists_included(alice, query):
    """R51, R4: outside a tenant scope every query of tenant-owned data raises ScopeError,
    `.exists()` included (it answered across tenants)."""
    from customers.models import Customer

    customer = make_customer(alice.company, "A-1")
    calls = {
        "exists": lambda qs: qs.exists(),
        "contains": lambda qs: qs.contains(customer),
        "in_bulk": lambda qs: qs.in_bulk(),
        "explain": lambda qs: qs.explain(),
        "exclude": lambda qs: list(qs.exclude(pk=0)),
        "count": lambda qs: qs.count(),
        "first": lambda qs: qs.first(),
        "iterator": lambda qs: list(qs.iterator()),
    }
    with pytest.raises(ScopeError):
        calls[query](Customer.objects)
    with scopes_disabled():
        assert calls["exists"](Customer.objects) is True


def test_async_queries_outside_a_scope_raise(alice):
    """R51, R4: the async forms (`aexists`, `acount`) refuse too."""
    import asyncio

    from customers.models import Customer

    for name in ("aexists", "acount", "afirst"):
        with pytest.raises(ScopeError):
            asyncio.run(getattr(Customer.objects, name)())


@pytest.mark.parametrize(
    "label", ["customers.Customer", "customers.ShipToZone", "customers.ShipToLink"]
)
def test_a_tenant_column_without_its_own_constraint_refuses_a_missing_tenant(alice, label):
    """R51: customers, zones and links (written in bulk by imports) have no constraint of
    their own on `tenant`; the tenant foreign key of their company or customer refuses a
    tenant that does not exist."""
    model = apps.get_model(label)
    assert not model._meta.get_field("tenant").db_constraint
    row = _rows(alice)[label][-1]
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        model._base_manager.filter(pk=row.pk).update(tenant_id=10**12)
        _commit_checks()
    assert refused.value.__cause__.diag.constraint_name.endswith("_tenant_fk")
