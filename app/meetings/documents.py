"""Uploaded documents: recognised by their content, stored under random names."""

import secrets
import unicodedata
import zipfile
from pathlib import Path

from flask import current_app

#: What a file is, told by its first bytes (and for office files, by what the zip holds).
PDF, ODT, ODS, DOCX, XLSX, PNG, JPEG = (
    "application/pdf",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "image/png",
    "image/jpeg",
)
EXTENSIONS = {
    PDF: "pdf",
    ODT: "odt",
    ODS: "ods",
    DOCX: "docx",
    XLSX: "xlsx",
    PNG: "png",
    JPEG: "jpg",
}


def sniff(path: Path) -> str | None:
    """The content type of the file at ``path``, or None when it is not one we accept."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _office_type(path)
    return None


#: More entries than any real office document has: a zip of a million empty files is refused.
MAX_ENTRIES = 10_000
#: The "mimetype" entry of an OpenDocument file is a few dozen bytes.
MIMETYPE_MAX = 100


def _office_type(path: Path) -> str | None:
    """ODT/ODS by their "mimetype" entry, DOCX/XLSX by their parts. Nothing is decompressed
    beyond a hundred bytes, whatever sizes the archive declares (a zip bomb stays small)."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES:
                return None
            names = {entry.filename for entry in entries}
            if "mimetype" in names:
                with archive.open("mimetype") as entry:
                    declared = entry.read(MIMETYPE_MAX + 1)
                if len(declared) > MIMETYPE_MAX:
                    return None
                text = declared.decode("ascii", "replace").strip()
                return text if text in (ODT, ODS) else None
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError):
        return None
    return None


def clean_filename(name: str, content_type: str) -> str:
    """A name safe to send back: no folders, no control characters, the right extension."""
    name = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '"<>:|?*')
    stem = name.rsplit(".", 1)[0].strip(" .") or "document"
    return f"{stem[:150]}.{EXTENSIONS[content_type]}"


def storage_folder() -> Path:
    """Where documents are kept: shared by every app server of the site (CONSULTA_DOCUMENTS)."""
    configured = current_app.config.get("DOCUMENTS_FOLDER")
    folder = Path(configured) if configured else Path(current_app.instance_path) / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_stored_name() -> str:
    return secrets.token_hex(16)
