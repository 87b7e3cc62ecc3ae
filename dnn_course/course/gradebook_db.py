"""The gradebook's database: which URL, made ready for several writers.

nbgrader's ``Gradebook`` builds its own SQLAlchemy engine from a URL
(``create_engine(db_url)`` in ``nbgrader/api.py``), so everything we need
travels in the URL:

* **SQLite** (the default, ``sqlite:///<course>/gradebook.db``): one file that
  one writer at a time may change. Python's sqlite3 waits only 5 s for a lock,
  then raises "database is locked". ``prepare`` adds ``?timeout=120`` (the
  pysqlite ``timeout`` argument, SQLite's busy handler) so concurrent graders
  wait their turn instead; ``is_locked`` recognises the error when a wait is
  still too long, and the callers retry (``scale/parallel.py``).
* **PostgreSQL** (``postgresql+psycopg2://user:password@host:5432/name``, with
  the ``psycopg2-binary`` package): ``prepare`` checks the driver, connects,
  and creates the database when the server has none of that name.

Every problem is raised as ``GradebookURLError`` with what is wrong and how to
fix it, never a bare SQLAlchemy traceback.
"""
from collections.abc import Callable
from pathlib import Path
from time import sleep
from typing import TYPE_CHECKING, TypeVar

from dnn_course.course.nbapi import load_config, venv_on_path
from dnn_course.course.paths import StrPath

if TYPE_CHECKING:  # for the hints only (see below)
    from sqlalchemy.engine import URL
    from traitlets.config import Config

# SQLAlchemy and nbgrader are imported where used, for start-up time: the command
# line loads this module (GradebookURLError) before it knows whether it needs them.

BUSY_TIMEOUT = 120          # seconds an SQLite writer waits for the lock
ATTEMPTS = 5                # tries of one piece of work while SQLite stays locked
BACKOFF = 2.0               # seconds before the 2nd try, doubled before each later one
T = TypeVar("T")  # what retry_locked's work returns
EXAMPLES = ("sqlite:////path/to/gradebook.db or "
            "postgresql+psycopg2://user:password@127.0.0.1:5432/gradebook")


class GradebookURLError(Exception):
    """A gradebook URL that cannot be used, with the fix in the message."""


class GradebookLocked(Exception):
    """SQLite stayed locked past the busy timeout in a call that reports its failure as
    a value (nbgrader's ``autograde`` outcome), raised so ``retry_locked`` can try again."""


def course_db_url(root: StrPath, db_url: str | None = None, config: "Config | None" = None) -> str:
    """The gradebook URL in force.

    Args:
        root: the course folder.
        db_url: ``--db``, which wins when given.
        config: the course's loaded configuration (default: load it).

    Returns:
        str: ``db_url``, else the configuration's ``CourseDirectory.db_url``,
        else ``sqlite:///<root>/gradebook.db``.
    """
    if db_url:
        return db_url
    configured = (config or load_config(root)).CourseDirectory.get("db_url")
    return configured or sqlite_url(Path(root) / "gradebook.db")


def sqlite_url(path: StrPath) -> str:
    """The SQLite URL of the database file ``path``, escaped by SQLAlchemy's URL API.

    Args:
        path: the database file (made absolute).

    Returns:
        str: e.g. ``sqlite:////course/gradebook.db``; a ``?``, ``#`` or ``%`` in a folder
        name is escaped, so it is not read as the URL's query or an escape.
    """
    from sqlalchemy.engine import URL

    return URL.create("sqlite", database=str(Path(path).resolve())).render_as_string(hide_password=False)


def parse(url: str) -> "URL":
    """The SQLAlchemy URL object of ``url``, or a GradebookURLError saying why not."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as e:
        raise GradebookURLError(f"--db {url!r} is not a database URL ({e}); give e.g. "
                                f"{EXAMPLES}") from None
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise GradebookURLError(f"--db {safe(url)}: the gradebook supports SQLite and PostgreSQL "
                                f"here, not {parsed.get_backend_name()!r}; give e.g. {EXAMPLES}")
    return parsed


def safe(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unreadable URL>"


def with_busy_timeout(url: str, seconds: float = BUSY_TIMEOUT) -> str:
    """An SQLite URL with a ``timeout`` in its query (unless it has one already); others as given."""
    parsed = parse(url)
    if parsed.get_backend_name() != "sqlite" or "timeout" in parsed.query:
        return url
    return parsed.update_query_dict({"timeout": str(seconds)}).render_as_string(hide_password=False)


def is_locked(error: BaseException | str) -> bool:
    """True when ``error`` (an exception or a log text) is SQLite's lock timeout."""
    return isinstance(error, GradebookLocked) or "database is locked" in str(error) \
        or "database table is locked" in str(error)


