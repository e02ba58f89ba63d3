"""R40 (with R25's cap): a workbook up to 50 MB is accepted; a larger one is refused with 413
while it streams in, never held in memory, and nothing is stored."""

import pytest

from imports.models import ImportBatch
from tests.streamed_upload import CAP, MB, StreamedBody, files_in, post_measured

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _workbook(size: int) -> StreamedBody:
    return StreamedBody(
        filename="customers.xlsx",
        size=size,
        head=b"PK\x03\x04",
        content_type=XLSX,
        fields={"replace": "on"},
    )


def test_workbook_over_50_mb_is_refused_while_streaming(alice, login, tmp_path, upload_temp):
    """R40, R25: 50 MB + 1 byte answers 413 with a message; no batch, no stored file, no
    temporary file, and memory never holds the file."""
    response, peak = post_measured(login(alice.editor), _workbook(CAP + 1), alice.url("imports/"))
    assert response.status_code == 413
    assert "customers.xlsx is larger than 50 MB." in response.content.decode()
    assert files_in(tmp_path / "media") == []
    assert files_in(upload_temp) == []
    with alice.scope():
        assert not ImportBatch.objects.exists()
    assert peak < 8 * MB, f"peak {peak / MB:.1f} MB while refusing a 50 MB upload"


def test_workbook_of_exactly_50_mb_is_accepted(alice, login, tmp_path, upload_temp):
    """R40: the cap is inclusive: a 52,428,800-byte workbook becomes a batch with its file
    stored, streamed through a temporary file rather than memory."""
    response, peak = post_measured(login(alice.editor), _workbook(CAP), alice.url("imports/"))
    assert response.status_code == 302
    with alice.scope():
        batch = ImportBatch.objects.get()
    assert batch.original_name == "customers.xlsx"
    assert (tmp_path / "media" / batch.file.name).stat().st_size == CAP
    assert files_in(upload_temp) == []
    assert peak < 8 * MB
