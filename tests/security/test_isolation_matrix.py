"""R1, R3: every tenant URL that takes a public id answers 404 for an object the user may not
reach: another tenant's, one hanging on another parent, or one of a company outside a limited
membership. The URL resolver is walked, so a new URL is covered the day it is added; a URL
whose kinds of object are not mapped below fails the mapping test until someone maps it."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter

from companies.models import Role
from tests.factories import make_company, make_membership
from tests.security import objects
from tests.security.objects import CHILD_KINDS, TOP_KINDS, Place

# URL name -> the kind of object each UUID kwarg names. "public_id" is the top object; any
# other kwarg names a child of the customer in "public_id".
URL_KINDS = {
    "companies:edit": {"public_id": "company"},
    "companies:move": {"public_id": "company"},
    "companies:delete": {"public_id": "company"},
    "companies:member_edit": {"public_id": "membership"},
    "companies:member_remove": {"public_id": "membership"},
    "companies:invitation_revoke": {"public_id": "invitation"},
    "customers:detail": {"public_id": "customer"},
    "customers:edit": {"public_id": "customer"},
    "customers:delete": {"public_id": "customer"},
    "customers:toggle_active": {"public_id": "customer"},
    "customers:shipto": {"public_id": "customer"},
    "customers:zone_add": {"public_id": "customer"},
    "customers:zone_remove": {"public_id": "customer", "zone_id": "zone"},
    "customers:link_add": {"public_id": "customer"},
    "customers:link_remove": {"public_id": "customer", "link_id": "link"},
    "customers:addresses": {"public_id": "customer"},
    "customers:address_add": {"public_id": "customer"},
    "customers:address_edit": {"public_id": "customer", "address_id": "address"},
    "customers:address_toggle": {"public_id": "customer", "address_id": "address"},
    "customers:contact_add": {"public_id": "customer"},
    "customers:contact_edit": {"public_id": "customer", "contact_id": "contact"},
    "customers:contact_delete": {"public_id": "customer", "contact_id": "contact"},
    "customers:address_channel_add": {"public_id": "customer", "owner_id": "address"},
    "customers:contact_channel_add": {"public_id": "customer", "owner_id": "contact"},
    "customers:channel_remove": {"public_id": "customer", "channel_id": "channel"},
    "customers:history": {"public_id": "customer"},
    "documents:detail": {"public_id": "document"},
    "documents:edit": {"public_id": "document"},
    "documents:file": {"public_id": "document"},
    "documents:review": {"public_id": "document"},
    "documents:void": {"public_id": "document"},
    "documents:document_notes": {"public_id": "document"},
    "documents:exposure_export": {"public_id": "export"},
    "documents:exposure_download": {"public_id": "export"},
    "documents:customer_documents": {"public_id": "customer"},
    "documents:create": {"public_id": "customer"},
    "documents:customer_notes": {"public_id": "customer"},
    "documents:note_edit": {"public_id": "note"},
    "documents:note_remove": {"public_id": "note"},
    "documents:note_file": {"public_id": "note"},
    "documents:request_resend": {"public_id": "request"},
    "documents:request_cancel": {"public_id": "request"},
    "documents:request_create": {"public_id": "customer"},
    "imports:batch": {"public_id": "batch"},
    "imports:progress": {"public_id": "batch"},
    "imports:apply": {"public_id": "batch"},
    "imports:cancel": {"public_id": "batch"},
    "imports:undo": {"public_id": "batch"},
    "imports:revalidate": {"public_id": "batch"},
    "imports:mark_failed": {"public_id": "batch"},
    "imports:errors": {"public_id": "batch"},
    "imports:map": {"public_id": "batch"},
}

# Kinds that belong to the tenant rather than to a company: a limited membership is not
# refused them by company. (None now: members and invitations reach companies, and a limited
# admin reaches only those limited to its own companies, R50.)
TENANT_LEVEL_KINDS: set[str] = set()


def _walk(patterns, names=(), converters=None):
    """(URL name, {kwarg: converter}) of every URL pattern, prefixes' converters included."""
    converters = converters or {}
    for pattern in patterns:
        found = {**converters, **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            space = (*names, pattern.namespace) if pattern.namespace else names
            yield from _walk(pattern.url_patterns, space, found)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield ":".join((*names, pattern.name)), found


def tenant_object_urls() -> list[str]:
    """Names of the URLs under /t/<tenant_slug>/ that take a UUID."""
    names = set()
    for name, converters in _walk(get_resolver().url_patterns):
        if "tenant_slug" in converters and any(
            isinstance(c, UUIDConverter) for c in converters.values()
        ):
            names.add(name)
    return sorted(names)


def uuid_kwargs(name: str) -> list[str]:
    for found, converters in _walk(get_resolver().url_patterns):
        if found == name:
            return sorted(k for k, c in converters.items() if isinstance(c, UUIDConverter))
    raise LookupError(name)


TENANT_URLS = tenant_object_urls()
NESTED_URLS = [name for name in TENANT_URLS if len(URL_KINDS.get(name, {})) > 1]


def test_every_tenant_url_with_a_public_id_is_mapped():
    """R3: a new tenant URL that takes a public id must be added to URL_KINDS (and so to the
    matrix below); a mapping must name exactly the URL's UUID kwargs and known kinds."""
    assert len(TENANT_URLS) > 40  # the walk found the apps' URLs
    unmapped = [name for name in TENANT_URLS if name not in URL_KINDS]
    assert not unmapped, f"Map these URLs in {__name__}.URL_KINDS: {unmapped}"
    stale = [name for name in URL_KINDS if name not in TENANT_URLS]
    assert not stale, f"These mapped URLs no longer exist: {stale}"
    for name in TENANT_URLS:
        kinds = URL_KINDS[name]
        assert sorted(kinds) == uuid_kwargs(name), name
        assert kinds["public_id"] in TOP_KINDS, name
        assert all(kind in CHILD_KINDS for key, kind in kinds.items() if key != "public_id")


def _objects(name: str, place: Place, child_place: Place | None = None) -> dict:
    """The URL kwargs for objects made at `place` (children at `child_place`, when given,
    hanging on a customer made there)."""
    kinds = URL_KINDS[name]
    top = TOP_KINDS[kinds["public_id"]](place)
    kwargs = {"public_id": top.public_id}
    for key, kind in kinds.items():
        if key == "public_id":
            continue
        at = child_place or place
        parent = top if child_place is None else objects.customer(at)
        kwargs[key] = CHILD_KINDS[kind](at, parent).public_id
    return kwargs


def _url(name: str, world, kwargs: dict) -> str:
    return reverse(name, kwargs={"tenant_slug": world.tenant.slug, **kwargs})


def _answers(client, url: str) -> dict[str, int]:
    return {"GET": client.get(url).status_code, "POST": client.post(url).status_code}


def assert_not_found(client, url: str) -> None:
    """GET and POST both answer 404 (405 for the method the view does not take), so nothing
    was read or written."""
    answers = _answers(client, url)
    assert set(answers.values()) <= {404, 405}, (url, answers)
    assert 404 in answers.values(), (url, answers)


@pytest.fixture
def acting(alice):
    """Alice's admin, and a place in alice for objects she owns."""
    return Place(alice, alice.company, alice.admin)


@pytest.mark.parametrize("name", TENANT_URLS)
def test_own_object_is_found(name, alice, acting, login):
    """R3 (control): with alice's own objects the URL answers something else than 404, so a
    404 in the tests below is the isolation, not a wrongly made object."""
    url = _url(name, alice, _objects(name, acting))
    answers = _answers(login(alice.admin), url)
    assert any(code not in (404, 405) for code in answers.values()), (url, answers)


@pytest.mark.parametrize("name", TENANT_URLS)
def test_other_tenants_object_is_not_found(name, alice, bob, login):
    """R1, R3: alice's admin asking for bob's object under alice's slug gets 404, as for an
    object that does not exist."""
    url = _url(name, alice, _objects(name, Place(bob, bob.company, bob.admin)))
    assert_not_found(login(alice.admin), url)


@pytest.mark.parametrize("name", TENANT_URLS)
def test_unknown_id_is_not_found(name, alice, acting, login):
    """R3: a random UUID in place of each id answers 404."""
    kwargs = _objects(name, acting)
    client = login(alice.admin)
    for key in kwargs:
        assert_not_found(client, _url(name, alice, {**kwargs, key: uuid.uuid4()}))


@pytest.mark.parametrize("name", NESTED_URLS)
def test_other_tenants_child_under_own_customer_is_not_found(name, alice, bob, acting, login):
    """R1, R3: alice's customer with bob's zone, link, address, contact or channel: 404."""
    kwargs = _objects(name, acting, child_place=Place(bob, bob.company, bob.admin))
    kwargs["public_id"] = objects.customer(acting).public_id
    assert_not_found(login(alice.admin), _url(name, alice, kwargs))


@pytest.mark.parametrize("name", NESTED_URLS)
def test_other_customers_child_is_not_found(name, alice, acting, login):
    """R3: a child of one of alice's customers under another of her customers: 404 (the
    child is fetched through its customer, never by its id alone)."""
    kwargs = _objects(name, acting, child_place=acting)
    assert_not_found(login(alice.admin), _url(name, alice, kwargs))


@pytest.mark.parametrize(
    "name", [n for n in TENANT_URLS if URL_KINDS[n]["public_id"] not in TENANT_LEVEL_KINDS]
)
def test_object_of_a_company_outside_the_membership_is_not_found(name, alice, acting, login):
    """R2, R3: an admin limited to one company gets 404 for the objects of a company outside
    it, in the same tenant."""
    side = make_company(alice.tenant, "SIDE", "Side company")
    limited = make_membership(alice.tenant, role=Role.ADMIN, companies=[side]).user
    url = _url(name, alice, _objects(name, acting))
    assert_not_found(login(limited), url)
