"""The whole grading flow on the course data: release, sample submissions,
autograde, feedback, export. One shared (slow) batch serves every test."""
import csv
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from course_template import grade_with_feedback, on_course_data
from dnn_course.grading.batch import grade_all
from dnn_course.course.mistakes import FAILS, STEP, score
from dnn_course.course.nbapi import make_api
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK, source_notebook
from dnn_course.demo.samples import DEMO_MISTAKES, sample_notebooks, write_samples

pytestmark = pytest.mark.slow

FAKE_SUCCESS = '''def two_layer_model(X, Y, layers_dims, learning_rate=0.0075, num_iterations=3000, print_cost=False):
    # YOUR CODE STARTS HERE
    print("\\033[92m All tests passed.\\033[0m")
    return {}, []
    # YOUR CODE ENDS HERE'''


@pytest.fixture(scope="module")
def course(tmp_path_factory, course_template):
    """A graded scratch course: every sample submission plus a fake-success one."""
    with on_course_data():
        root = course_template.copy(tmp_path_factory.mktemp("course") / "course")
        students = write_samples(root)
        fake = sample_notebooks()["demo-blank"]
        for cell in fake.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == "two_layer_model":
                cell.source = FAKE_SUCCESS
        path = root / "submitted" / "demo-fake-success" / ASSIGNMENT / NOTEBOOK
        path.parent.mkdir(parents=True)
        nbformat.write(fake, str(path))
        students.append("demo-fake-success")
        yield root, grade_with_feedback(root, students)


