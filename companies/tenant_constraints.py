"""The database refuses a row whose references cross tenants (R51), whatever code writes it.

Every foreign key between two tenant-owned tables (a `tenant` column on both sides) gets a
composite twin that includes the tenant: `UNIQUE (id, tenant_id)` on the target and
`FOREIGN KEY (x_id, tenant_id) REFERENCES target (id, tenant_id)` on the referencing table.
A write costs an index lookup, like a plain foreign key, and no per-row trigger (the import
engine writes 100,000 customers and their zones in a few statements); on the columns imports
write in bulk the composite key replaces Django's plain one (`db_constraint=False` there).
Like Django's own foreign keys they are checked at commit (`DEFERRABLE INITIALLY DEFERRED`), so
Django's deletion order (a tenant's companies may go before its customers) keeps working; a
crossing row makes the commit, or `SET CONSTRAINTS ALL IMMEDIATE`, raise IntegrityError.
A table between two tenant-owned tables without a tenant column of its own (a many-to-many
table; an import's change rows, a batch's and a company's) has statement triggers instead, which
check that both ends of the rows a statement wrote share one tenant: one join per statement, at
the statement's end, so the 200,000 change rows of a 100,000-customer import cost ~0.1 s, not
the ~10 s of a per-row check at commit (P2).

The constraints are derived from the models' `_meta` here and nowhere else. The migration
`companies.0002_tenant_constraints` applies them, after listing any existing row that already
crosses tenants; a `post_migrate` hook applies them again after every `migrate`, so a model added
later is covered without anyone writing SQL (`tests/security/test_cross_tenant_references.py`
walks the models to prove it).
"""

import hashlib
from dataclasses import dataclass

SAME_TENANT_FUNCTION = "certhub_same_tenant"
MAX_NAME = 63  # PostgreSQL identifiers


class CrossTenantRows(Exception):
    """Rows already cross tenants; the message lists them (table, id, reference)."""


@dataclass(frozen=True)
class Reference:
    """A foreign key `table.column` -> `target_table.target_column`, both tables tenant-owned."""

    label: str  # "customers.ShipToZone.customer", for messages and tests
    table: str
    column: str
    target_table: str
    target_column: str

    @property
    def name(self) -> str:
        return constraint_name(self.table, self.column, "tenant_fk")


@dataclass(frozen=True)
class ThroughTable:
    """A many-to-many table without a tenant column between two tenant-owned tables."""

    label: str
    table: str
    left: tuple[str, str, str]  # (column, target table, target column)
    right: tuple[str, str, str]

    @property
    def name(self) -> str:
        """The INSERT trigger's name (the constraint an error names)."""
        return constraint_name(self.table, "", "same_tenant")

    @property
    def update_name(self) -> str:
        """The UPDATE trigger's (a trigger with a transition table has one event)."""
        return constraint_name(self.table, "", "same_tenant_upd")


def constraint_name(table: str, column: str, suffix: str) -> str:
    """`<table>_<column>_<suffix>`, shortened with a hash to PostgreSQL's 63 characters."""
    name = "_".join(p for p in (table, column, suffix) if p)
    if len(name) <= MAX_NAME:
        return name
    digest = hashlib.md5(name.encode(), usedforsecurity=False).hexdigest()[:8]
    keep = MAX_NAME - len(suffix) - len(digest) - 2
    return f"{name[:keep]}_{digest}_{suffix}"


def unique_name(table: str) -> str:
    return constraint_name(table, "id_tenant", "uniq")


def is_tenant_owned(model) -> bool:
    """A concrete model with a `tenant` foreign key to companies.Tenant."""
    if model._meta.abstract or model._meta.proxy:
        return False
    try:
        field = model._meta.get_field("tenant")
    except Exception:
        return False
    return bool(
        field.is_relation
        and field.related_model
        and field.related_model._meta.label == "companies.Tenant"
    )


def is_history(model) -> bool:
    """A pghistory event model: its copies of foreign keys are unconstrained on purpose (the
    rows outlive what they describe)."""
    return any(f.name == "pgh_id" for f in model._meta.concrete_fields)


