"""Fixtures of the documents tests."""

from tests.streamed_upload import upload_temp  # noqa: F401  (a fixture of the cap tests)
