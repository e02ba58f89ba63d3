"""Undoing an applied batch (R39), set-based from its ImportChange rows.

Every field the batch changed is restored when it still holds what the batch wrote; zones and
links it added are removed and those it removed come back; customers it made inactive (R59) are
active again and those it brought back inactive; customers it created are deleted when nothing
has touched them since. What could not be restored is returned, to be listed.
"""

from typing import Any, TypedDict

from django.db import connection
from django.db.models import ForeignObjectRel

from customers.models import Customer
from imports.engine import set_active
from imports.history import event_insert, recorded_by_engine
from imports.models import ImportBatch
from imports.rows import DETAIL_FIELDS
from imports.schema import CHANGES, COLUMN, CUSTOMERS, LINKS, ZONES, Table


class NotRestored(TypedDict):
    """What undo could not restore (ImportBatch.not_restored, listed on the batch page)."""

    number: str
    field: str  # "" for a customer the batch created and undo kept
    old: str
    new: str
    current: str | None
    reason: str


def _join(alias: str, number: str) -> str:
    """The customer of a change `ch` (in the change's company: R42 routes rows to several)."""
    return (
        f"{CUSTOMERS} {alias} ON {alias}.{CUSTOMERS.company} = ch.{CHANGES.company} "
        f"AND {alias}.{CUSTOMERS.number} = {number}"
    )


# The change's columns, as `ch.<column>`.
BATCH, KIND, FIELD = (f"ch.{CHANGES.batch}", f"ch.{CHANGES.kind}", f"ch.{CHANGES.field}")
NUMBER, OLD, NEW = (f"ch.{CHANGES.number}", f"ch.{CHANGES.old}", f"ch.{CHANGES.new}")
# The current value of the changed field (cheaper than to_jsonb() of the whole row).
_CURRENT = "(CASE {} {} END)".format(
    FIELD, " ".join(f"WHEN '{f}' THEN c.{COLUMN[f]}" for f in DETAIL_FIELDS)
)