def references(models) -> list[Reference]:
    """Every foreign key between two tenant-owned models, `tenant` aside, history excepted.

    A field with `db_constraint=False` (the columns imports write in bulk: a customer's
    company, a zone's customer, a link's customers) gets the tenant foreign key as its only
    constraint: it proves the target exists as well, one index lookup per row instead of two.
    """
    found = []
    for model in models:
        if not is_tenant_owned(model) or is_history(model):
            continue
        for field in model._meta.concrete_fields:
            if (
                field.many_to_one
                and field.name != "tenant"
                and is_tenant_owned(field.related_model)
            ):
                found.append(
                    Reference(
                        label=f"{model._meta.label}.{field.name}",
                        table=model._meta.db_table,
                        column=field.column,
                        target_table=field.related_model._meta.db_table,
                        target_column=field.target_field.column,
                    )
                )
    return sorted(found, key=lambda r: r.label)


def through_tables(models) -> list[ThroughTable]:
    """Many-to-many tables (no tenant column, Django's own or declared like
    companies.MembershipCompany) between tenant-owned models, history excepted."""
    found = []
    for model in models:
        if is_tenant_owned(model) or is_history(model):
            continue
        ends = [
            f
            for f in model._meta.concrete_fields
            if f.many_to_one and is_tenant_owned(f.related_model)
        ]
        if len(ends) == 2:
            left, right = (
                (f.column, f.related_model._meta.db_table, f.target_field.column) for f in ends
            )
            found.append(
                ThroughTable(
                    label=model._meta.label, table=model._meta.db_table, left=left, right=right
                )
            )
    return sorted(found, key=lambda t: t.label)


def crossing_rows(cursor, models, limit: int = 10) -> list[str]:
    """Existing rows whose references cross tenants, as readable lines (at most `limit` each)."""
    lines = []
    for ref in references(models):
        cursor.execute(f"""
            SELECT x.id, x."{ref.column}", x.tenant_id, y.tenant_id
            FROM "{ref.table}" x JOIN "{ref.target_table}" y ON y."{ref.target_column}" = x."{ref.column}"
            WHERE y.tenant_id <> x.tenant_id ORDER BY x.id LIMIT {int(limit)}""")  # noqa: S608, E501
        lines += [
            f"{ref.table} id {pk}: {ref.column} {target} is in tenant {theirs}, "
            f"the row in tenant {ours}"
            for pk, target, ours, theirs in cursor.fetchall()
        ]
    for through in through_tables(models):
        (lcol, ltable, lkey), (rcol, rtable, rkey) = through.left, through.right
        cursor.execute(f"""
            SELECT x.id, x."{lcol}", l.tenant_id, x."{rcol}", r.tenant_id FROM "{through.table}" x
            JOIN "{ltable}" l ON l."{lkey}" = x."{lcol}" JOIN "{rtable}" r ON r."{rkey}" = x."{rcol}"
            WHERE l.tenant_id <> r.tenant_id ORDER BY x.id LIMIT {int(limit)}""")  # noqa: S608, E501
        lines += [
            f"{through.table} id {pk}: {lcol} {lid} is in tenant {lt}, {rcol} {rid} in tenant {rt}"
            for pk, lid, lt, rid, rt in cursor.fetchall()
        ]
    return lines


