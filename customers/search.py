"""The customer list and search (R13): filters, a search box, keyset pagination.

Built for a million customers: the search uses the one trigram GIN index on the generated
column `search_text` (number, name, email, city and ZIP upper-cased, see customers.models),
pages are cut by a keyset cursor on (sort key, id) instead of OFFSET, and the total is counted
only up to COUNT_LIMIT rows, so each page costs a few queries whatever the size of the data.
"""

import base64
import json
import re
from dataclasses import dataclass, field
from typing import TypedDict

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper

from customers.models import ZIP_MARK, Address, Customer
from customers.postal import ZIP3, mismatch_q, mismatches
from customers.regions import REGION_NAMES

PAGE_SIZE = 50
COUNT_LIMIT = 10_000
SEARCH_CANDIDATES = 2_000  # matches read before a search counts as "common" (search_page)
WALK_ROWS = 40_000  # rows of the sort order a common term's page may be filtered from
SORT_KEYS = {"name": "name1", "number": "number"}
POSTAL_LIKE = re.compile(r"^[0-9A-Z][0-9A-Z -]{1,9}$")


def search_q(text: str) -> Q:
    """Customers whose number, name, email or city contain the text, or whose state or ZIP
    is it (a ZIP also by its start).

    The trigram index finds the rows whose search_text contains the term; the per-field
    conditions then recheck those few rows, so a term found only inside a ZIP (not at its
    start) does not match."""
    term = normalise_term(text)
    if not term:
        return Q()
    fields = Q()
    for name in ("number", "name1", "email", "city"):
        fields |= Q(**{f"{name}_upper__contains": term})
    q = Q(search_text__contains=term) & fields
    if POSTAL_LIKE.match(term) and any(ch.isdigit() for ch in term):
        q |= Q(search_text__contains=ZIP_MARK + term)
    if term in REGION_NAMES:
        q |= Q(state=term)
    return q


def with_search_fields(qs: QuerySet[Customer]) -> QuerySet[Customer]:
    """The per-field upper-cased values search_q rechecks (no index needed: only the rows
    the trigram index found are read)."""
    return qs.alias(
        number_upper=Upper("number"),
        name1_upper=Upper("name1"),
        email_upper=Upper("email"),
        city_upper=Upper("city"),
    )


def filter_customers(
    qs: QuerySet[Customer],
    *,
    q: str = "",
    kind: str = "",
    tax_ready: str = "",
    state: str = "",
    status: str = "",
    address_check: str = "",
) -> QuerySet[Customer]:
    """status: "" active customers only (the default view, R59), "inactive", or "all";
    address_check="fails": customers whose main address or an active address has a ZIP
    outside its state, whatever the setting (R63)."""
    qs = with_search_fields(qs)
    if status == "inactive":
        qs = qs.filter(is_active=False)
    elif status != "all":
        qs = qs.filter(is_active=True)
    if q:
        qs = qs.filter(search_q(q))
    if kind:
        qs = qs.filter(kind=kind)
    if tax_ready in ("yes", "no"):
        qs = qs.filter(tax_ready=tax_ready == "yes")
    if state:
        qs = qs.filter(state=state.strip().upper())
    if address_check == "fails":
        addresses = Address.objects.filter(customer=OuterRef("pk"), is_active=True)
        qs = qs.alias(zip3=ZIP3).filter(mismatch_q() | Exists(mismatches(addresses)))
    return qs


# --- keyset pagination ----------------------------------------------------------------------


