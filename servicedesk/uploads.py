"""What an uploaded file must be, for every place that takes one (a ticket's attachments,
a feedback's attachment): within `ATTACHMENT_MAX_BYTES`, of a type on
`ATTACHMENT_ALLOWED_EXTENSIONS`, and with content that agrees with its extension."""

import mimetypes
import os

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from servicedesk.exceptions import ApplicationError

# What the content of a file must look like for its extension (`filetype` reads the first
# bytes' signature, as file(1) does). Office files and zip archives are zip containers; a
# docx that filetype cannot tell apart from a plain zip is still accepted as one.
_ZIP_CONTAINERS = {"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"}
EXPECTED_CONTENT: dict[str, set[str]] = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpg": {"jpg"},
    "jpeg": {"jpg"},
    "gif": {"gif"},
    "docx": {"docx", "zip"},
    "xlsx": {"xlsx", "zip"},
    "pptx": {"pptx", "zip"},
    "zip": _ZIP_CONTAINERS,
}
# Formats without a signature: any text in any encoding, but no NUL byte (every binary
# format has them; a text format's signature check would misread text that happens to start
# with "MZ" or "BM").
TEXT_EXTENSIONS = {"txt", "csv", "log"}
_SNIFF_BYTES = 8192


def _sniffed_type(upload: UploadedFile) -> str | None:
    """The extension the file's first bytes say it is (None when they say nothing known)."""
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    kind = filetype.guess(head) if head else None
    return kind.extension if kind is not None else None


def _has_nul_byte(upload: UploadedFile) -> bool:
    found = any(b"\0" in chunk for chunk in upload.chunks())
    upload.seek(0)
    return found


def check_content(upload: UploadedFile, name: str, ext: str, *, field: str = "attachments") -> None:
    """Refuse a file whose content contradicts its extension: an .exe renamed .png, an
    HTML page renamed .pdf, a binary renamed .txt. A type not described here (one added to
    ATTACHMENT_ALLOWED_EXTENSIONS) only needs content that is not recognisably another."""
    if ext in TEXT_EXTENSIONS:
        if _has_nul_byte(upload):
            raise ApplicationError(
                _("“%(name)s” is not a text file: it contains binary data.") % {"name": name},
                field_errors={field: _("The file's content does not match its type.")},
            )
        return
    sniffed = _sniffed_type(upload)
    expected = EXPECTED_CONTENT.get(ext)
    matches = sniffed in expected if expected is not None else sniffed in (None, ext)
    if not matches:
        raise ApplicationError(
            _("“%(name)s” is not a real .%(ext)s file: its content is of another type.") % {"name": name, "ext": ext},
            field_errors={field: _("The file's content does not match its type.")},
        )


def validate_upload(upload: UploadedFile, *, field: str = "attachments") -> str:
    """Refuse files over the size limit, of a type not on the allow-list, or whose content
    contradicts their extension (`check_content`), naming `field`; return the content type
    we store (derived from the extension, never trusted from the client)."""
    name = os.path.basename(upload.name or "")
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in settings.ATTACHMENT_ALLOWED_EXTENSIONS:
        raise ApplicationError(
            _("Files of type “%(ext)s” are not accepted. Allowed: %(allowed)s.")
            % {"ext": ext or "?", "allowed": ", ".join(settings.ATTACHMENT_ALLOWED_EXTENSIONS)},
            field_errors={field: _("File type not allowed.")},
        )
    if upload.size > settings.ATTACHMENT_MAX_BYTES:
        raise ApplicationError(
            _("“%(name)s” is too large: the limit is %(mb).1f MB.")
            % {"name": name, "mb": settings.ATTACHMENT_MAX_BYTES / 1024 / 1024},
            field_errors={field: _("File too large.")},
        )
    check_content(upload, name, ext, field=field)
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def stored_name(upload: UploadedFile) -> str:
    """The name a user gave the file, without any folder, as kept beside the stored file."""
    return os.path.basename(upload.name or "")[:255]
