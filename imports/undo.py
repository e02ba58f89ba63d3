"""Undoing an applied batch (R39), set-based from its ImportChange rows.

Every field the batch changed is restored when it still holds what the batch wrote; zones and
links it added are removed and those it removed come back; customers it made inactive (R59) are
active again and those it brought back inactive; customers it created are deleted when nothing
has touched them since. What could not be restored is returned, to be listed.
"""

from django.db import connection

from customers.models import Customer
from imports.engine import set_active
from imports.history import event_insert, recorded_by_engine
from imports.rows import DETAIL_FIELDS

# The customer of a change `ch` (in the change's company: R42 routes rows to several).
_CUSTOMER = (
    "customers_customer {alias} ON {alias}.company_id = ch.company_id AND {alias}.number = {number}"
)


def _join(alias: str, number: str) -> str:
    return _CUSTOMER.format(alias=alias, number=number)


# The current value of the changed field (cheaper than to_jsonb() of the whole row).
_CURRENT = "(CASE ch.field {} END)".format(
    " ".join(f"WHEN '{f}' THEN c.{f}" for f in DETAIL_FIELDS)
)


def undo(batch, *, user_id) -> list[dict]:
    """Run inside the caller's transaction and company lock; returns what was not restored.

    Set-based like the engine, with the history rows written the engine's way; the customers
    to delete go through the ORM (after the triggers are back on) so every relation is honoured.
    """
    params = {
        "batch": batch.pk,
        "company": batch.company_id,
        "tenant": batch.tenant_id,
        "applied_at": batch.applied_at,
    }
    with connection.cursor() as cursor:
        not_restored = _fields_not_restored(cursor, params)
        with recorded_by_engine(
            cursor, user=user_id, import_batch=str(batch.public_id), undo=True
        ) as context_id:
            params["pgh_context"] = context_id
            _restore_links_and_zones(cursor, params)
            _restore_fields(cursor, params)
            # R59: customers the batch made inactive are active again, and the reverse.
            set_active(cursor, params, kind="deactivate", active=True)
            set_active(cursor, params, kind="reactivate", active=False)
        not_restored += _delete_new_customers(cursor, params)
    return not_restored


def _fields_not_restored(cursor, params) -> list[dict]:
    cursor.execute(
        f"""
        SELECT ch.number, ch.field, ch.old, ch.new, {_CURRENT}
        FROM imports_importchange ch LEFT JOIN {_join("c", "ch.number")}
        WHERE ch.batch_id = %(batch)s AND ch.kind IN ('change', 'erase')
          AND ({_CURRENT}) IS DISTINCT FROM ch.new
        ORDER BY ch.number, ch.field""",  # noqa: S608
        params,
    )
    return [
        {
            "number": number,
            "field": field,
            "old": old,
            "new": new,
            "current": current,
            "reason": "changed again after this import"
            if current is not None
            else "the customer no longer exists",
        }
        for number, field, old, new, current in cursor.fetchall()
    ]


def _restore_fields(cursor, params) -> None:
    sets = ", ".join(f"{f} = coalesce(r.olds ->> '{f}', c.{f})" for f in DETAIL_FIELDS)
    cursor.execute(
        f"""
        WITH r AS (
            SELECT c.id, jsonb_object_agg(ch.field, ch.old) AS olds
            FROM imports_importchange ch JOIN {_join("c", "ch.number")}
            WHERE ch.batch_id = %(batch)s AND ch.kind IN ('change', 'erase')
              AND ({_CURRENT}) = ch.new
            GROUP BY c.id),
        changed AS (UPDATE customers_customer c SET {sets}, updated_at = now()
                    FROM r WHERE c.id = r.id RETURNING c.*)
        {event_insert("customers.Customer", "update", "changed")}""",  # noqa: S608
        params,
    )