_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION certhub_same_tenant() RETURNS trigger LANGUAGE plpgsql AS $$
-- R51: both ends of each row the statement wrote (transition table written_rows) belong to
-- one tenant. Arguments: left column, left table, right column, right table (ids are the
-- tables' "id"). An end that does not exist is not this check's business (its foreign key's).
DECLARE
    crossing record;
BEGIN
    EXECUTE format(
        'SELECT w.l, lt.tenant_id AS l_tenant, w.r, rt.tenant_id AS r_tenant '
        'FROM (SELECT DISTINCT %1$I AS l, %3$I AS r FROM written_rows) w '
        'JOIN %2$I lt ON lt.id = w.l JOIN %4$I rt ON rt.id = w.r '
        'WHERE lt.tenant_id <> rt.tenant_id LIMIT 1',
        TG_ARGV[0], TG_ARGV[1], TG_ARGV[2], TG_ARGV[3]) INTO crossing;
    IF crossing.l IS NOT NULL THEN
        RAISE EXCEPTION 'R51: % row refers to two tenants (% % in tenant %, % % in tenant %)',
            TG_TABLE_NAME, TG_ARGV[0], crossing.l, crossing.l_tenant, TG_ARGV[2], crossing.r,
            crossing.r_tenant
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = TG_NAME;
    END IF;
    RETURN NULL;
END $$;
"""


def apply(connection, models) -> list[str]:
    """Create the missing tenant constraints of `models` (idempotent); returns their names.

    Raises CrossTenantRows, before creating anything, when existing rows cross tenants.
    """
    tables = set(connection.introspection.table_names())
    models = [m for m in models if m._meta.db_table in tables]  # (tables made elsewhere: none)
    refs, throughs = references(models), through_tables(models)
    refs = [r for r in refs if r.target_table in tables]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint UNION ALL "
            "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
        )
        existing = {name for (name,) in cursor.fetchall()}
        missing_refs = [r for r in refs if r.name not in existing]
        # (A database from before the statement triggers has the INSERT name only: replaced.)
        missing_throughs = [
            t for t in throughs if t.name not in existing or t.update_name not in existing
        ]
        if not missing_refs and not missing_throughs:
            return []
        crossing = crossing_rows(cursor, models)
        if crossing:
            raise CrossTenantRows(
                "These rows refer to another tenant's rows; fix or delete them, then migrate "
                "again:\n  " + "\n  ".join(crossing)
            )
        created = []
        for target in sorted({r.target_table for r in missing_refs}):
            name = unique_name(target)
            if name not in existing:
                cursor.execute(
                    f'ALTER TABLE "{target}" ADD CONSTRAINT "{name}" UNIQUE (id, tenant_id)'
                )
                created.append(name)
        for ref in missing_refs:
            cursor.execute(
                f'ALTER TABLE "{ref.table}" ADD CONSTRAINT "{ref.name}" FOREIGN KEY '
                f'("{ref.column}", tenant_id) REFERENCES "{ref.target_table}" '
                f'("{ref.target_column}", tenant_id) DEFERRABLE INITIALLY DEFERRED'
            )
            created.append(ref.name)
        if missing_throughs:
            cursor.execute(_FUNCTION_SQL)
        for through in missing_throughs:
            (lcol, ltable, _), (rcol, rtable, _) = through.left, through.right
            arguments = f"'{lcol}', '{ltable}', '{rcol}', '{rtable}'"
            for name, event in ((through.name, "INSERT"), (through.update_name, "UPDATE")):
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{through.table}"')
                cursor.execute(
                    f'CREATE TRIGGER "{name}" AFTER {event} ON "{through.table}" '
                    "REFERENCING NEW TABLE AS written_rows FOR EACH STATEMENT "
                    f"EXECUTE FUNCTION {SAME_TENANT_FUNCTION}({arguments})"
                )
            created.append(through.name)
    return created


def remove(connection, models) -> None:
    """Drop what `apply` created (the migration's reverse)."""
    tables = set(connection.introspection.table_names())
    models = [m for m in models if m._meta.db_table in tables]
    with connection.cursor() as cursor:
        for through in through_tables(models):
            for name in (through.name, through.update_name):
                cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{through.table}"')
        refs = references(models)
        for ref in refs:
            cursor.execute(f'ALTER TABLE "{ref.table}" DROP CONSTRAINT IF EXISTS "{ref.name}"')
        for target in sorted({r.target_table for r in refs}):
            cursor.execute(
                f'ALTER TABLE "{target}" DROP CONSTRAINT IF EXISTS "{unique_name(target)}"'
            )
        cursor.execute(f"DROP FUNCTION IF EXISTS {SAME_TENANT_FUNCTION}()")
