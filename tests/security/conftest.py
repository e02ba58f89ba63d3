"""Fixtures of the security tests, shared with the apps' own tests where they exist."""

from tests.companies.test_admin import staff_admin  # noqa: F401  (alice's admin, is_staff)