def encode_cursor(value: str, pk: int) -> str:
    raw = json.dumps([value, pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, int] | None:
    """The (sort value, id) in a cursor, or None for anything malformed."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(value, str) or not isinstance(pk, int):
        return None
    return value, pk


@dataclass
class KeysetPage:
    items: list
    next_cursor: str | None = None
    previous_cursor: str | None = None
    count: int | None = None
    count_is_capped: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.previous_cursor)


class _Place(TypedDict):
    """Where a page starts: the sort key, the cursor (none: the list's start) and whether the
    page goes backwards from it."""

    key: str
    cursor: tuple[str, int] | None
    backwards: bool


def _cursor_of(after: str, before: str) -> tuple[tuple[str, int] | None, bool]:
    """The cursor to start from and whether the page goes backwards (a bad cursor: none)."""
    cursor = decode_cursor(after) if after else None
    if cursor is None and before:
        cursor = decode_cursor(before)
        return cursor, cursor is not None
    return cursor, False


def _paged(rows: list, *, key: str, cursor, backwards: bool, size: int) -> KeysetPage:
    """A page from up to size + 1 rows in page order (one more: there is a next page)."""
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = KeysetPage(items=rows)
    has_next, has_previous = (True, more) if backwards else (more, cursor is not None)
    if rows and has_next:
        page.next_cursor = encode_cursor(getattr(rows[-1], key), rows[-1].pk)
    if rows and has_previous:
        page.previous_cursor = encode_cursor(getattr(rows[0], key), rows[0].pk)
    return page


def keyset_page(
    qs: QuerySet, *, sort: str = "name", after: str = "", before: str = "", size: int = PAGE_SIZE
) -> KeysetPage:
    """One page of `qs` ordered by (sort key, id), after or before a cursor.

    `key >= value AND (key > value OR id > pk)` lets PostgreSQL start an index range scan at
    the cursor, which a plain OR would not.
    """
    key = SORT_KEYS.get(sort, "name1")
    cursor, backwards = _cursor_of(after, before)
    order = [f"-{key}", "-id"] if backwards else [key, "id"]
    rows = list(qs.filter(_after_cursor(key, cursor, backwards)).order_by(*order)[: size + 1])
    return _paged(rows, key=key, cursor=cursor, backwards=backwards, size=size)


def normalise_term(text: str) -> str:
    return " ".join(text.split()).upper()


# --- search pages (R13, P4) -----------------------------------------------------------------
#
# PostgreSQL cannot both use the trigram index and read in name order, and which of the two it
# picks for "matches ORDER BY name LIMIT 50" follows its estimates, which are poor for
# substrings: at a million customers a wrong pick costs a walk of the whole name order or a
# sort of every match. So a search page is built from statements that each have one sensible
# plan, and the code, not the planner, chooses between them from what it has read:
#
# 1. candidates: up to SEARCH_CANDIDATES + 1 matches, in no order (the trigram index; the cost
#    is bounded by the limit). Fewer: that is every match, and the page is sorted from them.
# 2. a common term: the sample tells roughly how many matches there are (how far into the
#    table the trigram index's bitmap, read in table order, went to find them) and where the
#    first of them sorts. If a count on the sort index (up to a limit) puts that match near
#    the cursor, the listed rows are read in sort order (a walk that stops at a full page and
#    never reads more rows than the sort below would: at most the estimated matches, at most
#    WALK_ROWS).
# 3. otherwise, or if the walk found no full page: every match after the cursor is read from
#    the trigram index and sorted.
#
# Each step's scan sits in a subquery with a LIMIT or a MATERIALIZED CTE, which PostgreSQL does
# not merge with the ORDER BY ... LIMIT around it, so it cannot turn one plan into the other.
# tests/customers/test_search_plans.py pins the plan of each statement.


def _ordering(key: str, backwards: bool) -> str:
    direction = "DESC" if backwards else "ASC"
    return f'"{key}" {direction}, "id" {direction}'


def _after_cursor(key: str, cursor: tuple[str, int] | None, backwards: bool) -> Q:
    """Rows after the cursor in the page's direction (R13's keyset condition)."""
    if cursor is None:
        return Q()
    value, pk = cursor
    if backwards:
        return Q(**{f"{key}__lte": value}) & (Q(**{f"{key}__lt": value}) | Q(id__lt=pk))
    return Q(**{f"{key}__gte": value}) & (Q(**{f"{key}__gt": value}) | Q(id__gt=pk))


def _up_to(key: str, bound: tuple[str, int], backwards: bool) -> Q:
    """Rows up to and including the bound in the page's direction."""
    value, pk = bound
    if backwards:
        return Q(**{f"{key}__gte": value}) & (Q(**{f"{key}__gt": value}) | Q(id__gte=pk))
    return Q(**{f"{key}__lte": value}) & (Q(**{f"{key}__lt": value}) | Q(id__lte=pk))


def _where_sql(model, q: Q) -> tuple[str, list]:
    """The WHERE condition of `q` on `model`'s table, to apply to a subquery named like the
    table (TRUE for an empty Q)."""
    query = with_search_fields(model._base_manager.all()).filter(q).query
    if not query.where:
        return "TRUE", []
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, list(params)


@dataclass
class _Matches:
    read: int  # matches read (up to the limit asked)
    ids: list[int]  # the first size + 1 of them after the cursor, in page order
    first: tuple[str, int] | None  # the (key, id) of the first of those
    estimate: int  # how many matches there are, from how much of the table was read


def _read_matches(
    matches: QuerySet, *, key: str, cursor, backwards: bool, size: int, limit: int | None
) -> _Matches:
    """Matches read without order into a MATERIALIZED CTE (the trigram index's bitmap scan,
    in table order), then sorted there: one statement."""
    model = matches.model
    block = RawSQL(f'("{model._meta.db_table}".ctid::text::point)[0]', [])  # noqa: S611 (no values)
    inner = matches.order_by().values(key, "id", block=block)
    if limit is not None:
        inner = inner[:limit]
    inner_sql, inner_params = inner.query.sql_with_params()
    cut_sql, cut_params = _where_sql(model, _after_cursor(key, cursor, backwards))
    order = _ordering(key, backwards)
    sql = (
        f"WITH m AS MATERIALIZED ({inner_sql}), "  # noqa: S608 (Django's SQL; values are parameters)
        f'p AS (SELECT "{key}", "id" FROM m AS "{model._meta.db_table}" '
        f"WHERE {cut_sql} ORDER BY {order} LIMIT %s) "
        f'SELECT (SELECT count(*) FROM m), ARRAY(SELECT "id" FROM p ORDER BY {order}), '
        f'(SELECT ARRAY["{key}"::text, "id"::text] FROM p ORDER BY {order} LIMIT 1), '
        "(SELECT min(block) FROM m), (SELECT max(block) FROM m), "
        "pg_relation_size(%s::regclass) / current_setting('block_size')::int"
    )
    with connection.cursor() as cursor_:
        cursor_.execute(sql, [*inner_params, *cut_params, size + 1, model._meta.db_table])
        read, ids, first, low, high, blocks = cursor_.fetchone()
    estimate = read
    if read and limit is not None and read >= limit:
        # The bitmap is read in table order: the share of the table (from the first block
        # with a match) it took to find `limit` matches scales them to the whole.
        estimate = int(read * (blocks - low) / max(1, high - low + 1))
    return _Matches(read, list(ids), (first[0], int(first[1])) if first else None, estimate)


def _rows_up_to(
    listed: QuerySet, *, key: str, cursor, bound: tuple[str, int], backwards: bool, limit: int
) -> int:
    """How many of the tenant's customers lie between the cursor and the bound, counted up
    to `limit` on the tenant's sort index (index-only where the table is vacuumed, as an
    import leaves it)."""
    rows = listed.model._default_manager.filter(
        _after_cursor(key, cursor, backwards), _up_to(key, bound, backwards)
    )
    # In sort order, so that the LIMIT stops an index scan (a bitmap would read the range).
    order = [f"-{key}", "-id"] if backwards else [key, "id"]
    return rows.order_by(*order)[:limit].count()


def _walk(
    listed: QuerySet, term: str, *, key: str, cursor, backwards: bool, size: int, rows: int
) -> list[int]:
    """The ids of the first size + 1 matches among the next `rows` listed customers in sort
    order. The walk reads the sort index in order (it includes search_text and the list's
    filters: an index-only scan once the table is vacuumed) in a subquery with a LIMIT, so the
    planner cannot swap it for the trigram index; only the rows whose search_text holds the
    term are read from the table, by primary key, to recheck each field, up to a full page."""
    model = listed.model
    table = model._meta.db_table
    walked = (
        listed.filter(_after_cursor(key, cursor, backwards))
        .order_by(*([f"-{key}", "-id"] if backwards else [key, "id"]))
        .values("id", key, "search_text")[:rows]
    )
    walked_sql, walked_params = walked.query.sql_with_params()
    match_sql, match_params = _where_sql(model, search_q(term))
    normalised = normalise_term(term)
    # A region code also matches by state, which the index does not hold: no pre-filter then.
    held, held_params = (
        ("TRUE", [])
        if normalised in REGION_NAMES
        else ("strpos(w.search_text, %s) > 0", [normalised])
    )
    direction = "DESC" if backwards else "ASC"
    # The recheck is a scalar subquery: run per candidate through the primary key, never
    # turned into a join the planner could answer by reading the whole table.
    recheck = f'(SELECT {match_sql} FROM "{table}" WHERE "{table}"."id" = w."id")'  # noqa: S608
    sql = (
        f'SELECT w."id" FROM ({walked_sql}) AS w WHERE {held} AND {recheck} '  # noqa: S608 (Django's SQL; values are parameters)
        f'ORDER BY w."{key}" {direction}, w."id" {direction} LIMIT %s'
    )
    with connection.cursor() as cursor_:
        cursor_.execute(sql, [*walked_params, *held_params, *match_params, size + 1])
        return [row[0] for row in cursor_.fetchall()]


def _page_of(
    model, ids: list[int], *, key: str, cursor, backwards: bool, size: int, select_related
) -> KeysetPage:
    """The page of the given ids (up to size + 1, in page order): one query by primary key."""
    found = model._default_manager.select_related(*select_related).in_bulk(ids)
    rows = [found[pk] for pk in ids if pk in found]
    return _paged(rows, key=key, cursor=cursor, backwards=backwards, size=size)


def search_page(
    listed: QuerySet,
    *,
    term: str,
    sort: str = "name",
    after: str = "",
    before: str = "",
    size: int = PAGE_SIZE,
    select_related: tuple = (),
) -> KeysetPage:
    """A page of the customers of `listed` (the list's filters, without the search) that
    match `term`, ordered by (sort key, id), after or before a cursor (R13).

    Its count is exact up to SEARCH_CANDIDATES matches, then "SEARCH_CANDIDATES+". At most
    four statements besides the page's rows, each bounded by a limit or by the number of
    matches (P4): see the notes above."""
    key = SORT_KEYS.get(sort, "name1")
    cursor, backwards = _cursor_of(after, before)
    matches = listed.filter(search_q(term))
    place = _Place(key=key, cursor=cursor, backwards=backwards)
    sample = _read_matches(matches, **place, size=size, limit=SEARCH_CANDIDATES + 1)
    ids = sample.ids
    if sample.read > SEARCH_CANDIDATES:  # the sample's page is not the page: walk or sort
        # A walk never reads more rows than the sort would (the estimated matches).
        walk = min(WALK_ROWS, sample.estimate)
        ids = []
        if sample.first and _rows_up_to(listed, **place, bound=sample.first, limit=walk) < walk:
            ids = _walk(listed, term, **place, size=size, rows=walk)
        if len(ids) <= size:  # no walk, or no full page within it (the list's end included)
            ids = _read_matches(matches, **place, size=size, limit=None).ids
    page = _page_of(listed.model, ids, **place, size=size, select_related=select_related)
    page.count = min(sample.read, SEARCH_CANDIDATES)
    page.count_is_capped = sample.read > SEARCH_CANDIDATES
    return page


def capped_count(qs: QuerySet, limit: int | None = None) -> tuple[int, bool]:
    """The number of rows, counted up to limit + 1; (count, True) means "more than limit"."""
    limit = COUNT_LIMIT if limit is None else limit
    counted = qs.order_by()[: limit + 1].count()
    return min(counted, limit), counted > limit
