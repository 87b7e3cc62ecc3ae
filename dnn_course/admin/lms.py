"""Whose submission is this file? The download layouts of Canvas, Moodle and Blackboard.

One table, ``LAYOUTS``, holds a named regular expression per layout, tried in
order against the file's path inside the download. The group names follow
nbgrader's ``zip_collect`` (``FileNameCollectorPlugin.named_regexp``):
``student_id``, ``file_id``, ``timestamp``; ``name`` and ``late`` add what the
LMS tells about the learner. The nbgrader id chosen per layout:

* Canvas ``lastfirst_[LATE_]userid_subid_file.ipynb``: the Canvas user id;
  "lastfirst" (lower case, no separator) is kept whole as the last name.
* Moodle ``Full Name_id_assignsubmission_file_/file.ipynb``: the participant
  id (the "Participant N" of Moodle's grading worksheet: the same in every
  download of one assignment, another in the next assignment); the name is split.
* Blackboard ``Assignment_username_attempt_YYYY-MM-DD-HH-MM-SS_file.ipynb``:
  the username (one with "_" in it is read from the ``.txt`` receipt, which also
  gives the name); the time is in the file name.
* ``<student>/any.ipynb``, ``<student>_any.ipynb``, ``<student>.ipynb``:
  the folder or the text before the first "_".
"""
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from dnn_course.course.names import plain_name