def retry_locked(fn: Callable[[], T], attempts: int = ATTEMPTS, backoff: float = BACKOFF,
                 on_retry: Callable[[], object] | None = None) -> T:
    """``fn()``, called again while it fails because SQLite stayed locked; the one retry loop.

    Args:
        fn: the work, called with no arguments.
        attempts: calls at most, the first included.
        backoff: seconds slept before the 2nd call, doubled before each later one;
            never slept after the last failure, which is raised at once.
        on_retry: called with no arguments before each sleep (e.g. to count retries).

    Returns:
        What ``fn`` returns. Raises ``fn``'s error when it is not the lock
        (``OperationalError`` for other reasons, any other exception) or when the
        last attempt failed on the lock too.
    """
    from sqlalchemy.exc import OperationalError

    if attempts < 1:
        raise ValueError(f"retry_locked: attempts={attempts!r}; give 1 or more")
    for attempt in range(attempts):
        try:
            return fn()
        except (OperationalError, GradebookLocked) as e:
            if not is_locked(e) or attempt == attempts - 1:
                raise
            if on_retry:
                on_retry()
            sleep(backoff * 2 ** attempt)
    raise AssertionError("unreachable: the last attempt returns or raises")


def prepare(url: str) -> str:
    """Check ``url`` and make it ready for (possibly concurrent) grading; return
    the URL to use. SQLite gets a busy timeout and must sit in an existing
    folder; PostgreSQL must be reachable, and its database is created if missing."""
    parsed = parse(url)
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if path and path != ":memory:" and not Path(path).resolve().parent.is_dir():
            raise GradebookURLError(f"--db {url}: the folder {Path(path).resolve().parent} does "
                                    "not exist; create it or give another path (four slashes "
                                    "for an absolute one: sqlite:////abs/path/gradebook.db)")
        return with_busy_timeout(url)
    ensure_postgres_database(url)
    return url


def _driver(parsed):
    """Import the DBAPI driver the URL names; explain how to install it if absent."""
    driver = parsed.get_driver_name()
    module = {"psycopg2": "psycopg2", "psycopg": "psycopg", "pg8000": "pg8000"}.get(driver, driver)
    try:
        __import__(module)
    except ImportError:
        package = {"psycopg2": "psycopg2-binary", "psycopg": "psycopg[binary]"}.get(module, module)
        raise GradebookURLError(f"--db {safe(str(parsed))} needs the Python package {package!r}, "
                                f"which is not installed: pip install {package} (or pip "
                                "install -r requirements.txt)") from None


def _explain_connect_error(url, error):
    text = str(getattr(error, "orig", error)).strip()
    first = text.splitlines()[0] if text else type(error).__name__
    if "password authentication failed" in text or "no password supplied" in text:
        fix = "check the user name and password in the URL"
    elif "does not exist" in text and "role" in text:
        fix = "create that role (createuser) or use an existing one"
    elif "Connection refused" in text or "could not connect" in text or "timeout" in text:
        fix = ("is the PostgreSQL server running and listening there? Check the host and port "
               "(pg_isready -h HOST -p PORT)")
    elif "could not translate host name" in text or "Name or service not known" in text:
        fix = "the host name is wrong or unknown to this machine"
    elif "permission denied to create database" in text:
        fix = ("create the database once as a superuser (createdb -O USER NAME), or give the "
               "role CREATEDB")
    else:
        fix = "check the URL and the server"
    return GradebookURLError(f"--db {safe(url)}: cannot use the PostgreSQL gradebook ({first}); {fix}.")


def ensure_postgres_database(url: str, connect_timeout: float = 10) -> None:
    """Create the PostgreSQL database of ``url`` if the server does not have it."""
    import sqlalchemy as sa

    parsed = parse(url)
    _driver(parsed)
    if not parsed.database:
        raise GradebookURLError(f"--db {safe(url)} names no database; end it with /NAME, e.g. "
                                f"{EXAMPLES}")
    args = {"connect_timeout": connect_timeout} if parsed.get_driver_name() in ("psycopg2", "psycopg") else {}
    engine = sa.create_engine(url, connect_args=args)
    try:
        with engine.connect():
            return
    except sa.exc.OperationalError as e:
        if f'database "{parsed.database}" does not exist' not in str(e):
            raise _explain_connect_error(url, e) from None
    finally:
        engine.dispose()
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT",
                             connect_args=args)
    try:
        with admin.connect() as conn:
            quoted = admin.dialect.identifier_preparer.quote(parsed.database)
            try:
                conn.execute(sa.text(f"CREATE DATABASE {quoted}"))
            except sa.exc.ProgrammingError as e:  # created meanwhile by someone else
                if "already exists" not in str(e):
                    raise
    except sa.exc.DBAPIError as e:
        raise _explain_connect_error(url, e) from None
    finally:
        admin.dispose()


def open_gradebook(url: str, root: StrPath | None = None, course_id: str | None = None) -> None:
    """Create the gradebook's tables once, before several writers start (two
    first-time writers would otherwise race to create them).

    Args:
        url: the gradebook URL.
        root: the course folder, whose configuration names the course.
        course_id: the course's id when known (then the configuration is not loaded).

    Returns:
        None.
    """
    from nbgrader.api import Gradebook

    venv_on_path()  # a new gradebook runs the `alembic` command
    if course_id is None:
        course_id = load_config(root).CourseDirectory.course_id if root else "default_course"
    with Gradebook(url, course_id):
        pass
