"""Feedback pages for each attempt, released to nbgrader's exchange so the Assignment List shows "Fetch Feedback".

The page of a graded attempt is ``dnn-course feedback``'s own (nbgrader's
generate_feedback with the course's filters: no hidden-test line) after the
deadline, or when ``detail_before_deadline`` is set; before it, the summary
of that page alone (score, each failed test's one-line reason and its first
wrong step). Attempts that were not graded get a short page that says why.
The pages are templates in ``dnn_course/templates/`` (autoescaped).
Every page goes into ``feedback/<student>/<assignment>/`` beside the attempt's
``timestamp.txt`` and ``submission_secret.txt`` and is released by nbgrader's
``ExchangeReleaseFeedback``, which files it under the hash only that learner's
submission can name.
"""
import copy
import shutil
from pathlib import Path

import nbformat
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.release_feedback import ExchangeReleaseFeedback
from traitlets.config import Config

from dnn_course.course.findings import findings_of
from dnn_course.course.pages import render
from dnn_course.course.paths import NOTEBOOK
from dnn_course.grading.results import SubmissionResult
from dnn_course.preprocessors.feedback_page import describe, reason_of, summary_items


def message_page(title: str, text: str) -> str:
    """A page with one plain-text message (``dnn_course/templates/message.html``, autoescaped).

    Args:
        title: plain text.
        text: plain text.

    Returns:
        str.
    """
    return render("message.html", title=title, text=text) + "\n"


def summary_page(root: Path, assignment: str, student: str, result: SubmissionResult) -> str:
    """The before-deadline page of a graded attempt: the feedback page's summary alone.

    Args:
        root: the course folder.
        assignment: the assignment name.
        student: the learner's id.
        result: the attempt's SubmissionResult (scores from the gradebook).

    Returns:
        str.

    Raises:
        ValueError: the attempt was not graded (no score: the service sends a message page instead).
    """
    if result.score is None:
        raise ValueError(f"no summary page for {student}'s attempt at {assignment}: it was not graded "
                         f"({result.reason})")
    autograded = Path(root) / "autograded" / student / assignment / NOTEBOOK
    nb = nbformat.read(str(autograded), as_version=4)
    scores = {t.grade_id: t for t in result.tests}
    findings = findings_of(nb.metadata)
    failed, total = [], 0
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        total += 1
        test = scores.get(meta.get("grade_id"))
        if test is None or test.score >= test.max_score:
            continue
        step, said, reason = reason_of(cell, findings.get(meta["grade_id"]))
        failed.append({"grade_id": meta["grade_id"], "description": describe(cell),
                       "score": test.score, "points": test.max_score, "step": step,
                       "said": said, "reason": reason})
    # the page has no test cells to link to: links=False
    return render("summary_page.html", title=f"Feedback: {assignment}", links=False, late="",
                  **summary_items(failed, result.score, result.max_score, total)) + "\n"


def write_page(root: Path, assignment: str, student: str, attempt_folder: Path,
               text: str) -> Path:
    """Put ``text`` as the attempt's feedback page in ``feedback/<student>/<assignment>/``.

    Args:
        root: the course folder.
        assignment: the assignment name.
        student: the learner's id.
        attempt_folder: the attempt as submitted (for its timestamp and secret).
        text: the HTML page.

    Returns:
        Path: the feedback folder.
    """
    folder = Path(root) / "feedback" / student / assignment
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in ("timestamp.txt", "submission_secret.txt"):
        shutil.copyfile(Path(attempt_folder) / name, folder / name)
    (folder / NOTEBOOK.replace(".ipynb", ".html")).write_text(text, encoding="utf-8")
    return folder


def release(config: Config, exchange_root: Path, assignment: str, student: str) -> None:
    """Release ``student``'s feedback folder to the exchange with nbgrader's ExchangeReleaseFeedback.

    Args:
        config: the course's nbgrader configuration.
        exchange_root: the exchange's root folder.
        assignment: the assignment name.
        student: the learner's id.

    Returns:
        None.
    """
    cfg = copy.deepcopy(config)
    cfg.Exchange.root = str(exchange_root)
    cfg.CourseDirectory.assignment_id = assignment
    cfg.CourseDirectory.student_id = student
    coursedir = CourseDirectory(config=cfg)
    ExchangeReleaseFeedback(coursedir=coursedir, authenticator=Authenticator(config=cfg),
                            config=cfg).start()
