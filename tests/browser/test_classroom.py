"""The classroom end to end: two learners fetch, work, submit and read their own feedback; the instructor's formgrader agrees."""
import re
import time

import nbformat
import pytest
from nbgrader.api import Gradebook

from dnn_course.course.facts import L_LAYER_MODEL, TWO_LAYER_MODEL
from dnn_course.course.mistakes import STEP
from dnn_course.course.paths import ASSIGNMENT, release_notebook
from dnn_course.course.solutions import solution_sources
from dnn_course.demo.samples import sample_notebooks

from . import hub
from .lab import code_cell, fill_regions, regions, save
from .pages import shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MISTAKE = ("demo-wrong-sign-dA2", TWO_LAYER_MODEL, "wrong-sign-dA2")
FEEDBACK_TIMEOUT = 300  # s from submit to "Fetch Feedback" (grading takes ~5 s alone; the box is shared)
SCORE = re.compile(r"Score: ([\d.]+) / ([\d.]+)\.")


def with_stub(nb, function):
    """The notebook with one solution cell back as the release has it (to be typed)."""
    release = nbformat.read(str(release_notebook()), as_version=4)
    stub = next(c.source for c in release.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == function)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == function:
            cell.source = stub
    return nb


def type_solution(page, url, user, function):
    """Open the fetched notebook in JupyterLab and type one function's solution regions."""
    page.goto(hub.user_url(url, user, f"lab/tree/{hub.NOTEBOOK_PATH}"))
    header = f"def {function}("
    page.locator(".jp-CodeCell .cm-content", has_text=header).first.wait_for(
        state="attached", timeout=60_000)  # JupyterLab draws the cells after the first ones later
    cell = code_cell(page, header)
    cell.scroll_into_view_if_needed()
    fill_regions(page, cell, regions(solution_sources()[function]))
    save(page)


def submit(page, url, user):
    """Submit from the Assignment List; wait until it lists the submission."""
    hub.assignment_list(page, url, user)
    hub.click_in_row(page, "fetched_assignments_list", "Submit")
    page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for(
        timeout=hub.ACTION_TIMEOUT)


def fetch_feedback(page, url, user):
    """Refresh the Assignment List until the feedback is there, fetch it, open its page.

    Returns:
        The feedback page's URL on the learner's server.
    """
    hub.assignment_list(page, url, user)
    submitted = page.locator("#submitted_assignments_list")
    deadline = time.monotonic() + FEEDBACK_TIMEOUT
    while "feedback available to fetch" not in submitted.text_content():  # also when folded
        assert time.monotonic() < deadline, f"{user}: no feedback {FEEDBACK_TIMEOUT} s after submitting"
        time.sleep(3)
        hub.assignment_list(page, url, user)  # opened afresh: what a learner reloading sees
    submitted.get_by_role("button", name="Fetch Feedback").first.click()
    submitted.get_by_text("(view feedback)").first.wait_for(state="attached", timeout=hub.ACTION_TIMEOUT)
    reply = page.request.get(hub.user_url(url, user, f"api/contents/{ASSIGNMENT}/feedback"))
    assert reply.status == 200, f"{user}: the fetched feedback is not in {ASSIGNMENT}/feedback"
    latest = max(item["name"] for item in reply.json()["content"])
    feedback = hub.user_url(url, user, f"files/{ASSIGNMENT}/feedback/{latest}/{ASSIGNMENT}.html")
    page.goto(feedback)
    return feedback


def test_two_learners_submit_and_read_only_their_own_feedback(classroom, browser, request):
    """Ada types part of a correct solution, Alan submits a catalogued mistake; each sees their
    own score (Alan also the named step), neither opens the other's, the formgrader agrees."""
    url, name = classroom.url, request.node.name
    ada, alan = classroom.learners
    samples = sample_notebooks()
    work = {ada: with_stub(samples["demo-correct"], L_LAYER_MODEL), alan: samples[MISTAKE[0]]}
    pages = {}
    for user in (ada, alan):  # each in a browser context of their own
        page = pages[user] = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        hub.log_in(page, url, user, classroom.passwords[user])
        shot(page, name, f"01-{user}-logged-in")
        hub.assignment_list(page, url, user)
        hub.click_in_row(page, "released_assignments_list", "Fetch")
        page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for(
            timeout=hub.ACTION_TIMEOUT)
        shot(page, name, f"02-{user}-fetched")
        assert hub.put_notebook(page, url, user, hub.NOTEBOOK_PATH, work[user]) == 200
    type_solution(pages[ada], url, ada, L_LAYER_MODEL)
    shot(pages[ada], name, f"03-{ada}-typed")
    for user in (ada, alan):
        submit(pages[user], url, user)
        shot(pages[user], name, f"04-{user}-submitted")

    seen, feedback = {}, {}
    for user in (ada, alan):
        page = pages[user]
        feedback[user] = fetch_feedback(page, url, user)
        shot(page, name, f"05-{user}-feedback")
        text = page.inner_text("body")
        found = SCORE.search(text)
        assert found, f"{user}'s feedback page shows no score"
        seen[user] = (float(found[1]), float(found[2]))
    assert seen[ada][0] == seen[ada][1], f"{ada}'s correct work scored {seen[ada]}"
    assert seen[alan][0] < seen[alan][1], f"{alan}'s mistake scored {seen[alan]}"
    assert STEP[MISTAKE[1:]] in pages[alan].inner_text("body")

    for user, other in ((ada, alan), (alan, ada)):  # neither reaches the other's server
        reply = pages[user].request.get(feedback[other])
        assert reply.status in (403, 404) or "Score:" not in reply.text(), \
            f"{user} opened {other}'s feedback ({reply.status})"
        pages[user].goto(feedback[other])
        shot(pages[user], name, f"06-{user}-refused-{other}")
        assert "Score:" not in pages[user].inner_text("body")

    with Gradebook(f"sqlite:///{classroom.dir / 'course' / 'gradebook.db'}") as gb:
        stored = {u: (gb.find_submission(ASSIGNMENT, u).score,
                      gb.find_submission(ASSIGNMENT, u).max_score) for u in (ada, alan)}
    assert stored == seen
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    hub.log_in(page, url, classroom.instructor, classroom.passwords[classroom.instructor])
    page.goto(hub.user_url(url, classroom.instructor, f"formgrader/manage_submissions/{ASSIGNMENT}"))
    rows = page.locator("tbody tr")
    for user in (ada, alan):
        rows.filter(has_text=user).first.wait_for(timeout=30_000)
    shot(page, name, "07-instructor-formgrader")
    column = [h.strip() for h in page.locator("thead th").all_inner_texts()].index("Score")
    for user, (score, max_score) in seen.items():
        shown = rows.filter(has_text=user).locator("td").nth(column).inner_text().strip()
        assert shown == f"{score:g} / {max_score:g}", f"formgrader shows {shown!r} for {user}"
