"""Small evidence files drawn at seed time for the demo's mark application: a one-page PDF and a PNG."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw


def tiny_pdf(text: str) -> bytes:
    """A valid one-page PDF (A6) showing `text` (ASCII) in Helvetica, with a correct cross-reference table."""
    safe = text.encode("ascii", "replace").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 14 Tf 24 360 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 298 420] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def tiny_png(label: str = "", size: tuple[int, int] = (320, 240)) -> bytes:
    """A small PNG: a straw-coloured card with a star and `label`."""
    image = Image.new("RGB", size, (243, 233, 216))
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.regular_polygon((w // 2, h // 2 - 10, min(w, h) // 4), 8, fill=(183, 133, 47))
    if label:
        draw.text((12, h - 24), label, fill=(43, 33, 28))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
