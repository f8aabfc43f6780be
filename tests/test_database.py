"""PostgreSQL as a source: a real server, the sample export loaded into typed
columns, and every report's figures identical from the database and from the file."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from analysis.config import SAMPLE_LEADS, SAMPLE_SPEND
from analysis.database import is_database_url, redact_url, select_of
from analysis.errors import InputFileError, ParameterError
from analysis.loading import load_dataset
from analysis.report import render_report

from . import postgres

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Sekret-pw-731"
# the sample's columns as a CRM database would type them
COLUMNS = {
    "ID": "bigint", "Дата создания": "timestamptz", "Первая попытка связи": "timestamp",
    "Первый контакт": "timestamp", "Попыток дозвона": "integer", "Сумма сделки": "numeric(14,2)",
    "Бюджет": "numeric(14,2)",
}
DATE_PATTERNS = ((r"^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d$", "DD.MM.YYYY HH24:MI:SS"),
                 (r"^\d\d\.\d\d\.\d{4} \d\d:\d\d$", "DD.MM.YYYY HH24:MI"))
QUERY = 'SELECT * FROM crm.leads ORDER BY "Строка"'


def _typed(name: str, kind: str) -> str:
    column = '"' + name + '"'
    if kind.startswith("timestamp"):
        cases = " ".join(f"WHEN {column} ~ '{pattern}' THEN pg_temp.try_timestamp({column}, '{fmt}')"
                         for pattern, fmt in DATE_PATTERNS)
        return f"(CASE {cases} END)::{kind}"
    if kind.startswith("numeric") or kind in ("integer", "bigint"):
        return f"NULLIF(replace(regexp_replace({column}, '[[:space:]\u00a0]', '', 'g'), ',', '.'), '')::{kind}"
    return f"NULLIF({column}, '')"


@pytest.fixture(scope="module")
def database():
    """A server with database ``dealer``: the sample export in ``crm.leads`` and a read-only user."""
    pytest.importorskip("psycopg")
    import psycopg

    folder = Path(tempfile.mkdtemp(prefix="leadaudit-pg-"))
    server = postgres.start(folder)
    try:
        with open(SAMPLE_LEADS, encoding="cp1251", newline="") as handle:
            rows = list(csv.reader(handle, delimiter=";"))
        headers, body = rows[0], rows[1:]
        with psycopg.connect(server.superuser_dsn(), autocommit=True) as connection:
            connection.execute("CREATE DATABASE dealer")
            connection.execute(f"CREATE ROLE reader LOGIN PASSWORD '{PASSWORD}'")
        with psycopg.connect(server.superuser_dsn("dealer"), autocommit=True) as connection:
            connection.execute("SET TimeZone TO 'Europe/Moscow'")  # the CRM's local times, stored as instants
            connection.execute("CREATE SCHEMA crm")
            # an impossible date in the export («31.02.2026») becomes NULL, as a CRM would store it
            connection.execute("""
                CREATE FUNCTION pg_temp.try_timestamp(value text, format text) RETURNS timestamptz AS $$
                BEGIN RETURN to_timestamp(value, format);
                EXCEPTION WHEN others THEN RETURN NULL; END $$ LANGUAGE plpgsql""")
            staging = ", ".join(f'"{name}" text' for name in headers)
            connection.execute(f'CREATE TEMP TABLE staging ("Строка" integer, {staging})')
            with connection.cursor().copy("COPY staging FROM STDIN") as copy:
                for number, row in enumerate(body, start=2):
                    copy.write_row([number, *row])
            typed = ", ".join(f'"{name}" {COLUMNS.get(name, "text")}' for name in headers)
            connection.execute(f'CREATE TABLE crm.leads ("Строка" integer, {typed})')
            select = ", ".join(_typed(name, COLUMNS.get(name, "text")) for name in headers)
            connection.execute(f'INSERT INTO crm.leads SELECT "Строка", {select} FROM staging')
            connection.execute("CREATE TABLE crm.secrets (x text)")
            connection.execute("GRANT USAGE ON SCHEMA crm TO reader")
            connection.execute("GRANT SELECT ON crm.leads TO reader")
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_url_helpers():
    assert is_database_url("postgresql://u@h/db") and is_database_url("postgres://h/db")
    assert not is_database_url("leads.csv") and not is_database_url(None)
    assert redact_url("postgresql://reader:pa:ss@db.local:5432/crm?sslmode=require&password=x") == \
        "postgresql://reader@db.local:5432/crm?sslmode=require"
    assert select_of(" crm.leads ; ") == 'SELECT * FROM "crm"."leads"'
    assert select_of('"Лиды"') == 'SELECT * FROM "Лиды"'
    assert select_of("SELECT * FROM leads WHERE 1 = 1;") == "SELECT * FROM leads WHERE 1 = 1"
    with pytest.raises(ParameterError, match="--query"):
        select_of("  ")


def test_query_on_a_file_is_refused(sample_csv):
    with pytest.raises(ParameterError, match="--query is for a database URL"):
        load_dataset(str(sample_csv), query="SELECT 1")


def test_database_rows_load_like_the_file(database):
    url = database.url("reader", PASSWORD, "dealer")
    from_db = load_dataset(url, query=QUERY)
    from_file = load_dataset(SAMPLE_LEADS)
    record = from_db.lineage.inputs[0]
    assert record.path == f"postgresql://reader@127.0.0.1:{database.port}/dealer" and PASSWORD not in record.path
    assert record.file_format == "postgresql" and record.query == QUERY and len(record.sha256) == 64
    assert record.rows_read == from_file.lineage.inputs[0].rows_read
    columns = ["lead_id", "created_at", "channel", "stage", "manager", "first_response_at", "first_contact_at",
               "call_attempts", "deal_amount", "disqualification_reason", "person_id", "repeat"]
    columns = [column for column in columns if column in from_file.leads and column != "person_id"]
    left = from_db.leads[columns].reset_index(drop=True)
    right = from_file.leads[columns].reset_index(drop=True)
    assert left.equals(right), (left.compare(right).head() if left.shape == right.shape else (left.shape, right.shape))
    # the same rows read again give the same digest: it identifies the data
    assert load_dataset(url, query=QUERY).lineage.inputs[0].sha256 == record.sha256
    # the rows dropped for a NULL creation date are named by their row in the query's result
    dropped = from_db.lineage.issue("bad_created_at")
    assert dropped is not None and dropped.examples and all(
        example.startswith("row ") and example.endswith(": empty") for example in dropped.examples)
    first_row = int(dropped.examples[0].split()[1].rstrip(":"))
    assert from_file.lineage.issue("bad_created_at").examples[0].startswith(f"line {first_row + 1}:")
    # a table name works too, and timestamptz came back in local time (not UTC)
    by_name = load_dataset(url, query="crm.leads")
    assert by_name.leads["created_at"].min() == from_file.leads["created_at"].min()


@pytest.mark.parametrize("query, message", [
    ("DELETE FROM crm.leads RETURNING *", "only reads"),
    ("crm.secrets", "may not read"),
    ("SELECT * FROM crm.nothing_here", "does not exist"),
    ("SELECT * FROM crm.leads WHERE false", "returned no rows"),
])
def test_bad_queries_say_what_to_do(database, query, message):
    with pytest.raises(InputFileError, match=message) as caught:
        load_dataset(database.url("reader", PASSWORD, "dealer"), query=query)
    assert PASSWORD not in str(caught.value)


def test_cli_exits_2_on_a_refused_login_without_showing_the_password(database, tmp_path):
    url = database.url("reader", "wrong-" + PASSWORD, "dealer")
    result = subprocess.run([sys.executable, "-m", "analysis.cli", "quarterly", "--leads", url, "--query", QUERY,
                             "--quarter", "2026Q3", "--out", str(tmp_path / "out")],
                            capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "password" in result.stderr.lower() and PASSWORD not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
    # the table is untouched by the refused DELETE above and by everything else
    import psycopg

    with psycopg.connect(database.superuser_dsn("dealer")) as connection:
        assert connection.execute("SELECT count(*) FROM crm.leads").fetchone()[0] == 18835


JOBS = {
    "diagnose": {"channel": ["Авито"], "period": "2026-08-01:2026-10-31", "claim": "not_target"},
    "experiment": {"arms_by": "campaign", "control": "Creta без цены", "variant": "Creta с ценой"},
    "quarterly": {"quarter": "2026Q3"},
}


@pytest.mark.slow
@pytest.mark.parametrize("job", sorted(JOBS))
def test_every_report_gives_the_same_figures_from_the_database(database, job, tmp_path):
    url = database.url("reader", PASSWORD, "dealer")
    common = {"spend": str(SAMPLE_SPEND), "progress": False, **JOBS[job]}
    from_file = render_report(job, out_dir=tmp_path / "file", leads=str(SAMPLE_LEADS), **common)
    from_db = render_report(job, out_dir=tmp_path / "db", leads=url, query=QUERY, **common)
    a, b = from_file.summary_data, from_db.summary_data
    assert b["figures"] == a["figures"]
    for key in ("verdict", "problem_location", "decision", "as_of"):
        assert b.get(key) == a.get(key)
    assert b["inputs"][0]["path"] == redact_url(url) and b["inputs"][0]["query"] == QUERY
    assert b["parameters"]["query"] == QUERY
    for path in (from_db.html, from_db.notebook, from_db.summary):
        assert PASSWORD not in Path(path).read_text(encoding="utf-8")


ESCAPING = ('SELECT * FROM crm.leads) TO STDOUT; COMMIT; CREATE TABLE crm.pwned (x int); '
            'INSERT INTO crm.leads ("ID") VALUES (1); COPY (SELECT 1')


@pytest.mark.parametrize("query", [ESCAPING, "SELECT 1; SELECT 2", "SET TimeZone TO 'UTC'"])
def test_a_query_is_one_statement_in_a_read_only_session(database, query):
    # the query was pasted into COPY (…) and sent where several statements run; the escaping one
    # committed its CREATE TABLE and INSERT while the command said "the query failed"
    import psycopg

    with psycopg.connect(database.superuser_dsn("dealer"), autocommit=True) as connection:
        connection.execute("GRANT CREATE ON SCHEMA crm TO reader")
        connection.execute("GRANT INSERT ON crm.leads TO reader")  # the role could write: the session must not
    try:
        with pytest.raises(InputFileError, match="one SELECT") as caught:
            load_dataset(database.url("reader", PASSWORD, "dealer"), query=query)
        assert PASSWORD not in str(caught.value)
        with psycopg.connect(database.superuser_dsn("dealer")) as connection:
            assert connection.execute("SELECT count(*) FROM crm.leads").fetchone()[0] == 18835
            assert connection.execute("SELECT to_regclass('crm.pwned')").fetchone()[0] is None
    finally:
        with psycopg.connect(database.superuser_dsn("dealer"), autocommit=True) as connection:
            connection.execute("REVOKE CREATE ON SCHEMA crm FROM reader")
            connection.execute("REVOKE INSERT ON crm.leads FROM reader")


@pytest.mark.parametrize("password", ["pa#ss-1", "pa/ss?2", "p@ss:3"])
def test_a_password_never_shows_whatever_it_holds(database, password, tmp_path):
    # URL splitting stops at '#', '/' or '?': the password reached the report, the JSON and stderr
    import psycopg
    from urllib.parse import quote

    with psycopg.connect(database.superuser_dsn("dealer"), autocommit=True) as connection:
        connection.execute(psycopg.sql.SQL("ALTER ROLE reader PASSWORD {}").format(psycopg.sql.Literal(password)))
    try:
        for url in (f"postgresql://reader:{quote(password, safe='')}@127.0.0.1:{database.port}/dealer",
                    f"postgresql://127.0.0.1:{database.port}/dealer?user=reader&password={quote(password, safe='')}"):
            shown = redact_url(url)
            assert password not in shown and quote(password, safe="") not in shown and "reader" in shown
            data = load_dataset(url, query=QUERY)
            assert password not in data.lineage.inputs[0].path
        wrong = f"postgresql://reader:{password}x@127.0.0.1:{database.port}/dealer"
        result = subprocess.run([sys.executable, "-m", "analysis.cli", "quarterly", "--leads", wrong, "--query", QUERY,
                                 "--quarter", "2026Q3", "--out", str(tmp_path / "out")],
                                capture_output=True, text=True, cwd=ROOT, timeout=120)
        assert result.returncode == 2 and password not in result.stderr + result.stdout, result.stderr
    finally:
        with psycopg.connect(database.superuser_dsn("dealer"), autocommit=True) as connection:
            connection.execute(psycopg.sql.SQL("ALTER ROLE reader PASSWORD {}").format(psycopg.sql.Literal(PASSWORD)))
