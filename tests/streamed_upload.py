"""A multipart upload produced as it is read, for the 50 MB cap tests (R25, R40): the test
itself never holds the file."""

import tracemalloc

import pytest

MB = 1024 * 1024
CAP = 52_428_800  # 50 MB, the cap of R25 and R40


class StreamedBody:
    """Fixed parts around a file of `size` bytes: `head`, then zeros."""

    BOUNDARY = "certhub-test-boundary"

    def __init__(
        self,
        *,
        filename: str,
        size: int,
        fields: dict[str, str] | None = None,
        head: bytes = b"%PDF-1.7\n",
        content_type: str = "application/pdf",
    ):
        start = b""
        for name, value in (fields or {}).items():
            start += (
                f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"'
                f"\r\n\r\n{value}\r\n"
            ).encode()
        start += (
            f'--{self.BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        ).encode()
        tail = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self.parts = [start, head, size - len(head), tail]
        self.length = len(start) + size + len(tail)
        self.consumed = 0  # bytes the server has read so far

    def read(self, size=-1):
        data = self._read(size)
        self.consumed += len(data)
        return data

    def _read(self, size=-1):
        while self.parts:
            part = self.parts[0]
            if isinstance(part, int):
                n = part if size is None or size < 0 else min(part, size)
                self.parts[0] = part - n
                if self.parts[0] == 0:
                    self.parts.pop(0)
                if n:
                    return bytes(n)
                continue
            if not part:
                self.parts.pop(0)
                continue
            n = len(part) if size is None or size < 0 else size
            self.parts[0] = part[n:]
            return part[:n]
        return b""

    def readline(self, size=-1):
        return self.read(size)

    def environ(self, path: str) -> dict:
        return {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "wsgi.input": self,
            "CONTENT_TYPE": f"multipart/form-data; boundary={self.BOUNDARY}",
            "CONTENT_LENGTH": str(self.length),
        }


def post_measured(client, body: StreamedBody, url: str):
    """Post a streamed body; returns the response and the peak of Python memory meanwhile."""
    tracemalloc.start()
    try:
        response = client.request(**body.environ(url))
        return response, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def files_in(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.fixture
def upload_temp(settings, tmp_path):
    """Django's temporary upload files go here, so a test can see none is left behind."""
    folder = tmp_path / "upload-temp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder
