"""Gradebook URLs are built with SQLAlchemy's URL API: any folder name, any password, one timeout."""
import pytest
from sqlalchemy.engine import make_url

from dnn_course.course.gradebook_db import BUSY_TIMEOUT, course_db_url, prepare, sqlite_url, with_busy_timeout

ODD_FOLDER = "course?2026 #1 50%20off"


def test_a_course_folder_with_url_characters_gets_its_own_gradebook(tmp_path):
    """``?``, ``#`` and ``%`` in a folder name were read as the URL's query, fragment or escapes:
    the gradebook went to another file."""
    root = tmp_path / ODD_FOLDER
    root.mkdir()
    (root / "nbgrader_config.py").write_text("")
    url = course_db_url(root)
    assert make_url(url).database == str(root / "gradebook.db")
    prepared = make_url(prepare(url))
    assert prepared.database == str(root / "gradebook.db")
    assert prepared.query == {"timeout": str(BUSY_TIMEOUT)}


@pytest.mark.parametrize("url, query", [
    ("sqlite:////tmp/g.db", {"timeout": "120"}),
    ("sqlite:////tmp/g.db?check_same_thread=false", {"check_same_thread": "false", "timeout": "120"}),
    ("sqlite:////tmp/g.db?timeout=7", {"timeout": "7"}),
])
def test_the_busy_timeout_joins_the_query_once(url, query):
    assert make_url(with_busy_timeout(url)).query == query


def test_postgres_urls_are_left_as_given():
    url = "postgresql+psycopg2://u%40x:p%3Fa%26ss@127.0.0.1:5432/gb?sslmode=disable"
    assert with_busy_timeout(url) == url


def test_sqlite_url_round_trips_any_path(tmp_path):
    path = tmp_path / ODD_FOLDER / "gradebook.db"
    assert make_url(sqlite_url(path)).database == str(path)
