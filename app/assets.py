"""The site's own static files, each served under a name that holds a hash of its content.

``url_for('static', filename='css/consulta.css')`` gives ``/static/css/consulta.<hash>.css``:
a browser or any cache may keep that address for a year without asking again, since a new
stylesheet gets a new name. The plain name still answers, revalidated on every use (an old
archive, a bookmark, a PDF stylesheet read from disk). The files are read and hashed once at
start-up and served from memory, so the app's compression applies to them as to pages.
"""

import hashlib
import mimetypes
import re
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, abort, request

#: How long a fingerprinted file may be kept without asking again: a year, the longest
#: browsers honour; ``immutable`` keeps them from revalidating it when a page is reloaded.
FOREVER = 365 * 24 * 3600
DIGEST_LENGTH = 12


@dataclass(frozen=True)
class StaticFile:
    data: bytes
    mimetype: str
    digest: str


def fingerprinted(name: str, digest: str) -> str:
    """``css/consulta.css`` → ``css/consulta.<digest>.css``."""
    stem, dot, extension = name.rpartition(".")
    return f"{stem}.{digest}.{extension}" if dot and "/" not in extension else f"{name}.{digest}"


class StaticFiles:
    """Every file of the static folder, with its hash, as the folder was at start-up."""

    def __init__(self, folder: Path):
        self.files: dict[str, StaticFile] = {}
        self.names: dict[str, str] = {}  # plain name → fingerprinted name
        self.originals: dict[str, str] = {}  # fingerprinted name → plain name
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if not path.is_file():
                continue
            name = path.relative_to(folder).as_posix()
            data = path.read_bytes()
            digest = hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH]
            mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
            self.files[name] = StaticFile(data, mimetype, digest)
            self.names[name] = fingerprinted(name, digest)
            self.originals[self.names[name]] = name
        self.stale = re.compile(rf"^(.+)\.[0-9a-f]{{{DIGEST_LENGTH}}}(\.[^./]+)?$")

    def add_fingerprint(self, endpoint: str, values: dict) -> None:
        """Every ``url_for('static', …)`` names the file with its hash (``Flask.url_defaults``)."""
        if endpoint == "static" and values.get("filename") in self.names:
            values["filename"] = self.names[values["filename"]]

    def serve(self, filename: str) -> Response:
        if original := self.originals.get(filename):
            return self._response(original, immutable=True)
        if filename in self.files:
            return self._response(filename, immutable=False)
        if (older := self.stale.match(filename)) and (
            plain := older.group(1) + (older.group(2) or "")
        ) in self.files:
            # A page kept from before an upgrade names last version's file: it gets this one.
            return self._response(plain, immutable=False)
        abort(404)

    def _response(self, name: str, *, immutable: bool) -> Response:
        found = self.files[name]
        response = Response(found.data, mimetype=found.mimetype)
        response.set_etag(found.digest)
        if immutable:
            response.cache_control.public = True
            response.cache_control.max_age = FOREVER
            response.cache_control.immutable = True
        else:
            response.cache_control.no_cache = True
        response.make_conditional(request)
        return response


def init_app(app: Flask) -> None:
    files = StaticFiles(Path(app.static_folder or ""))
    app.extensions["static_files"] = files
    app.view_functions["static"] = files.serve
    app.url_defaults(files.add_fingerprint)
