"""R27 with S3-compatible object storage: moto's standalone server stands in for S3, reached
through django-storages' S3 backend exactly as a configured bucket would be."""

import re

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from documents.models import Note
from tests.factories import make_customer

BUCKET = "certhub-test"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_endpoint):
    """The default storage is an S3 bucket, as certhub/settings.py makes it when
    CERTHUB_S3_BUCKET is set."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def _keys(client):
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_note_file_goes_to_s3_under_a_random_tenant_key(
    alice, login, s3, tmp_path, django_capture_on_commit_callbacks
):
    """R27: with S3 configured, an uploaded file is an object whose key is tenant-prefixed and
    random; the download view streams its bytes back; removing the entry deletes the object."""
    customer = make_customer(alice.company, "C-1")
    client = login(alice.editor)
    url = alice.url(f"customers/{customer.public_id}/comments/")
    response = client.post(url, {"file": SimpleUploadedFile("cert.pdf", PDF)})
    assert response.status_code == 302
    with alice.scope():
        note = Note.objects.get()
    [key] = _keys(s3)
    assert key == note.file.name
    assert re.fullmatch(rf"tenants/{alice.tenant.public_id}/notes/[0-9a-f]{{32}}\.pdf", key)
    assert "cert" not in key
    assert not (tmp_path / "media").exists()  # nothing on the local disk

    download = client.get(alice.url(f"notes/{note.public_id}/file/"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(alice.url(f"notes/{note.public_id}/remove/"))
    assert _keys(s3) == []
