"""Bring an LMS download (a folder or a .zip) into nbgrader's ``submitted/`` folder.

Each file is named to a learner by ``lms.identify`` (Canvas, Moodle, Blackboard
or the plain ``<student>/…``, ``<student>_….ipynb`` layouts). Each notebook
lands in ``submitted/<id>/<assignment>/<notebook>`` with nbgrader's
``timestamp.txt`` beside it (the time in the Blackboard name, else the file's
time in the zip or on disk), and a line in ``.dnn_course/collected/<assignment>.csv``
(id, names, LMS id, late, time, source). A file that cannot be used is
reported and skipped; the others are still collected. An existing different
submission is never overwritten unless ``force``.

nbgrader's own ``zip_collect`` reads names with one named regexp (the group
names here are its own), but it replaces existing submissions, stops at the
first bad file and records no names, so it is not used directly.
"""
import contextlib
import csv
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from nbgrader.api import Gradebook, MissingEntry, Student

from dnn_course.admin.lms import RECEIPT, Ignored, Submission, Unusable, identify, receipt_names, receipt_user
from dnn_course.course.gradebook_db import parse

NBGRADER_TIME = "%Y-%m-%d %H:%M:%S.%f %Z"  # nbgrader's Exchange.timestamp_format, in UTC
NO_TIME = datetime(1980, 1, 1)             # a zip entry's "no date"
ASSIGNMENT_ID = re.compile(r"^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
LOG_FIELDS = ("student_id", "layout", "first_name", "last_name", "lms_user_id", "late",
              "timestamp", "source")


class CollectError(Exception):
    """The download cannot be read at all (missing, not a zip, unsafe paths)."""


@dataclass
class Entry:
    """One file of the download."""
    path: str            # "/"-separated, inside the download
    read: Callable[[], bytes]
    mtime: datetime | None  # aware (disk), naive in the LMS's zone (zip), or None


@dataclass
class Collected:
    """One learner's notebook and what became of it."""
    sub: Submission
    status: str          # added, replaced, unchanged, kept
    timestamp: str = ""  # as in its timestamp.txt (nbgrader's format, UTC)
    notes: list[str] = field(default_factory=list)


@dataclass
class Report:
    """What collect did: per learner, and the files it skipped with the reason."""
    collected: list[Collected] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    ignored: int = 0

    def ids(self, *statuses: str) -> list[str]:
        """The learners whose notebook ended with one of ``statuses``.

        Args:
            *statuses: "added", "replaced", "unchanged", "kept".

        Returns:
            Their student ids, in the report's order.
        """
        return [c.sub.student_id for c in self.collected if c.status in statuses]


@contextlib.contextmanager
def _entries(source: Path) -> Iterator[list[Entry]]:
    """The files of a folder or a zip, as Entry objects."""
    if source.is_dir():
        yield [Entry(p.relative_to(source).as_posix(), p.read_bytes,
                     datetime.fromtimestamp(p.stat().st_mtime, timezone.utc))
               for p in sorted(source.rglob("*")) if p.is_file()]
        return
    if not zipfile.is_zipfile(source):
        raise CollectError(f"{source} is neither a folder nor a .zip file.")
    with zipfile.ZipFile(source) as z:
        infos = [i for i in z.infolist() if not i.is_dir()]
        for i in infos:  # refuse archives whose paths climb out of their folder
            parts = i.filename.replace("\\", "/").split("/")
            if i.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
                raise CollectError(f"{source} holds an unsafe path: {i.filename}; "
                                   "nothing was collected.")
        yield [Entry(i.filename.replace("\\", "/"), partial(z.read, i),
                     None if datetime(*i.date_time) == NO_TIME else datetime(*i.date_time))
               for i in sorted(infos, key=lambda i: i.filename)]


def lms_zone(name: str) -> ZoneInfo:
    """The time zone the LMS writes its times in.

    Args:
        name: an IANA name, e.g. "UTC", "Europe/Berlin".

    Returns:
        Its ZoneInfo.

    Raises:
        CollectError: ``name`` is no time zone (the message gives examples).
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CollectError(f"--timezone {name!r} is not a time zone; give e.g. UTC or "
                           "Europe/Berlin (the LMS server's zone).") from None


def _utc(when: datetime | None, zone: ZoneInfo) -> datetime | None:
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=zone)).astimezone(timezone.utc)


def _choose(found: list[tuple[Submission, Entry]]) -> tuple[dict[str, tuple[Submission, Entry]],
                                                         list[tuple[str, str]]]:
    """{id: (sub, entry)} keeping one notebook per learner; [(path, reason)] for the rest."""
    by_id: dict[str, list[tuple[Submission, Entry]]] = {}
    skipped: list[tuple[str, str]] = []
    for sub, entry in found:
        by_id.setdefault(sub.student_id, []).append((sub, entry))
    chosen: dict[str, tuple[Submission, Entry]] = {}
    for sid, items in by_id.items():
        stamps = [s.timestamp for s, _ in items]
        if len(items) == 1:
            chosen[sid] = items[0]
        elif (None not in stamps and len(set(stamps)) == len(stamps)  # Blackboard attempts
              and len({s.path.rsplit("_attempt_", 1)[0] for s, _ in items}) == 1):
            items.sort(key=lambda it: it[0].timestamp or NO_TIME)  # (no None here: checked above)
            chosen[sid] = items[-1]
            skipped += [(s.path, f"an older attempt of {sid}; the newest, "
                         f"{items[-1][0].path}, is collected") for s, _ in items[:-1]]
        else:
            others = ", ".join(s.path for s, _ in items)
            skipped += [(s.path, f"{len(items)} notebooks for {sid} ({others}) and no way to "
                         "tell which is newer: none collected; keep one in the download "
                         "and collect again") for s, _ in items]
    return chosen, skipped


def _time_notes(sub: Submission, stamp: datetime | None,
                due: datetime | None) -> tuple[datetime | None, list[str]]:
    """(stamp to write, notes): a Canvas LATE marker checked against the due date."""
    if sub.layout != "Canvas" or due is None:
        return stamp, (["late by Canvas; the gradebook has no due date, so nbgrader "
                        "gives no late penalty"] if sub.late else [])
    if sub.late and (stamp is None or stamp <= due):
        return stamp, ["late by Canvas, but " + ("the download gives no time" if stamp is None
                                                 else "its file time is not after the due date")
                       + ", so nbgrader counts it on time; write the submission time into its "
                       "timestamp.txt for a late penalty"]
    if not sub.late and stamp is not None and stamp > due:
        return None, ["on time by Canvas, but its file time is after the due date (so it "
                      "is not the submission time): no timestamp.txt written"]
    return stamp, []


def _place(root: str | Path, assignment: str, notebook: str, sub: Submission, entry: Entry, zone: ZoneInfo,
           force: bool, due: datetime | None) -> Collected:
    """Copy one notebook into submitted/ and return its Collected."""
    folder = Path(root) / "submitted" / sub.student_id / assignment
    dest, stamp_file = folder / notebook, folder / "timestamp.txt"
    stamp, notes = _time_notes(sub, _utc(sub.timestamp or entry.mtime, zone), due)
    data = entry.read()
    if not dest.exists():
        status = "added"
    elif dest.read_bytes() == data:
        status = "unchanged"
    else:
        status = "replaced" if force else "kept"
    new = status in ("added", "replaced")
    if new:
        folder.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    text = stamp.strftime(NBGRADER_TIME) if stamp else ""
    if text and (new or not stamp_file.exists()):
        stamp_file.write_text(text + "\n")
    elif new:
        stamp_file.unlink(missing_ok=True)  # an older submission's time is not this one's
    elif stamp_file.exists():
        text = stamp_file.read_text().strip()  # the time in force
    notes = sub.notes + notes
    if status == "kept":
        notes.insert(0, "a different submission is already there: kept it (--force replaces it)")
    return Collected(sub, status, text, notes)


def _log(root: str | Path, assignment: str, report: Report) -> Path:
    """Keep one row per learner in .dnn_course/collected/<assignment>.csv."""
    path = Path(root) / ".dnn_course" / "collected" / f"{assignment}.csv"
    rows = {}
    if path.exists():
        with path.open(newline="") as f:
            rows = {r["student_id"]: r for r in csv.DictReader(f)}
    for c in report.collected:
        if c.status == "kept":
            continue
        s = c.sub
        rows[s.student_id] = {k: v for k, v in asdict(s).items() if k in LOG_FIELDS} | {
            "lms_user_id": s.lms_user_id or "", "late": "yes" if s.late else "",
            "timestamp": c.timestamp, "source": s.path}
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, LOG_FIELDS)
        w.writeheader()
        w.writerows(rows[k] for k in sorted(rows))
    return path


def collect_download(source: str | Path, root: str | Path, assignment: str, notebook: str, force: bool = False,
                     tz: str = "UTC", due: datetime | None = None) -> Report:
    """Collect every usable notebook of an LMS download into submitted/.

    Args:
        source: a folder or a .zip as downloaded from the LMS.
        root: the course folder.
        assignment: the nbgrader assignment id (e.g. "dnn_app").
        notebook: the name the notebook gets in submitted/ (e.g. "dnn_app.ipynb").
        force: replace a different existing submission.
        tz: the LMS's time zone, for the times in file names and zips.
        due: the assignment's due date (naive UTC, as in the gradebook), to check
            Canvas's LATE marker against the file times.
    Returns:
        a Report (collected learners, skipped files with reasons).
    Raises:
        CollectError: the download cannot be read at all; nothing was collected.
    """
    source = Path(source)
    if not source.exists():
        raise CollectError(f"{source} does not exist: give a folder or a .zip of notebooks.")
    if not ASSIGNMENT_ID.match(assignment):
        raise CollectError(f"{assignment!r} is not an assignment id (letters, digits, . _ -).")
    zone = lms_zone(tz)
    report, found, names = Report(), [], {}
    with _entries(source) as entries:
        for entry in entries:
            try:
                found.append((identify(entry.path, notebook), entry))
            except Ignored as e:
                report.ignored += 1
                if e.args[0] == RECEIPT:
                    names.update(receipt_names(entry.read().decode("utf-8", "replace")))
            except Unusable as e:
                report.skipped.append((entry.path, str(e)))
        if not found and not report.skipped:
            raise CollectError(f"no .ipynb files in {source}.")
        for sub, _ in found:
            receipt_user(sub, names)
        chosen, skipped = _choose(found)
        report.skipped += skipped
        for sid in sorted(chosen):
            sub, entry = chosen[sid]
            if sub.layout == "Blackboard" and sid in names and not sub.last_name:
                sub.set_name(*names[sid])
            report.collected.append(_place(root, assignment, notebook, sub, entry, zone, force,
                                            due and due.replace(tzinfo=timezone.utc)))
    if report.collected:
        _log(root, assignment, report)
    return report


def collect(source: str | Path, root: str | Path, assignment: str, notebook: str,
            force: bool = False) -> tuple[list[str], list[str], list[str]]:
    """The ids ``collect_download`` (added, unchanged, kept), for scripts.

    Args:
        source, root, assignment, notebook, force: as for ``collect_download``.
    Returns:
        (added, unchanged, kept): lists of student ids ("added" includes replaced ones).
    """
    report = collect_download(source, root, assignment, notebook, force)
    return report.ids("added", "replaced"), report.ids("unchanged"), report.ids("kept")


def due_date(db_url: str, course_id: str, assignment: str) -> datetime | None:
    """The assignment's due date in the gradebook (naive UTC), or None.

    Args:
        db_url, course_id: the gradebook.
        assignment: the assignment id.
    Returns:
        a datetime, or None when the assignment or its due date is not there.
    """
    parsed = parse(db_url)  # no gradebook yet: no due date (and none is created for asking)
    if parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").is_file():
        return None
    with Gradebook(db_url, course_id) as gb:
        try:
            return gb.find_assignment(assignment).duedate
        except MissingEntry:
            return None


def record_students(report: Report, db_url: str, course_id: str) -> int:
    """Put each collected learner in the gradebook with the names and LMS id the
    download gives. Only empty fields are filled: names typed in formgrader or
    imported from a roster stay.

    Args:
        report: what ``collect_download`` returned.
        db_url, course_id: the gradebook.
    Returns:
        the number of learners whose gradebook entry was created or completed.
    """
    changed = 0
    with Gradebook(db_url, course_id) as gb:  # one commit for the batch (one per learner is slow)
        known = {st.id: st for st in gb.db.query(Student)}
        for c in report.collected:
            s, old = c.sub, known.get(c.sub.student_id)
            fields: dict[str, str] = {}
            # a learner first seen by grading carries its id as its name (grading.add_student):
            # that is no name, and the download's name replaces it
            named = old and (old.first_name or (old.last_name and old.last_name != old.id))
            if s.last_name and not named:
                fields.update(first_name=s.first_name, last_name=s.last_name)
            if s.lms_user_id and not (old and old.lms_user_id):
                fields["lms_user_id"] = s.lms_user_id
            if old is None:
                gb.db.add(Student(id=s.student_id, **fields))
            for name, value in fields.items() if old is not None else ():
                setattr(old, name, value)
            changed += bool(fields) or old is None
        gb.db.commit()
    return changed


def format_report(report: Report) -> list[str]:
    """The lines ``dnn-course collect`` prints: one per learner and per skipped file, then a total.

    Args:
        report: what ``collect_download`` returned.
    Returns:
        a list of lines.
    """
    lines = []
    for c in report.collected:
        s = c.sub
        when = c.timestamp[:19] + " UTC" if c.timestamp else "no time"
        lines.append(f"  {c.status:<9} {s.student_id:<10} {s.name or '(no name)'} ({s.how})  "
                     f"{when}  <- {s.path}")
        lines += [f"{'':12}{note}" for note in c.notes]
    lines += [f"  skipped   {path}: {reason}" for path, reason in report.skipped]
    counts = ", ".join(f"{len(report.ids(k))} {k}" for k in ("added", "replaced", "unchanged", "kept"))
    extra = f"; {report.ignored} LMS extras ignored (receipts, online text)" if report.ignored else ""
    lines.append(f"collect: {counts}, {len(report.skipped)} skipped{extra}")
    return lines