# nbgrader ids become folder names and gradebook keys: letters and digits first,
# then letters, digits, . _ @ + - (no "/", no "..").
STUDENT_ID = re.compile(r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
BB_TIME = "%Y-%m-%d-%H-%M-%S"
RECEIPT = "Blackboard receipt"
JUNK = re.compile(r"(^|/)(__MACOSX|\.ipynb_checkpoints)/|(^|/)(\.DS_Store|Thumbs\.db|desktop\.ini)$")
MOODLE_IGNORED_PLUGINS = ("onlinetext", "comments")
PARTICLES = {"de", "del", "della", "der", "den", "da", "das", "di", "do", "dos", "du", "la",
             "le", "van", "von", "ten", "ter", "bin", "ibn", "al", "el"}

LAYOUTS = (
    ("Moodle", re.compile(r"(?:^|/)(?P<name>[^_/]+)_(?P<student_id>\d+)_assignsubmission_"
                          r"(?P<plugin>[a-z]+)(?:_|/|_/)(?:[^/]+/)*(?P<file_id>[^/]+)$")),
    ("Blackboard", re.compile(r"(?:^|/)[^/]+?_(?P<student_id>[^_/]+)_attempt_"
                              r"(?P<timestamp>\d{4}(?:-\d\d){5})(?:_(?P<file_id>[^/]+)|\.txt)$")),
    ("Canvas", re.compile(r"(?:^|/)(?P<name>[^_/]+)_(?P<late>LATE_)?(?P<student_id>\d+)_\d+_"
                          r"(?P<file_id>[^/]+)$")),
    ("folder", re.compile(r"^(?P<student_id>[^/]+)/(?:[^/]+/)*(?P<file_id>[^/]+)$")),
    ("file name", re.compile(r"^(?P<student_id>[^/_]+?)(?:_(?P<file_id>[^/]*))?\.ipynb$")),
)


@dataclass
class Submission:
    """What a download's file tells about one learner's notebook."""
    path: str                 # inside the download, "/"-separated
    student_id: str
    layout: str
    first_name: str = ""
    last_name: str = ""
    lms_user_id: str | None = None
    late: bool = False
    timestamp: datetime | None = None  # from the file name (LMS time zone), else None
    notes: list[str] = field(default_factory=list)  # what collect says about this file

    def set_name(self, first: str, last: str) -> None:
        """Store the LMS's name as plain text (``names.plain_name``), with a note if it changed.

        Args:
            first: the first name as the LMS gives it.
            last: the last name as the LMS gives it.
        """
        (self.first_name, first_changed), (self.last_name, last_changed) = \
            plain_name(first), plain_name(last)
        if first_changed or last_changed:
            self.notes.append(f"the name held < > & \" ' or `, which could act as HTML in "
                              f"grading pages: stored with look-alike characters as {self.name!r}")

    @property
    def name(self) -> str:
        """First and last name, as one line."""
        return " ".join(p for p in (self.first_name, self.last_name) if p)

    @property
    def how(self) -> str:
        """The layout the name was read from, and whether the LMS marked it late."""
        return self.layout + (", late" if self.late else "")


class Ignored(Exception):
    """A file that belongs to the download but is no submission (receipts, online text)."""


class Unusable(Exception):
    """A file that cannot be collected; the message says why and what to do."""


def split_name(full: str) -> tuple[str, str]:
    """("First", "Last") from a full name: the last word is the last name, with
    the particles before it (van, de, ...): "Anna van der Berg" -> ("Anna", "van der Berg").

    Args:
        full: the name as the LMS writes it, first name first.
    Returns:
        (first_name, last_name); one word is a last name.
    """
    words = full.split()
    if not words:
        return "", ""
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def identify(path: str, notebook: str | None = None) -> Submission:
    """Whose notebook the download's file ``path`` is.

    Args:
        path: the file's path inside the download, "/"-separated.
        notebook: the assignment's notebook name: a file named like it
            (``dnn_app.ipynb``, ``dnn_app-1.ipynb``) is nobody's by its name.
    Returns:
        a Submission.
    Raises:
        Ignored: for LMS extras that are no submissions (say nothing about them).
        Unusable: for a file that cannot be collected, with the reason.
    """
    if JUNK.search(path):
        raise Ignored("system file")
    for layout, pattern in LAYOUTS:
        m = pattern.search(path)
        if m:
            break
    else:
        raise Unusable("not a notebook" if not path.endswith(".ipynb") else
                       "cannot tell whose notebook this is (no student folder or name)")
    g = m.groupdict()
    if layout == "Moodle" and g["plugin"] in MOODLE_IGNORED_PLUGINS:
        raise Ignored("Moodle online text")
    if layout == "Blackboard" and g["file_id"] is None:
        raise Ignored(RECEIPT)
    if not path.endswith(".ipynb"):
        raise Unusable(f"not a notebook ({layout})")
    sid = g["student_id"]
    stem = notebook and notebook.rsplit(".", 1)[0]
    if layout == "file name" and stem and path.startswith(stem):
        raise Unusable(f"named like the assignment, not after a learner: name it "
                       f"<student>_{notebook} or put it in a folder named after the learner")
    if not STUDENT_ID.match(sid):
        raise Unusable(f"{sid!r} ({layout}) is not a usable student id: letters and digits, "
                       "then also . _ @ + -; rename the file or folder")
    sub = Submission(path, sid, layout, late=bool(g.get("late")))
    if layout == "Canvas":
        sub.set_name("", g["name"])
        sub.lms_user_id = sid
    elif layout == "Moodle":
        sub.set_name(*split_name(g["name"]))
        sub.lms_user_id = sid
    elif layout == "Blackboard":
        sub.lms_user_id, sub.timestamp = sid, datetime.strptime(g["timestamp"], BB_TIME)
    return sub


RECEIPT_NAME = re.compile(r"^Name:\s*(?P<name>.*?)\s*\((?P<user>[^()]+)\)\s*$", re.M)


def receipt_names(text: str) -> dict[str, tuple[str, str]]:
    """{username: (first, last)} from a Blackboard receipt ("Name: Dana Lee (dlee)").

    Args:
        text: the receipt's text.
    Returns:
        a dict, empty when the receipt names nobody.
    """
    return {m["user"]: split_name(m["name"]) for m in RECEIPT_NAME.finditer(text)}


def receipt_user(sub: Submission, usernames: Iterable[str]) -> None:
    """Correct a Blackboard username that has "_" in it (``HW_dana_lee_attempt_…``
    reads as "lee") with the receipts' usernames, the longest that fits.

    Args:
        sub: a Submission (others than Blackboard are left alone).
        usernames: the usernames the download's receipts name.
    Returns:
        None; ``sub.student_id`` and ``sub.lms_user_id`` are set in place.
    """
    if sub.layout != "Blackboard":
        return
    prefix = sub.path.rsplit("_attempt_", 1)[0]
    fits = [u for u in usernames if prefix.endswith("_" + u) and STUDENT_ID.match(u)]
    if fits:
        sub.student_id = sub.lms_user_id = max(fits, key=len)