def undo(batch: ImportBatch, *, user_id: int | None) -> list[NotRestored]:
    """Run inside the caller's transaction and company lock; returns what was not restored.

    Set-based like the engine, with the history rows written the engine's way; the customers
    to delete go through the ORM (after the triggers are back on) so every relation is honoured.
    """
    params: dict[str, Any] = {
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


def _fields_not_restored(cursor, params: dict[str, Any]) -> list[NotRestored]:
    cursor.execute(
        f"""
        SELECT {NUMBER}, {FIELD}, {OLD}, {NEW}, {_CURRENT}
        FROM {CHANGES} ch LEFT JOIN {_join("c", NUMBER)}
        WHERE {BATCH} = %(batch)s AND {KIND} IN ('change', 'erase')
          AND ({_CURRENT}) IS DISTINCT FROM {NEW}
        ORDER BY {NUMBER}, {FIELD}""",  # noqa: S608
        params,
    )
    return [
        NotRestored(
            number=number,
            field=field,
            old=old,
            new=new,
            current=current,
            reason="changed again after this import"
            if current is not None
            else "the customer no longer exists",
        )
        for number, field, old, new, current in cursor.fetchall()
    ]


def _restore_fields(cursor, params: dict[str, Any]) -> None:
    sets = ", ".join(
        f"{COLUMN[f]} = coalesce(r.olds ->> '{f}', c.{COLUMN[f]})" for f in DETAIL_FIELDS
    )
    cursor.execute(
        f"""
        WITH r AS (
            SELECT c.{CUSTOMERS.id} AS id, jsonb_object_agg({FIELD}, {OLD}) AS olds
            FROM {CHANGES} ch JOIN {_join("c", NUMBER)}
            WHERE {BATCH} = %(batch)s AND {KIND} IN ('change', 'erase')
              AND ({_CURRENT}) = {NEW}
            GROUP BY c.{CUSTOMERS.id}),
        changed AS (UPDATE {CUSTOMERS} c SET {sets}, {CUSTOMERS.updated_at} = now()
                    FROM r WHERE c.{CUSTOMERS.id} = r.id RETURNING c.*)
        {event_insert("customers.Customer", "update", "changed")}""",  # noqa: S608
        params,
    )


def _restore_links_and_zones(cursor, params: dict[str, Any]) -> None:
    link, zone = "customers.ShipToLink", "customers.ShipToZone"
    pk = CUSTOMERS.id
    cursor.execute(
        f"""
        WITH gone AS (
            DELETE FROM {LINKS} k USING {CHANGES} ch
                JOIN {_join("b", NUMBER)} JOIN {_join("s", NEW)}
            WHERE {BATCH} = %(batch)s AND {KIND} = 'link_add'
              AND k.{LINKS.billing} = b.{pk} AND k.{LINKS.shipping} = s.{pk} RETURNING k.*)
        {event_insert(link, "delete", "gone")}""",  # noqa: S608
        params,
    )
    cursor.execute(
        f"""
        WITH added AS (
            {LINKS.insert(["tenant", "public_id", "billing", "shipping", "created_at"])}
            SELECT %(tenant)s, gen_random_uuid(), b.{pk}, s.{pk}, now() FROM {CHANGES} ch
            JOIN {_join("b", NUMBER)} JOIN {_join("s", OLD)}
            WHERE {BATCH} = %(batch)s AND {KIND} = 'link_remove'
            ON CONFLICT ({LINKS.billing}, {LINKS.shipping}) DO NOTHING RETURNING *)
        {event_insert(link, "insert", "added")}""",  # noqa: S608
        params,
    )
    cursor.execute(
        f"""
        WITH gone AS (
            DELETE FROM {ZONES} z
            USING {CHANGES} ch JOIN {_join("c", NUMBER)}
            WHERE {BATCH} = %(batch)s AND {KIND} = 'zone_add'
              AND z.{ZONES.customer} = c.{pk} AND z.{ZONES.region} = {NEW} RETURNING z.*)
        {event_insert(zone, "delete", "gone")}""",  # noqa: S608
        params,
    )
    cursor.execute(
        f"""
        WITH added AS (
            {ZONES.insert(["tenant", "public_id", "customer", "region"])}
            SELECT %(tenant)s, gen_random_uuid(), c.{pk}, {OLD}
            FROM {CHANGES} ch JOIN {_join("c", NUMBER)}
            WHERE {BATCH} = %(batch)s AND {KIND} = 'zone_remove'
            ON CONFLICT ({ZONES.customer}, {ZONES.region}) DO NOTHING RETURNING *)
        {event_insert(zone, "insert", "added")}""",  # noqa: S608
        params,
    )


def later_work_relations() -> list[ForeignObjectRel]:
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


def _relation_label(relation: ForeignObjectRel) -> str:
    label = str(relation.related_model._meta.verbose_name_plural)
    return f"{label} ({relation.field.name})" if relation.field.name != "customer" else label


def _delete_new_customers(cursor, params: dict[str, Any]) -> list[NotRestored]:
    """Customers the batch created go, unless changed since or holding anything of their own
    (its own zones and links were removed before this runs). The kept ones are listed with
    what was attached to them."""
    quote = connection.ops.quote_name
    found = ", ".join(
        f"CASE WHEN EXISTS (SELECT 1 FROM {quote(r.related_model._meta.db_table)} x "  # noqa: S608
        f"WHERE x.{quote(getattr(Table(r.related_model), r.field.name))} = c.{CUSTOMERS.id}) "
        f"THEN %(label_{n})s END"
        for n, r in enumerate(later_work_relations())
    )
    params = {
        **params,
        **{f"label_{n}": _relation_label(r) for n, r in enumerate(later_work_relations())},
    }
    cursor.execute(
        f"""
        SELECT c.{CUSTOMERS.id}, c.{CUSTOMERS.number}, c.{CUSTOMERS.updated_at} > %(applied_at)s,
               array_remove(ARRAY[{found}]::text[], NULL)
        FROM {CHANGES} ch JOIN {_join("c", NUMBER)}
        WHERE {BATCH} = %(batch)s AND {KIND} = 'new'""",  # noqa: S608
        params,
    )
    rows = cursor.fetchall()
    deletable = [pk for pk, _, changed, attached in rows if not changed and not attached]
    if deletable:
        # The ORM's delete follows every relation the way the models declare; a protected
        # relation raises and the whole undo rolls back.
        Customer.objects.filter(pk__in=deletable).delete()
    return [
        NotRestored(
            number=number,
            field="",
            old="",
            new="",
            current="",
            reason=_kept_reason(changed, attached),
        )
        for _, number, changed, attached in rows
        if changed or attached
    ]


def _kept_reason(changed: bool, attached: list[str]) -> str:
    parts = [f"{', '.join(attached)} added since"] if attached else []
    if changed:
        parts.append("changed since")
    return f"created by this import and kept: {' and '.join(parts)}"
