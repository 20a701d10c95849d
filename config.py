"""Settings, read from the environment.

SECRET_KEY      signs sessions and CSRF tokens; generated into the instance folder when unset.
DATABASE_URL    PostgreSQL (postgresql://…) or SQLite; default: SQLite in the instance folder.
CONSULTA_INSTANCE  the data folder (database, secret, uploads); default: ./instance.
CONSULTA_DOCUMENTS  where uploaded documents are kept; default: documents/ in the instance
                  folder. App servers that share one database share this folder too.
DOCUMENT_MAX_MB   largest document upload, in MB (default 10).
MAIL_SERVER, MAIL_PORT, MAIL_USERNAME, MAIL_PASSWORD, MAIL_USE_TLS, MAIL_FROM  outgoing email,
                  queued in the database and sent by each app process's sender thread.
CONSULTA_OUTBOX_SENDER  0 stops this process from sending (another host sends); default 1.
TRANSLATION_API_URL, TRANSLATION_API_KEY  a LibreTranslate-compatible service (optional).
CONSULTA_BASE_URL  the site's address as people reach it, e.g. https://council.example.org:
                  every link in an email, calendar or QR code starts with it (required in
                  production; the request's Host header is never used for links).
CONSULTA_OPERATOR_NAME  who runs this site (a city, an association), named in every page's
                  footer and in the privacy notice; empty: the pages say "the council".
CONSULTA_OPERATOR_CONTACT  how to reach the operator: an email address (shown as a link) or a
                  postal address, for privacy requests and accessibility barriers.
CONSULTA_FUNDER_NOTE  a funder's acknowledgement, shown as written in every page's footer.
CONSULTA_SERVER_TIMING  1 adds a Server-Timing header to every answer: time spent in the app
                  and SQL statements run (for bench/pages.py; off by default).
"""

import os
from datetime import timedelta