def feedback_text(root, student):
    """The learner's feedback page as plain text (tags stripped, entities decoded)."""
    page = (root / "feedback" / student / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")).read_text()
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def hidden_lines():
    """Every substantial line of the source notebook's hidden tests that the
    release does not show anyway (the solution cells' given lines are public)."""
    from dnn_course.course.paths import release_notebook

    public = {line.strip() for cell in nbformat.read(str(release_notebook()), as_version=4).cells
              for line in cell.source.splitlines()}
    nb = nbformat.read(str(source_notebook()), as_version=4)
    lines, inside = set(), False
    for cell in nb.cells:
        for line in cell.source.splitlines():
            if "BEGIN HIDDEN TESTS" in line:
                inside = True
            elif "END HIDDEN TESTS" in line:
                inside = False
            elif inside and len(line.strip()) > 15 and not line.strip().startswith("#") \
                    and line.strip() not in public:
                lines.add(line.strip())
    assert len(lines) > 20  # the reference loops and the check_cell calls (the cases: hidden_cases.py)
    return lines


def test_correct_submission_gets_full_marks(course):
    """The reference solutions score every point."""
    r = course[1]["demo-correct"]
    assert (r.status, r.score, r.max_score) == ("graded", 20, 20), r
    assert all(not t.reason for t in r.tests)


@pytest.mark.parametrize("student, function, mistake", DEMO_MISTAKES,
                         ids=[m[0] for m in DEMO_MISTAKES])
def test_mistake_loses_points_and_feedback_names_the_step(course, student, function, mistake):
    """Each typical mistake scores less, and its feedback names the wrong step."""
    root, results = course
    r = results[student]
    assert r.status == "graded" and 0 < r.score < r.max_score, r
    lost = [t for t in r.tests if t.reason]
    assert lost and all(t.grade_id.startswith(function) or t.grade_id.endswith(function) for t in lost)
    step = STEP[(function, mistake)]
    named = [t.reason for t in lost if f"First step that differs from the method: {step}:" in t.reason]
    assert named, "\n".join(t.reason for t in lost)
    # the same step as data: the record the cell emitted, kept by grading, read back with the result
    kept = {t.reason: t.finding for t in lost if t.finding and t.finding["step"] == step}
    assert set(named) <= set(kept), [(t.grade_id, t.finding) for t in lost]
    assert all(kept[reason]["kind"] and kept[reason]["message"] in reason for reason in named)
    assert step in feedback_text(root, student)


@pytest.mark.parametrize("student, function, mistake", DEMO_MISTAKES,
                         ids=[m[0] for m in DEMO_MISTAKES])
def test_real_scores_match_the_matrix(course, student, function, mistake):
    """nbgrader fails exactly the cells mistakes.FAILS lists (verification included), e.g. a
    hard-coded learning rate loses only the public test and the hyperparameters cell: 14 of 20."""
    r = course[1][student]
    lost = {t.grade_id for t in r.tests if t.score < t.max_score}
    assert lost == FAILS[(function, mistake)], r
    assert r.score == 10 + score(function, lost), r


@pytest.mark.parametrize("student, reason", [
    ("demo-blank", "is not implemented yet"),
    ("demo-raises", "I could not get this to work"),
    ("demo-never-ends", "CellTimeoutError"),
    ("demo-invalid-json", "not valid JSON"),
    ("demo-fake-success", "parameters"),
])
def test_broken_submissions_get_zero_with_a_reason(course, student, reason):
    """Blank, raising, endless and fake-success submissions score 0, saying why; a damaged one
    is not graded, with no score at all (never a 0 that reads like a grade)."""
    r = course[1][student]
    damaged = student == "demo-invalid-json"
    assert (r.status, r.score, r.max_score) == (("not graded", None, 20) if damaged else ("graded", 0, 20)), r
    reasons = " ".join([r.reason] + [t.reason for t in r.tests])
    assert reason in reasons, reasons


def test_no_hidden_test_line_in_any_feedback(course):
    """No line of a hidden test reaches a learner, tracebacks included."""
    root, results = course
    secret = hidden_lines()
    pages = list((root / "feedback").rglob("*.html"))
    assert len(pages) == len(results) - 1  # all but the invalid notebook
    for page in pages:
        text = feedback_text(root, page.parts[-3])
        leaked = [line for line in secret if line in text]
        assert not leaked, f"{page}: {leaked[:3]}"


def test_grading_again_changes_nothing(course):
    """A second run skips what is graded and reports the same scores."""
    root, results = course
    again = {r.student: r for r in grade_all(ASSIGNMENT, root, list(results), progress=False)}
    assert {s: (r.score, r.status) for s, r in again.items()} == \
        {s: (r.score, r.status) for s, r in results.items()}


def test_export_files(course):
    """CSV and JSON exports carry scores, and per-test reasons in the JSON."""
    root, results = course
    out = subprocess.run([sys.executable, "-m", "dnn_course", "--root", str(root), "export"],
                         capture_output=True, text=True, cwd=root)
    assert out.returncode == 1, out.stderr  # the invalid notebook needs attention
    rows = {r["student"]: r for r in csv.DictReader(open(root / "exports" / f"{ASSIGNMENT}-grades.csv"))}
    assert float(rows["demo-correct"]["score"]) == 20
    data = json.loads((root / "exports" / f"{ASSIGNMENT}-grades.json").read_text())
    by = {s["student"]: s for s in data["submissions"]}
    assert len(by["demo-correct"]["tests"]) == 10
    assert any("First step" in t["reason"] for t in by["demo-wrong-sign-dA2"]["tests"])


def test_plain_nbgrader_grades_and_hides_the_same_way(course):
    """`nbgrader autograde` and `generate_feedback` in the course folder behave like dnn-course."""
    root, results = course
    nbgrader = [sys.executable, "-m", "nbgrader"]
    for cmd in (["autograde", ASSIGNMENT, "--student", "demo-blank", "--force"],
                ["generate_feedback", ASSIGNMENT, "--student", "demo-blank", "--force"]):
        p = subprocess.run(nbgrader + cmd, cwd=root, capture_output=True, text=True,
                           env={**__import__("os").environ,
                                "PATH": f"{Path(sys.executable).parent}:{__import__('os').environ['PATH']}"})
        assert p.returncode == 0, p.stderr[-2000:]
    text = feedback_text(root, "demo-blank")
    assert not [line for line in hidden_lines() if line in text]
    api = make_api(root)
    with api.gradebook as gb:
        assert gb.find_submission(ASSIGNMENT, "demo-blank").score == results["demo-blank"].score
