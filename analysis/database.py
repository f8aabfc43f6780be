"""Leads from a PostgreSQL database: a query's rows, read as text, through the file path.

A CRM copied into PostgreSQL is read with one query (or a table name) in a read-only
transaction. The server writes the rows with ``COPY (query) TO STDOUT`` as CSV in UTF-8;
the stream is read by the same CSV reader, mapping and cleaning as an export file, so
there is one implementation of the cleaning, not a second one in SQL. Typed columns
arrive as their PostgreSQL text: ``timestamp`` as ``2026-10-01 09:30:00``, ``timestamptz``
in UTC with its offset (converted to the mapping's time zone by the date parser),
``numeric`` with a decimal point, ``boolean`` as ``t``/``f``.

The password is never shown: messages, lineage, the report and the JSON carry
:func:`redact_url`'s form. Give it with ``PGPASSWORD`` or ``~/.pgpass`` (libpq reads both)
rather than in the URL.
"""

from __future__ import annotations

import hashlib
import io
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .errors import InputFileError, ParameterError
from .readers import RawTable, read_csv_data

SCHEMES = ("postgresql", "postgres")
SECRET_PARAMETERS = {"password", "sslpassword", "passfile"}
TABLE_NAME = re.compile(r'^\s*(?:"[^"]+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|[A-Za-z_][\w$]*))?\s*$')


def is_database_url(value: object) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL."""
    return isinstance(value, str) and value.split("://", 1)[0].lower() in SCHEMES and "://" in value


def redact_url(url: str) -> str:
    """The URL without its password (in the user part or as a ``password=`` parameter)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, host = netloc.rsplit("@", 1)
        netloc = f"{user.split(':', 1)[0]}@{host}"
    query = urlencode([(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
                       if key.lower() not in SECRET_PARAMETERS])
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def select_of(query: str | None) -> str:
    """The SELECT to run: the query itself, or ``SELECT * FROM`` a (schema-qualified) table name."""
    text = (query or "").strip().rstrip(";").strip()
    if not text:
        raise ParameterError("--leads is a database URL but no --query was given",
                             hint='add --query "SELECT … FROM leads" or --query with a table name')
    if TABLE_NAME.match(text) and text.lower() not in {"select", "with", "values", "table"}:
        names = [part.strip() for part in re.findall(r'"[^"]+"|[^.\s]+', text)]
        quoted = ".".join(name if name.startswith('"') else '"' + name.replace('"', '""') + '"' for name in names)
        return f"SELECT * FROM {quoted}"
    return text


def read_query(url: str, query: str | None) -> tuple[RawTable, str]:
    """Run ``query`` read-only and read its rows as a :class:`RawTable` of text cells.

    Returns the table and the sha256 of the rows as the server wrote them (CSV with a
    header, UTF-8, timestamps in UTC): the same data and order give the same digest, so
    write an ``ORDER BY`` for a digest that identifies the data.

    Raises
    ------
    InputFileError
        The server cannot be reached, refuses the login, or the query fails or returns no rows.
    """
    import psycopg

    statement = select_of(query)
    shown = redact_url(url)
    buffer = io.BytesIO()
    digest = hashlib.sha256()
    try:
        with psycopg.connect(url, autocommit=False, connect_timeout=15,
                             application_name="leadaudit") as connection:
            connection.read_only = True  # a query that writes fails: leadaudit only reads
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL TimeZone TO 'UTC'")
                cursor.execute("SET LOCAL DateStyle TO 'ISO, YMD'")
                copy_sql = f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
                with cursor.copy(copy_sql) as copy:
                    for chunk in copy:
                        digest.update(chunk)
                        buffer.write(chunk)
            connection.rollback()
    except psycopg.OperationalError as error:
        if getattr(error, "sqlstate", None):  # the server answered: a failing query, not a failed login
            raise _query_error(error, shown, statement) from None
        raise InputFileError(f"cannot connect to the database: {_first_line(error)}", file=shown,
                             hint="check host, port, database and user; put the password in PGPASSWORD "
                                  "or ~/.pgpass, and see README «Reading from PostgreSQL»") from None
    except psycopg.Error as error:
        raise _query_error(error, shown, statement) from None
    data = buffer.getbuffer()
    if data.nbytes == 0:
        raise InputFileError("the query returned no columns", file=shown, hint="check the query in psql")
    raw = read_csv_data(data, shown, encoding="utf-8", separator=",", header_finder=lambda rows: 0,
                        file_format="postgresql")
    return raw, digest.hexdigest()


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _query_error(error, shown: str, statement: str) -> InputFileError:
    state = getattr(error, "sqlstate", None) or ""
    diag = getattr(error, "diag", None)
    message = (getattr(diag, "message_primary", None) or _first_line(error)).strip()
    if state == "25006":  # read_only_sql_transaction
        return InputFileError(f"the query tries to change data ({message}); leadaudit only reads",
                              file=shown, hint="give a SELECT query or a table name")
    if state.startswith("28"):  # invalid authorisation
        return InputFileError(f"the database refused the login: {message}", file=shown,
                              hint="check the user and the password (PGPASSWORD or ~/.pgpass)")
    if state == "42501":
        return InputFileError(f"the database user may not read this: {message}", file=shown,
                              hint="GRANT SELECT on the table to the read-only user (README «Reading from PostgreSQL»)")
    short = statement if len(statement) <= 200 else statement[:200] + "…"
    return InputFileError(f"the query failed: {message} (query: {short})", file=shown,
                          hint="run the query in psql first; --query takes one SELECT or a table name")
