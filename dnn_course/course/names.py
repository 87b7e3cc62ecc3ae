"""Learners' names are text: characters that could act as HTML become look-alikes.

Names come from LMS downloads (a Moodle folder name, a Canvas file name, a
Blackboard receipt), which learners can choose. nbgrader's grading view writes
the gradebook's names into the page without escaping them
(``formgrade_macros.html.j2``), so a name holding ``<img onerror=...>`` would
run there. ``plain_name`` replaces ``< > & " ' ``` with look-alike characters
(rather than dropping them: "O'Brien" stays readable as "O’Brien");
``markup_in_gradebook`` finds names that reached the gradebook by other routes
(``nbgrader db student add``, formgrader's own student form, an old collect).
"""
import re
from pathlib import Path

from nbgrader.api import Gradebook, Student

from dnn_course.course.gradebook_db import parse

# Each character that means something in HTML, and the look-alike stored instead.
LOOK_ALIKE = {"<": "\u2039", ">": "\u203a", "&": "\uff06", '"': "\u201d", "'": "\u2019",
              "`": "\u2018"}
MARKUP = re.compile("[" + re.escape("".join(LOOK_ALIKE)) + "]")
CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
FIELDS = ("id", "first_name", "last_name", "email")


def plain_name(text: str | None) -> tuple[str, bool]:
    """A name as plain text: HTML's special characters as look-alikes, no control characters.

    Args:
        text: a name as the LMS gives it (may be None).

    Returns:
        (str, bool): the plain name, and whether anything was changed.
    """
    if not text:
        return text or "", False
    plain = MARKUP.sub(lambda m: LOOK_ALIKE[m.group(0)], CONTROL.sub(" ", text))
    plain = " ".join(plain.split())
    return plain, plain != " ".join(text.split())


def markup_in_gradebook(db_url: str, course_id: str) -> list[tuple[str, str, str]]:
    """Students whose id, names or email in the gradebook hold ``< > & " ' ``` characters.

    Args:
        db_url: the gradebook's URL.
        course_id: the course id.

    Returns:
        list of (student id, field, value), in id order; empty when every name is text.
    """
    parsed = parse(db_url)  # no gradebook yet: nothing to find (and none is created for asking)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return []
    found = []
    with Gradebook(db_url, course_id) as gb:
        for student in sorted(gb.db.query(Student), key=lambda s: s.id):
            for name in FIELDS:
                value = getattr(student, name, None)
                if value and MARKUP.search(value):
                    found.append((student.id, name, value))
    return found


def markup_warning(found: list[tuple[str, str, str]]) -> list[str]:
    """The lines that tell an instructor which gradebook names hold markup and what to do.

    Args:
        found: what ``markup_in_gradebook`` returned.

    Returns:
        list of str (empty when nothing was found).
    """
    if not found:
        return []
    lines = [f"{len(found)} gradebook name(s) hold < > & \" ' or `, which nbgrader's grading view "
             "writes into its page unescaped (a script there runs as you):"]
    lines += [f"  student {sid!r}: {field} = {value!r}" for sid, field, value in found]
    lines.append("  fix: retype the name without those characters in formgrader's Manage Students "
                 "page, or remove it with `nbgrader db student remove <id>` and collect again.")
    return lines