def _restore_links_and_zones(cursor, params) -> None:
    link, zone = "customers.ShipToLink", "customers.ShipToZone"
    cursor.execute(
        f"""
        WITH gone AS (
            DELETE FROM customers_shiptolink k USING imports_importchange ch
                JOIN {_join("b", "ch.number")} JOIN {_join("s", "ch.new")}
            WHERE ch.batch_id = %(batch)s AND ch.kind = 'link_add'
              AND k.billing_id = b.id AND k.shipping_id = s.id RETURNING k.*)
        {event_insert(link, "delete", "gone")}""",  # noqa: S608
        params,
    )
    cursor.execute(
        f"""
        WITH added AS (
            INSERT INTO customers_shiptolink (tenant_id, public_id, billing_id, shipping_id,
                                              created_at)
            SELECT %(tenant)s, gen_random_uuid(), b.id, s.id, now() FROM imports_importchange ch
            JOIN {_join("b", "ch.number")} JOIN {_join("s", "ch.old")}
            WHERE ch.batch_id = %(batch)s AND ch.kind = 'link_remove'
            ON CONFLICT (billing_id, shipping_id) DO NOTHING RETURNING *)
        {event_insert(link, "insert", "added")}""",  # noqa: S608
        params,
    )
    cursor.execute(
        f"""
        WITH gone AS (
            DELETE FROM customers_shiptozone z
            USING imports_importchange ch JOIN {_join("c", "ch.number")}
            WHERE ch.batch_id = %(batch)s AND ch.kind = 'zone_add'
              AND z.customer_id = c.id AND z.region = ch.new RETURNING z.*)
        {event_insert(zone, "delete", "gone")}""",  # noqa: S608
        params,
    )
    cursor.execute(
        f"""
        WITH added AS (
            INSERT INTO customers_shiptozone (tenant_id, public_id, customer_id, region)
            SELECT %(tenant)s, gen_random_uuid(), c.id, ch.old
            FROM imports_importchange ch JOIN {_join("c", "ch.number")}
            WHERE ch.batch_id = %(batch)s AND ch.kind = 'zone_remove'
            ON CONFLICT (customer_id, region) DO NOTHING RETURNING *)
        {event_insert(zone, "insert", "added")}""",  # noqa: S608
        params,
    )


def later_work_relations() -> list:
    """Every relation through which work can be attached to a customer (R57): each foreign key
    to Customer (documents, requests, comments and files, addresses, contacts, zones, links, and
    any added later), except history event rows. Read from the model, so a new relation is
    covered as soon as it exists (tests/imports/test_undo_keeps_later_work.py walks them)."""
    from pghistory.models import Event

    return [
        relation
        for relation in Customer._meta.related_objects
        if not relation.many_to_many and not issubclass(relation.related_model, Event)
    ]


def _relation_label(relation) -> str:
    label = str(relation.related_model._meta.verbose_name_plural)
    return f"{label} ({relation.field.name})" if relation.field.name != "customer" else label


def _delete_new_customers(cursor, params) -> list[dict]:
    """Customers the batch created go, unless changed since or holding anything of their own
    (its own zones and links were removed before this runs). The kept ones are listed with
    what was attached to them."""
    quote = connection.ops.quote_name
    found = ", ".join(
        f"CASE WHEN EXISTS (SELECT 1 FROM {quote(r.related_model._meta.db_table)} x "  # noqa: S608
        f"WHERE x.{quote(r.field.column)} = c.id) THEN %(label_{n})s END"
        for n, r in enumerate(later_work_relations())
    )
    params = {
        **params,
        **{f"label_{n}": _relation_label(r) for n, r in enumerate(later_work_relations())},
    }
    cursor.execute(
        f"""
        SELECT c.id, c.number, c.updated_at > %(applied_at)s,
               array_remove(ARRAY[{found}]::text[], NULL)
        FROM imports_importchange ch JOIN {_join("c", "ch.number")}
        WHERE ch.batch_id = %(batch)s AND ch.kind = 'new'""",  # noqa: S608
        params,
    )
    rows = cursor.fetchall()
    deletable = [pk for pk, _, changed, attached in rows if not changed and not attached]
    if deletable:
        # The ORM's delete follows every relation the way the models declare; a protected
        # relation raises and the whole undo rolls back.
        Customer.objects.filter(pk__in=deletable).delete()
    return [
        {
            "number": number,
            "field": "",
            "old": "",
            "new": "",
            "current": "",
            "reason": _kept_reason(changed, attached),
        }
        for _, number, changed, attached in rows
        if changed or attached
    ]


def _kept_reason(changed: bool, attached: list[str]) -> str:
    parts = [f"{', '.join(attached)} added since"] if attached else []
    if changed:
        parts.append("changed since")
    return f"created by this import and kept: {' and '.join(parts)}"