def env_flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def database_url(url: str | None) -> str | None:
    """Accept the URLs hosts hand out and pick the psycopg 3 driver for PostgreSQL."""
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")
    #: Scheme, host and port of the site, without a trailing slash (see external_url()).
    BASE_URL = os.environ.get("CONSULTA_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # Sessions are signed cookies; the session row in the database is what makes them revocable.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_COOKIE_NAME = "consulta_session"
    PERMANENT_SESSION_LIFETIME = timedelta(days=30)
    # A member who opened a page at the start of a long meeting must still be able to submit it:
    # the CSRF token is tied to the session, not to the clock.
    WTF_CSRF_TIME_LIMIT = None
    # Over HTTPS Flask-WTF would also demand a Referer from this host, which votes never carry
    # (their pages send no referrer); app.web.refuse_cross_site_writes checks the origin.
    WTF_CSRF_SSL_STRICT = False
    #: Uploaded documents (None: the instance folder's documents/).
    DOCUMENTS_FOLDER = os.environ.get("CONSULTA_DOCUMENTS")
    #: Largest document accepted (bytes); larger uploads are refused with a clear message.
    DOCUMENT_MAX_BYTES = int(os.environ.get("DOCUMENT_MAX_MB", "10")) * 1024 * 1024
    #: Requests beyond this are cut off before they reach the app (a plain "too large" page).
    MAX_CONTENT_LENGTH = 4 * DOCUMENT_MAX_BYTES
    #: How often each server process looks again whether demo accounts exist (for the banner).
    DEMO_CHECK_SECONDS = 30

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    BABEL_TRANSLATION_DIRECTORIES = os.path.join(os.path.dirname(__file__), "translations")

    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = env_flag("MAIL_USE_TLS")
    MAIL_FROM = os.environ.get("MAIL_FROM", "consulta@localhost")
    #: Each app process sends the outbox in a thread of its own (app.mail.sender); it looks
    #: for due messages this often, and at once after a request queued one.
    OUTBOX_SENDER = env_flag("CONSULTA_OUTBOX_SENDER", True)
    OUTBOX_POLL_SECONDS = 15
    #: Server-Timing on every answer (app.timing): what benchmarks and statement counts read.
    SERVER_TIMING = env_flag("CONSULTA_SERVER_TIMING")

    #: A LibreTranslate-compatible service for draft translations of user content (off if empty).
    TRANSLATION_API_URL = os.environ.get("TRANSLATION_API_URL", "")
    TRANSLATION_API_KEY = os.environ.get("TRANSLATION_API_KEY", "")
    #: Proposals accepted from one connection per hour (a honeypot and moderation do the rest).
    #: Per council and connection (a community centre's residents may share one).
    PROPOSALS_PER_HOUR = 30
    #: Consultation answers started from one connection per hour, per council (the same
    #: room for a community centre; a honeypot does the rest).
    CONSULTATION_RESPONSES_PER_HOUR = 60
    #: Failed sign-ins to one account from one address before each further try must wait;
    #: the wait starts at LOGIN_FIRST_DELAY and doubles with each failure (never a hard lock).
    LOGIN_FAILURES_BEFORE_DELAY = 5
    LOGIN_FIRST_DELAY = timedelta(seconds=30)
    #: From all addresses together, an account gets this many times more tries.
    LOGIN_ACCOUNT_SCALE = 10
    LOGIN_THROTTLE_WINDOW = timedelta(minutes=15)
    #: Reverse proxies in front of the app (their X-Forwarded-For/-Proto are trusted); 0: none.
    PROXIES = int(os.environ.get("CONSULTA_PROXIES", "0"))

    #: Emails confirming a resident's support, per address (all proposals) and per proposal,
    #: each hour; links in them work once, for EMAIL_LINK_LIFETIME.
    SUPPORT_EMAILS_PER_ADDRESS = 5
    SUPPORT_EMAILS_PER_PROPOSAL = 200
    #: Tracking links sent again, and addresses to confirm, per address and per proposal hourly.
    LINK_EMAILS_PER_ADDRESS = 3
    LINK_EMAILS_PER_PROPOSAL = 3
    #: Links to confirm following a council, per council and hour (one per address a quarter).
    FOLLOW_LINKS_PER_HOUR = 60
    EMAIL_LINK_LIFETIME = timedelta(hours=48)
    #: Days a council is said to take to answer a proposal until it has answered a few (then
    #: the median of its own answers is said).
    PROPOSAL_ANSWER_DAYS = 28
    INVITATION_LIFETIME = timedelta(days=14)
    PASSWORD_RESET_LIFETIME = timedelta(hours=24)
    #: Links sent to one account per hour on request (more only through an administrator).
    PASSWORD_RESETS_PER_HOUR = 3
    HSTS = False

    #: Pages, styles, scripts, feeds and data travel compressed (Flask-Compress), so the one
    #: process of ``make run`` needs no proxy for it; behind nginx the proxy passes them on as
    #: they are. Brotli where the browser takes it, else gzip; files that are compressed
    #: already (PDF, ZIP, images) and answers under COMPRESS_MIN_SIZE bytes go as they are.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_BR_LEVEL = 5
    COMPRESS_LEVEL = 6
    COMPRESS_MIN_SIZE = 512
    COMPRESS_MIMETYPES = [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "application/geo+json",
        "text/calendar",
        "application/atom+xml",
        "application/xml",
        "text/xml",
        "text/csv",
        "text/plain",
        "image/svg+xml",
    ]
    #: Downloads sent from a file as they are read (meeting documents) keep their length and
    #: byte ranges: only answers made whole in memory are compressed.
    COMPRESS_STREAMS = False

    #: Who runs the site and how to reach them: the footer, the privacy notice and the
    #: accessibility statement say it (each page reads sensibly when these are empty).
    OPERATOR_NAME = os.environ.get("CONSULTA_OPERATOR_NAME", "").strip()
    OPERATOR_CONTACT = os.environ.get("CONSULTA_OPERATOR_CONTACT", "").strip()
    FUNDER_NOTE = os.environ.get("CONSULTA_FUNDER_NOTE", "").strip()


class ProductionConfig(Config):
    BASE_URL = os.environ.get("CONSULTA_BASE_URL", "").rstrip("/")
    SESSION_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    HSTS = True


class TestConfig(Config):
    TESTING = True
    # Tests deliver the outbox themselves, when they choose (tests/conftest.py).
    OUTBOX_SENDER = False
    # Tests count the SQL statements a page runs (tests/test_statements.py).
    SERVER_TIMING = True
    SECRET_KEY = "test-secret-not-for-production"  # noqa: S105
    SQLALCHEMY_DATABASE_URI = None  # the test fixture decides
    BASE_URL = "https://consulta.test"
    # Hashing cost is not what the tests are about.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # noqa: S105 - a method name, not a password


def config_from_environment() -> type[Config]:
    return ProductionConfig if os.environ.get("CONSULTA_ENV") == "production" else Config
