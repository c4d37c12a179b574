"""A file's content must agree with its extension (sniffed with `filetype`): real PNG, PDF,
DOCX, XLSX and zip files pass; an .exe or an HTML page renamed to an accepted extension is
refused with a clear message on the attachments field, through the service, the page and
the API; text formats may hold any text but no NUL byte."""

import io
import struct
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from servicedesk.exceptions import ApplicationError
from tickets.models import Attachment
from tickets.services.attachments import validate_upload

# --- real files, made here ------------------------------------------------------------------


def png_bytes() -> bytes:
    """A valid 1×1 PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def pdf_bytes() -> bytes:
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            b"trailer << /Root 1 0 R >>\n%%EOF\n")


def ooxml_bytes(part: str) -> bytes:
    """A minimal Office Open XML package in the order Word and Excel write it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types '
                         'xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        package.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships '
                         'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
        package.writestr(part, '<?xml version="1.0"?><root/>')
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("logs/boot.log", "ok")
    return buffer.getvalue()


EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- the rule ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "stored_type"), [
    ("screenshot.png", png_bytes(), "image/png"),
    ("invoice.pdf", pdf_bytes(), "application/pdf"),
    ("report.docx", ooxml_bytes("word/document.xml"),
     "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("budget.xlsx", ooxml_bytes("xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("logs.zip", zip_bytes(), "application/zip"),
    ("notes.txt", "打印机卡纸了 — MZ at the start is just text\n".encode(), "text/plain"),
    ("export.csv", "BMW,3\n".encode("gbk"), "text/csv"),
    ("empty.log", b"", "application/octet-stream"),  # no registered type for .log
])
def test_real_files_are_accepted(name, content, stored_type):
    assert validate_upload(upload(name, content)) == stored_type


@pytest.mark.parametrize(("name", "content"), [
    ("holiday.png", EXE),              # a program renamed to a picture
    ("invoice.pdf", HTML),             # a web page renamed to a PDF
    ("photo.jpg", png_bytes()),        # a PNG is not a JPEG
    ("report.docx", pdf_bytes()),
    ("budget.xlsx", ooxml_bytes("word/document.xml")),  # a Word file is not a workbook
    ("logs.zip", EXE),
    ("empty.png", b""),
])
def test_content_that_contradicts_the_extension_is_refused(name, content):
    with pytest.raises(ApplicationError) as refused:
        validate_upload(upload(name, content))

    assert f"is not a real .{name.rsplit('.', 1)[1]} file" in refused.value.message
    assert refused.value.field_errors == {"attachments": "The file's content does not match its type."}


@pytest.mark.parametrize("name", ["notes.txt", "export.csv", "boot.log"])
@pytest.mark.parametrize("content", [EXE, png_bytes(), b"almost text\x00then a NUL"])
def test_text_formats_refuse_binary_content(name, content):
    with pytest.raises(ApplicationError) as refused:
        validate_upload(upload(name, content))

    assert "is not a text file: it contains binary data" in refused.value.message


def test_the_checked_file_is_stored_whole(file_ticket, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    content = png_bytes()

    ticket = file_ticket(attachments=[upload("screenshot.png", content)])

    assert ticket.attachments.get().file.read() == content


# --- through the page and the API ----------------------------------------------------------------


def test_the_page_shows_the_refusal_on_the_attachments_field(world, client):
    client.force_login(world.alice)
    form = {"title": "Laptop does not boot", "description": "Black screen.", "priority": "",
            "field_asset_tag": "LT-1", "field_urgency": "one person", "field_count": "1",
            "field_since": "2025-01-06", "attachments": [upload("holiday.png", EXE)]}

    response = client.post(reverse("ticket-new", args=[world.laptop.pk]), form)

    assert response.status_code == 200
    assert response.context["form"].errors["attachments"] == ["The file's content does not match its type."]
    assert "is not a real .png file" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_api_answers_400_naming_the_attachments_field(world, file_ticket, settings, tmp_path):
    from rest_framework.test import APIClient

    settings.MEDIA_ROOT = tmp_path
    ticket = file_ticket()
    client = APIClient()
    client.force_authenticate(world.alice)

    response = client.post(f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": upload("invoice.pdf", HTML)},
                           format="multipart")

    assert response.status_code == 400
    assert response.json()["errors"] == {"attachments": ["The file's content does not match its type."]}
    assert not Attachment.objects.exists()
