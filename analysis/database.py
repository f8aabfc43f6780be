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
from urllib.parse import unquote

from .errors import InputFileError, ParameterError
from .readers import RawTable, read_csv_data

SCHEMES = ("postgresql", "postgres")
SECRET_PARAMETERS = {"password", "sslpassword", "passfile"}
TABLE_NAME = re.compile(r'^\s*(?:"[^"]+"|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]+"|[A-Za-z_][\w$]*))?\s*$')


def is_database_url(value: object) -> bool:
    """True for a ``postgresql://`` (or ``postgres://``) URL."""
    return isinstance(value, str) and value.split("://", 1)[0].lower() in SCHEMES and "://" in value


def redact_url(url: str) -> str:
    """The URL without its password, whatever characters the password holds.

    The user part is parsed by hand: URL splitting stops at ``#``, ``?`` or ``/``, which a
    password may hold and the driver accepts, and then printed the password. Everything
    between the user name's ``:`` and the URL's last ``@`` is dropped (a query parameter
    holding ``@`` is over-redacted, never under); ``password=`` and the other secret
    parameters are dropped from the query string.
    """
    scheme, separator, rest = url.partition("://")
    if not separator:
        return url
    if "@" in rest:
        user_part, host_part = rest.rsplit("@", 1)
        user = re.split(r"[:/?#]", user_part, maxsplit=1)[0]
        rest = f"{user}@{host_part}" if user else host_part
    address, question, query = rest.partition("?")
    if question:
        kept = [pair for pair in re.split(r"[&]", query)
                if pair.split("=", 1)[0].strip().lower() not in SECRET_PARAMETERS]
        address = address + ("?" + "&".join(kept) if kept else "")
    return f"{scheme}://{address}"


def _secrets(url: str) -> list[str]:
    """The password as the URL holds it (raw and decoded), to scrub from a driver's message."""
    found = []
    scheme, separator, rest = url.partition("://")
    if separator and "@" in rest:
        user_part = rest.rsplit("@", 1)[0]
        if ":" in user_part:
            found.append(user_part.split(":", 1)[1])
    for pair in rest.partition("?")[2].split("&"):
        key, _, value = pair.partition("=")
        if key.strip().lower() in SECRET_PARAMETERS and value:
            found.append(value)
    return [secret for raw in found for secret in {raw, unquote(raw)} if secret]


def scrub(text: str, url: str) -> str:
    """``text`` (a driver's message) with the URL's password replaced by ``***``."""
    for secret in sorted(_secrets(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


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
        # the whole session is read-only (default_transaction_read_only), not only one transaction:
        # an injected COMMIT cannot open a writable one
        with psycopg.connect(url, autocommit=False, connect_timeout=15, application_name="leadaudit",
                             options="-c default_transaction_read_only=on") as connection:
            connection.read_only = True  # a query that writes fails: leadaudit only reads
            _check_one_statement(connection, statement)
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL TimeZone TO 'UTC'")
                cursor.execute("SET LOCAL DateStyle TO 'ISO, YMD'")
                copy_sql = f"COPY ({statement}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
                with cursor.copy(copy_sql) as copy:
                    for chunk in copy:
                        digest.update(chunk)
                        buffer.write(chunk)
            connection.rollback()
    except _NotOneQuery as error:
        short = statement if len(statement) <= 200 else statement[:200] + "…"
        raise InputFileError(f"--query must be one SELECT (or a table name) and nothing else: {scrub(str(error), url)} "
                             f"(query: {short})", file=shown,
                             hint="give a single SELECT without ';' and further statements; leadaudit only reads")
    except psycopg.OperationalError as error:
        if getattr(error, "sqlstate", None):  # the server answered: a failing query, not a failed login
            raise _query_error(error, shown, statement, url) from None
        raise InputFileError(f"cannot connect to the database: {scrub(_first_line(error), url)}", file=shown,
                             hint="check host, port, database and user; put the password in PGPASSWORD "
                                  "or ~/.pgpass, and see README «Reading from PostgreSQL»") from None
    except psycopg.Error as error:
        raise _query_error(error, shown, statement, url) from None
    data = buffer.getbuffer()
    if data.nbytes == 0:
        raise InputFileError("the query returned no columns", file=shown, hint="check the query in psql")
    raw = read_csv_data(data, shown, encoding="utf-8", separator=",", header_finder=lambda rows: 0,
                        file_format="postgresql")
    return raw, digest.hexdigest()


class _NotOneQuery(Exception):
    """The --query is not one statement that returns rows."""


def _check_one_statement(connection, statement: str) -> None:
    """Parse ``statement`` alone with the extended protocol before it is pasted into ``COPY (…)``:
    the server refuses several statements in one prepared statement, so ``…) TO STDOUT;
    COMMIT; INSERT …; COPY (SELECT …`` is refused here instead of running; a statement that
    returns no columns (an INSERT, a SET) is refused too."""
    import psycopg

    pgconn = connection.pgconn
    result = pgconn.prepare(b"leadaudit_query", statement.encode("utf-8"))
    if result.status != psycopg.pq.ExecStatus.COMMAND_OK:
        message = (result.error_field(psycopg.pq.DiagnosticField.MESSAGE_PRIMARY) or b"").decode("utf-8", "replace")
        connection.rollback()
        raise _NotOneQuery(message or "the query cannot be prepared")
    described = pgconn.describe_prepared(b"leadaudit_query")
    fields = described.nfields
    pgconn.exec_(b"DEALLOCATE leadaudit_query")
    if fields == 0:
        raise _NotOneQuery("it returns no rows")


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _query_error(error, shown: str, statement: str, url: str) -> InputFileError:
    state = getattr(error, "sqlstate", None) or ""
    diag = getattr(error, "diag", None)
    message = scrub((getattr(diag, "message_primary", None) or _first_line(error)).strip(), url)
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
