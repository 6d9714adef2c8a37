"""Where a library lives: a SQLite file (the default) or a PostgreSQL database on a server,
named by a URL whose password never appears in anything cryqueue prints."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from cryqueue.domain.errors import UsageError

# 'scheme://…', or a database's own scheme with one colon ('postgres:/x'): a URL, not a file.
# A name like 'file:z.db' stays the file of that name.
_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(//)?")
_DATABASE_SCHEMES = {"postgres", "postgresql", "mysql", "mariadb", "sqlite", "mssql", "oracle"}
_POSTGRES_SCHEMES = {"postgres", "postgresql", "postgresql+psycopg"}
_SECRET_PARAMETERS = {"password", "sslpassword"}
POSTGRES_FORM = "postgresql://USER@HOST:PORT/DBNAME"


@dataclass(frozen=True)
class ServerUrl:
    """A library in a PostgreSQL database. `url` may hold a password: show `shown`, which
    `str()` gives too, so a message built carelessly still names no secret."""

    url: str  # as given, scheme aside

    def __str__(self) -> str:
        return self.shown

    def __repr__(self) -> str:
        return f"ServerUrl({self.shown!r})"

    @property
    def driver_url(self) -> str:
        """The URL SQLAlchemy opens: the psycopg (3) driver, whatever scheme was given."""
        return "postgresql+psycopg://" + self.url.split("://", 1)[1]

    @property
    def shown(self) -> str:
        """The URL with its password (in the address or as a parameter) as '***'."""
        parts = urlsplit(self.url)
        netloc = parts.netloc
        if "@" in netloc:
            login, host = netloc.rsplit("@", 1)
            user = login.split(":", 1)[0]
            netloc = f"{user}{':***' if ':' in login else ''}@{host}"
        query = "&".join(
            f"{key}={'***' if key.lower() in _SECRET_PARAMETERS else quote(value, safe='/:')}"
            for key, value in parse_qsl(parts.query, keep_blank_values=True)
        )
        return f"postgresql://{netloc}{parts.path}{'?' + query if query else ''}"

    @property
    def password(self) -> str | None:
        """The password given in the URL, if any: to scrub from a driver's message."""
        netloc = urlsplit(self.url).netloc
        login = netloc.rsplit("@", 1)[0] if "@" in netloc else ""
        if ":" in login:
            return unquote(login.split(":", 1)[1]) or None
        for key, value in parse_qsl(urlsplit(self.url).query):
            if key.lower() == "password":
                return value or None
        return None

    def scrub(self, text: str) -> str:
        """`text` (a driver's error, say) with the URL's password taken out."""
        secret = self.password
        if secret:
            text = text.replace(secret, "***").replace(quote(secret, safe=""), "***")
        return text.replace(self.url, self.shown)


Location = Path | ServerUrl


def library_location(given: str) -> Location:
    """The library a --db value (or CRYQUEUE_DB) names: a PostgreSQL URL, or a file path.
    Any other database URL is refused with a clear word, never taken for a folder named
    'mysql:' with a file in it."""
    match = _URL.match(given)
    if match is None:
        return Path(given).expanduser()
    scheme = match[1].lower()
    if scheme in _POSTGRES_SCHEMES and match[2]:
        return ServerUrl(given)
    if match[2] or scheme.split("+")[0] in _DATABASE_SCHEMES:
        shown = match[0] + ("…" if len(given) > len(match[0]) else "")  # no password shown
        raise UsageError(
            f"{shown} is not a library cryqueue can open: give a SQLite file's path, or a "
            f"PostgreSQL URL ({POSTGRES_FORM})"
        )
    return Path(given).expanduser()
