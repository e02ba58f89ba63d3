"""Small generated files for the demo (R46) and the tests: a one-page PDF and a PNG that open
as what they claim (R55)."""

import struct
import zlib


def tiny_pdf(*lines: str) -> bytes:
    """A one-page PDF with a few lines of text, written by hand (valid xref offsets)."""
    text = " ".join(f"({line.replace('(', '[').replace(')', ']')}) Tj 0 -28 Td" for line in lines)
    stream = f"BT /F1 18 Tf 72 720 Td {text} ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def tiny_png(width: int = 240, height: int = 320) -> bytes:
    """A scanned-form look: a white page with a blue header band and grey text lines."""
    rows = []
    for y in range(height):
        if y < 36:
            pixel = b"\x1f\x5f\x8f"
        elif y > 60 and y % 24 in (0, 1, 2):
            pixel = b"\xb0\xb8\xc0"
        else:
            pixel = b"\xff\xff\xff"
        row = bytearray(pixel * width)
        row[:48] = b"\xff" * 48  # left margin
        rows.append(b"\x00" + bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )
