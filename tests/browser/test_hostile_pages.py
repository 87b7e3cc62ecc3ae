"""Nothing a learner submits runs in an instructor's page (issue 23): every vector of
tests/hostile_xss.py, in every place a learner can put it, on every page an instructor opens.

One hostile class (tests/hostile_xss_class.py) is collected from an LMS download, graded, given
feedback and reported on once; then each page is opened in Chromium with a Watch recording
every document.title set, every dialog and every request, and scanned for hostile markup
left alive. The true scores and failed tests must be shown, on top, on every page.
"""
import json
import os
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import course_data_dir
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK

import hostile_xss as X
from hostile_xss_class import CORRECT, NOT_NOTEBOOK, SCORES, WRONG, WRONG_FAILED, download

from .pages import shot
from .servers import LabServer
from .watch import TEXT_LINK, Watch, click_text_links, uncovered

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETTLE_MS = 2500  # after a page has loaded: longer than the meta refresh's 1 s
GRADED = (CORRECT, WRONG)
FEEDBACK = f"feedback/{{}}/{ASSIGNMENT}/{NOTEBOOK.replace('.ipynb', '.html')}"
# JupyterLab draws every cell (not only those near the view), so every vector is in the page.
LAB_SETTINGS = {"@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"}}


class Sink:
    """An "external" server on 127.0.0.1 that counts what it is asked for."""

    def __init__(self):
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"counted")

            do_POST = do_GET

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hit"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def sink():
    server = Sink()
    yield server
    server.server.shutdown()


@pytest.fixture(scope="module")
def hostile_class(sink, tmp_path_factory, course_template):
    """The hostile class collected, graded, given feedback and reported on.

    Returns:
        (course root, {student: grading view id}, {student: (score, max_score)}).
    """
    from nbgrader.api import Gradebook

    from dnn_course import cli

    mp = pytest.MonkeyPatch()
    mp.setenv("DNN_APP_DATA", str(course_data_dir()))
    mp.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    scratch = tmp_path_factory.mktemp("hostile")
    try:
        root = course_template.copy(scratch / "course")
        (scratch / "download.zip").write_bytes(download(sink.url))
        mp.chdir(root)
        run = lambda *args: cli.main(["--root", str(root), *args])  # noqa: E731
        assert run("collect", str(scratch / "download.zip")) == 0, "dnn-course collect failed"
        assert run("grade") == 1, "grading should grade two and report the third as not graded"
        assert run("feedback") == 0, "dnn-course feedback failed"
        assert run("report") == 1, "dnn-course report failed"
    finally:
        mp.undo()
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        ids = {s: gb.find_submission_notebook(Path(NOTEBOOK).stem, ASSIGNMENT, s).id for s in GRADED}
        scores = {s: (gb.find_submission(ASSIGNMENT, s).score, gb.find_submission(ASSIGNMENT, s).max_score)
                  for s in GRADED}
    return root, ids, scores


@pytest.fixture(scope="module")
def hostile_server(hostile_class, tmp_path_factory):
    """The instructor's JupyterLab with formgrader over the hostile class."""
    scratch = tmp_path_factory.mktemp("hostile-instructor")
    server = LabServer("instructor", Path(sys.executable).parent, hostile_class[0], scratch,
                       env={"DNN_APP_DATA": str(course_data_dir())})
    for rel, values in LAB_SETTINGS.items():
        path = scratch / "lab-settings" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    try:
        yield server.wait_ready()
    finally:
        server.stop()


def api(server, path):
    """GET ``path`` of the server's REST API with its token (the test's own request).

    Args:
        server: the LabServer.
        path: e.g. "api/terminals".

    Returns:
        The decoded JSON.
    """
    with urllib.request.urlopen(server.page_url(path), timeout=30) as r:
        return json.loads(r.read())


def test_scores_are_true(hostile_class):
    """The vectors change no score: the correct learner keeps 20/20, the raising one gets 10/20."""
    assert hostile_class[2] == SCORES


def test_takeover_creates_no_terminal(hostile_server, hostile_class, sink, make_page):
    """Issue 23's takeover: the markdown <script> that posts to /api/terminals with the _xsrf
    cookie, in each grading view. No terminal is created and no such request is made."""
    before = api(hostile_server, "api/terminals")
    ran = []
    for student, sid in hostile_class[1].items():
        page, watch = open_watched(make_page, sink, hostile_server,
                                   hostile_server.page_url(f"formgrader/submissions/{sid}/"))
        ran += [f"{student}: POST {u}" for m, u in watch.requests if m == "POST" and "/api/terminals" in u]
        ran += [f"{student}: title {d!r}" for k, d, _ in watch.signals if k == "title" and "V01" in str(d)]
    after = api(hostile_server, "api/terminals")
    assert (after, ran) == (before, []), \
        f"terminals before: {before}, after: {after}; the takeover script ran: {ran}"


def open_watched(make_page, sink, server, url):
    """A page with a Watch, logged in to ``server`` (when given), at ``url`` once it has settled.

    Args:
        make_page: the fixture.
        sink: the counting server.
        server: the LabServer to log in to, or None (file:// pages).
        url: what to open.

    Returns:
        (page, watch).
    """
    page = make_page(1280)
    watch = Watch(page, sink)
    if server is not None:
        server.log_in(page)
    page.goto(url, wait_until="load")
    page.wait_for_timeout(SETTLE_MS)
    return page, watch


def assert_nothing_ran(page, watch, what, clicked=None):
    """Nothing hostile ran in the page and none of it is left alive.

    Args:
        page: the Page.
        watch: its Watch.
        what: the page's name, for the message.
        clicked: the prefix of scan() findings already clicked (and so shown harmless
            when nothing ran), or None.
    """
    ran = watch.ran()
    alive = [a for a in watch.scan() if not (clicked and a.split(": ", 1)[-1].startswith(clicked))]
    assert not ran, f"{what}: learner content ran ({len(ran)}): " + "; ".join(ran[:12])
    assert not alive, f"{what}: hostile markup left alive ({len(alive)}): " + "; ".join(alive[:12])


def assert_shown(locator, what):
    """The element is visible and nothing lies on top of it.

    Args:
        locator: one element.
        what: what it is, for the message.
    """
    ok, top = uncovered(locator)
    assert ok, f"{what} is hidden or covered: {top}"


FORMGRADER_LISTS = {
    "assignments": "formgrader/manage_assignments",
    "submissions": f"formgrader/manage_submissions/{ASSIGNMENT}",
    "students": "formgrader/manage_students",
    "gradebook": f"formgrader/gradebook/{ASSIGNMENT}/{Path(NOTEBOOK).stem}",
    "student-correct": f"formgrader/manage_students/{CORRECT}/{ASSIGNMENT}",
    "student-wrong": f"formgrader/manage_students/{WRONG}/{ASSIGNMENT}",
}


@pytest.mark.parametrize("name", list(FORMGRADER_LISTS))
def test_formgrader_lists(name, hostile_server, hostile_class, sink, make_page, request):
    """formgrader's lists show names from the download as text and the true scores."""
    page, watch = open_watched(make_page, sink, hostile_server,
                               hostile_server.page_url(FORMGRADER_LISTS[name]))
    page.locator("tbody tr").first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    shot(page, request.node.name, "01-list")
    assert_nothing_ran(page, watch, name)
    if name == "submissions":
        for student, (score, max_score) in SCORES.items():
            row = page.locator("tbody tr", has_text=student)
            assert_shown(row.get_by_text(f"{score:g} / {max_score:g}", exact=True), f"{student}'s score")


@pytest.mark.parametrize("student", GRADED)
def test_grading_view(student, hostile_server, hostile_class, sink, make_page, request):
    """The grading view (/formgrader/submissions/<id>/) runs nothing of the learner's, and
    shows every failed test's error and the harmless note."""
    _, ids, _ = hostile_class
    page, watch = open_watched(make_page, sink, hostile_server,
                               hostile_server.page_url(f"formgrader/submissions/{ids[student]}/"))
    shot(page, request.node.name, "01-grading-view")
    assert_nothing_ran(page, watch, f"grading view of {student}")
    # the error outputs of test cells (the learner's own run kept one in a training cell)
    errors = page.locator(".output_error").filter(has_not_text="XSS-K-")
    expected = len(WRONG_FAILED) if student == WRONG else 0
    assert errors.count() == expected, errors.all_inner_texts()
    for i in range(errors.count()):
        assert_shown(errors.nth(i), f"error output {i}")
    assert_note_renders(page, "grading view")


@pytest.mark.parametrize("student", GRADED)
def test_autograded_notebook_in_jupyterlab(student, hostile_server, sink, make_page, request):
    """The autograded notebook opened in the instructor's JupyterLab runs nothing of the learner's."""
    path = f"autograded/{student}/{ASSIGNMENT}/{NOTEBOOK}"
    page, watch = open_watched(make_page, sink, hostile_server,
                               hostile_server.page_url(f"lab/tree/{path}?reset"))
    page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    page.locator(".jp-MarkdownCell", has_text=X.NOTE_TABLE_CELL).first.wait_for(timeout=30_000)
    page.wait_for_timeout(SETTLE_MS)
    shot(page, request.node.name, "01-notebook", full_page=False)
    clicked = click_text_links(page)
    assert clicked >= 2, "the printed data:text/html vectors were expected as links (JupyterLab's linkify)"
    assert_nothing_ran(page, watch, f"JupyterLab, {path}", clicked=TEXT_LINK)
    errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
    if student == WRONG:
        assert errors.count() >= len(WRONG_FAILED), f"{errors.count()} error outputs shown"
        errors.first.evaluate("el => el.scrollIntoView({block: 'center'})")
        assert_shown(errors.first, "the first error output")


def feedback_url(hostile_class, hostile_server, student, how):
    root = hostile_class[0]
    rel = FEEDBACK.format(student)
    if how == "file":
        return (root / rel).resolve().as_uri()
    return hostile_server.page_url(f"files/{rel}")


@pytest.mark.parametrize("how", ["file", "server"])
@pytest.mark.parametrize("student", GRADED)
def test_feedback_page(student, how, hostile_server, hostile_class, sink, make_page, request):
    """Each feedback page, from file:// and through the server's /files/, runs nothing of the
    learner's, shows the true score and every failed test on top, and the harmless note."""
    page, watch = open_watched(make_page, sink, hostile_server if how == "server" else None,
                               feedback_url(hostile_class, hostile_server, student, how))
    shot(page, request.node.name, "01-feedback")
    assert_nothing_ran(page, watch, f"feedback page of {student} ({how})")
    score, max_score = SCORES[student]
    summary = page.locator("div.dnn-summary")
    assert_shown(summary.get_by_text(f"Score: {score:g} / {max_score:g}."), "the score")
    if student == WRONG:
        items = summary.locator("li")
        assert items.count() == len(WRONG_FAILED), items.all_inner_texts()
        for i in range(items.count()):
            assert_shown(items.nth(i), f"failed test {i}")
    assert_note_renders(page, "feedback page")


def test_class_report(hostile_server, hostile_class, sink, make_page, request):
    """The class report runs nothing of the learner's and shows every learner's true score."""
    report = hostile_class[0] / "exports" / f"{ASSIGNMENT}-report.html"
    page, watch = open_watched(make_page, sink, None, report.resolve().as_uri())
    shot(page, request.node.name, "01-report")
    assert_nothing_ran(page, watch, "class report")
    table = page.locator("#everyone")
    for student, (score, max_score) in SCORES.items():
        row = table.locator("tr", has_text=student)
        assert_shown(row.get_by_text(f"{score:g} / {max_score:g}", exact=True), f"{student}'s score")
    assert table.locator("tr", has_text=NOT_NOTEBOOK).count() == 1


def assert_note_renders(page, what):
    """The learner's harmless note shows its formula (as MathML: the course writes the formulas
    of both pages so), its image and its table.

    Args:
        page: the Page.
        what: the page's name, for messages.
    """
    note = page.locator(".text_cell_render", has=page.locator("table", has_text=X.NOTE_TABLE_CELL))
    assert note.count() == 1, f"{what}: the learner's note with its table is missing"
    assert_shown(note.locator("td", has_text=X.NOTE_TABLE_CELL), f"{what}: the note's table")
    image = note.locator("img")
    assert image.count() == 1, f"{what}: the note's image is missing"
    assert image.evaluate("i => i.complete && i.naturalWidth") == 16, f"{what}: the note's image is not drawn"
    assert_shown(image, f"{what}: the note's image")
    assert note.locator("math mfrac").count() == 1, f"{what}: the note's formula is not drawn"
