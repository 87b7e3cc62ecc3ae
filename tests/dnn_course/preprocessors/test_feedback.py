"""The learner's feedback page (summary, no hidden lines, fits 1024 px) and a quiet autograde."""
import html
import logging
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output
from traitlets.config import Config

from dnn_course.preprocessors.feedback import HIDDEN_NOTE, HideHiddenTests, strip_hidden
from dnn_course.preprocessors.feedback_page import FeedbackPage
from public_tests.findings import Finding, record

STEP = ("start of the backward pass: in iteration 0, dA has the opposite sign")
CHECK = "f: wrong values in W1 (layers_dims=(5, 3, 1))."
HIDDEN_REASON = f"{CHECK} First step that differs from the method: "
# What the hidden cells' record says (the page reads it, not the sentence above).
SIGN = Finding("start of the backward pass", "dA has the opposite sign", "in iteration 0, dA has the opposite sign")
PUBLIC_LINES = ["f gives a wrong result in 1 of 4 checks (first: parameters['W1'], call 4 of 4).",
                "Failed checks:", "  - call 4 of 4, values check:",
                "      parameters['W1']: 1 of 4 values differ",
                "Look at the equations in your loop. Use the function's arguments rather than "
                "global variables."]


def _test_cell(source, gid, points, score, outputs):
    cell = new_code_cell(source, outputs=outputs)
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "locked": True, "grade_id": gid,
                                 "points": points, "score": score, "schema_version": 3}
    return cell


def _hidden(gid, reason):
    return _test_cell(f"# Checks f on other sizes ({gid}).\n### BEGIN HIDDEN TESTS\nsecret_reference()\n"
                      "### END HIDDEN TESTS", gid, 2, 0,
                      [new_output("stream", name="stdout", text="Cost after iteration 2: 0.6916338\n"),
                       new_output("error", ename="AssertionError", evalue=reason,
                                  traceback=["File hidden.py", "secret_reference()", "AssertionError"])])


def feedback_of(nb, score=1, max_score=9):
    """nb after the course's feedback preprocessors (scores as GetGrades leaves them)."""
    resources = {"nbgrader": {"score": score, "max_score": max_score}}
    nb, resources = HideHiddenTests().preprocess(nb, resources)
    return FeedbackPage().preprocess(nb, resources)


def graded_notebook():
    public = _test_cell("# Checks f, then runs its public test.\nf_test(f)", "correct_f", 4, 0, [
        new_output("stream", name="stdout", text="Cost after first iteration: 0.69\n"),
        new_output("error", ename="PublicTestFailure", evalue="\n".join(PUBLIC_LINES),
                   traceback=["\x1b[91m" + PUBLIC_LINES[0] + "\x1b[0m", *PUBLIC_LINES[1:]])])
    passed = _test_cell("# Checks f's globals.\n### BEGIN HIDDEN TESTS\nsecret()\n### END HIDDEN TESTS",
                        "f_hidden_ok", 1, 1, [])
    nb = new_notebook(cells=[public, _hidden("f_hidden_a", HIDDEN_REASON + STEP),
                             _hidden("f_hidden_b", HIDDEN_REASON + STEP), passed])
    nb.metadata["dnn_course"] = {"findings": {gid: record(CHECK, SIGN) for gid in ("f_hidden_a", "f_hidden_b")}}
    return nb


def text_of(cell):
    return html.unescape(re.sub(r"<[^>]+>", "", cell.source.replace("<br>", " ")))


def test_summary_lists_failed_tests_step_first():
    """The page opens with the score and each failed test: score, description, step, reason."""
    nb, resources = feedback_of(graded_notebook())
    summary = nb.cells[0]
    assert summary.metadata.get("dnn_course_summary")
    text = " ".join(text_of(summary).split())
    assert "Score: 1 / 9. 3 of 4 tests did not pass" in text, text
    assert "0 / 4 Checks f, then runs its public test. " + PUBLIC_LINES[0] in text, text
    first = text.index("First wrong step: start of the backward pass: in iteration 0, dA has the "
                       "opposite sign Look at where the backward pass starts: dA of the output "
                       "layer. f: wrong values in W1 (layers_dims=(5, 3, 1)).")
    assert first > text.index("Checks f on other sizes (f_hidden_a)"), text
    assert "First wrong step: the same as above (start of the backward pass). f: wrong values in W1" \
        in text, text
    assert text.count("Look at where the backward pass starts: dA of the output layer.") == 1, text
    assert "f_hidden_ok" not in summary.source and "#f_hidden_a" in summary.source
    css = "".join(resources["inlining"]["css"])
    assert "white-space: pre-wrap" in css and "overflow-wrap: anywhere" in css
    assert "max-width: 100%" in css


def test_step_comes_from_the_record_not_the_words():
    """The page names the step the record names, with where it was seen; a cell whose error
    text mentions a step but has no record names none; a public failure's record is read too."""
    nb = graded_notebook()
    public = record(PUBLIC_LINES[0], Finding("cost", "AL and Y swapped", "in iteration 0, compute_cost: AL and "
                                             "Y are given in the wrong order."), "seen in call 4, learning_rate=0.1")
    nb.metadata["dnn_course"]["findings"] = {"correct_f": public, "f_hidden_b": {"step": "made up", "kind": "x"}}
    nb, _ = feedback_of(nb)
    text = " ".join(text_of(nb.cells[0]).split())
    assert ("First wrong step: cost: in iteration 0, compute_cost: AL and Y are given in the wrong order. "
            "(seen in call 4, learning_rate=0.1) Look at the cost") in text, text
    # f_hidden_a has no record, f_hidden_b an unreadable one: their error's line is the reason, no step
    assert "First wrong step: start of the backward pass" not in text, text
    assert f"(f_hidden_a). {HIDDEN_REASON}{STEP}0 / 2" in text and "(f_hidden_b). The same reason as above." in text


def test_repeated_reason_said_once():
    """Tests failing for the same reason (e.g. a blank notebook) point to the first one."""
    nb = new_notebook(cells=[_hidden("h1", "f raised NotImplementedError: Not implemented yet"),
                             _hidden("h2", "f raised NotImplementedError: Not implemented yet")])
    nb, _ = feedback_of(nb, 0, 4)
    text = " ".join(text_of(nb.cells[0]).split())
    assert text.count("Not implemented yet") == 1, text
    assert "(h2). The same reason as above." in text, text


def test_all_passed_summary():
    """A full score says so in one line."""
    nb = graded_notebook()
    for cell in nb.cells:
        cell.metadata.nbgrader["score"] = cell.metadata.nbgrader["points"]
    nb, _ = feedback_of(nb, 9, 9)
    assert " ".join(text_of(nb.cells[0]).split()) == "Score: 9 / 9. All 4 tests passed."


def test_hidden_cells_lose_their_lines_public_failures_keep_theirs():
    """Hidden cells: no hidden source, no printed lines, a one-line error; the public
    test's failure keeps its lines and its learner's printed lines."""
    nb, _ = feedback_of(graded_notebook())
    public, hidden = nb.cells[1], nb.cells[2]
    assert hidden.source == f"# Checks f on other sizes (f_hidden_a).\n{HIDDEN_NOTE}"
    assert [o.output_type for o in hidden.outputs] == ["error"]
    assert hidden.outputs[0].traceback == ["AssertionError: " + HIDDEN_REASON + STEP]
    assert public.outputs[0].text == "Cost after first iteration: 0.69\n"
    assert public.outputs[1].traceback == PUBLIC_LINES
    page = nbformat.writes(nb)
    assert "secret" not in page and "Cost after iteration 2" not in page


def test_public_failure_name_does_not_unlock_hidden_cells():
    """A PublicTestFailure raised in a hidden cell is still cut to its first line."""
    nb = new_notebook(cells=[_hidden("h", "line one\nFile secret.py, line 3")])
    nb.cells[0].outputs[1].ename = "PublicTestFailure"
    nb, _ = feedback_of(nb)
    assert nb.cells[1].outputs[0].traceback == ["PublicTestFailure: line one"]


def test_no_display_data_priority_warning(caplog):
    """nbconvert's HTML exporter config no longer makes traitlets warn about the filters."""
    cfg = Config({"NbConvertBase": {"display_data_priority": ["text/html", "text/plain"]}})
    with caplog.at_level(logging.WARNING):
        for cls in (HideHiddenTests, FeedbackPage):
            assert cls(config=cfg).display_data_priority == ["text/html", "text/plain"]
    assert "not recognized" not in caplog.text


def test_exchange_is_the_course_own():
    """nbgrader's exchange is a writable folder of the course, so the JupyterLab
    assignment list starts without "[C] Unwritable directory"."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default.list import ExchangeList

    from dnn_course.course.nbapi import load_config
    from dnn_course.course.paths import COURSE_ROOT

    cfg = load_config()
    assert cfg.Exchange.root == str(COURSE_ROOT / "exchange")
    listing = ExchangeList(coursedir=CourseDirectory(config=cfg), config=cfg,
                           authenticator=Authenticator(config=cfg))
    assert listing.start() == []


# ------------------------------------------- one real autograde and feedback (slow)

STUDENT = "demo-wrong-sign-dA2"  # its two-layer model is wrong, its L-layer model right


class LoggedApi:
    """An NbGraderAPI that keeps the log nbgrader captured for each autograde."""

    def __init__(self, api):
        self._api, self.logs = api, []

    def autograde(self, *args, **kwargs):
        outcome = self._api.autograde(*args, **kwargs)
        self.logs.append(outcome.get("log") or "")
        return outcome

    def __getattr__(self, name):
        return getattr(self._api, name)


def add_wide_outputs(path):
    """Give the mislabeled-pictures cell a 3289 px wide picture and a 3000-character line,
    as a learner's own run may leave them (grading keeps the outputs of cells it skips)."""
    import base64
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(32.89, 2), dpi=100)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    nb = nbformat.read(str(path), 4)
    cell = next(c for c in nb.cells if c.cell_type == "code" and "print_mislabeled_images" in c.source)
    cell.outputs = [new_output("stream", name="stdout", text="x" * 3000 + "\n"),
                    new_output("display_data", data={"image/png": base64.b64encode(buf.getvalue())
                                                     .decode()})]
    nbformat.write(nb, str(path))


@pytest.fixture(scope="module")
def graded(tmp_path_factory, course_template):
    """A scratch course with one submission autograded through dnn-course and its feedback."""
    from conftest import course_data_dir
    from dnn_course.grading.submission import grade_one
    from dnn_course.course.nbapi import make_api
    from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
    from dnn_course.demo.samples import write_samples

    mp = pytest.MonkeyPatch()
    mp.setenv("DNN_APP_DATA", str(course_data_dir()))
    root = course_template.copy(tmp_path_factory.mktemp("fb") / "course")
    write_samples(root, only=[STUDENT])
    api = LoggedApi(make_api(root))
    result = grade_one(api, root, ASSIGNMENT, STUDENT)
    add_wide_outputs(root / "autograded" / STUDENT / ASSIGNMENT / NOTEBOOK)
    feedback = api.generate_feedback(ASSIGNMENT, STUDENT, force=True)
    yield root, api, result, feedback
    mp.undo()


@pytest.mark.slow
def test_autograde_and_feedback_logs_are_quiet(graded):
    """No checksum warning for the hidden-test cells, no exchange or config warning, and the
    student is named by its id (not "None, None")."""
    root, api, result, feedback = graded
    from dnn_course.course.mistakes import FAILS, score

    kept = score("two_layer_model", FAILS[("two_layer_model", "wrong-sign-dA2")])
    assert result.status == "graded" and result.score == 10 + kept, result
    assert feedback["success"], feedback
    log = "\n".join(api.logs) + (feedback.get("log") or "")
    for noise in ("checksum", "Unwritable directory", "not recognized"):
        assert noise not in log, log
    with api.gradebook as gb:
        student = gb.find_student(STUDENT)
        assert (student.last_name, student.first_name) == (STUDENT, "")


@pytest.mark.slow
def test_feedback_page_summary_and_no_hidden_lines(graded):
    """The page opens with the summary naming the wrong step; the hidden cells' printed
    lines are gone while the learner's own printed costs stay."""
    from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK

    root = graded[0]
    page = (root / "feedback" / STUDENT / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")).read_text()
    assert page.index('class="dnn-summary"') < page.index("Deep Neural Network for Image Classification")
    assert "First wrong step: <b>start of the backward pass</b>" in page
    autograded = nbformat.read(str(root / "autograded" / STUDENT / ASSIGNMENT / NOTEBOOK), 4)
    costs = {True: 0, False: 0}  # printed by hidden-test cells / by the others
    shown = 0  # in the page's text and code
    for cell in autograded.cells:
        shown += strip_hidden(cell.source).count("Cost after iteration")
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                costs["### BEGIN HIDDEN TESTS" in cell.source] += o.text.count("Cost after iteration")
    assert costs[True] > 0  # the hidden cells did print (so this test can fail)
    assert page.count("Cost after iteration") == shown + costs[False]


def test_student_named_by_id_unless_named(tmp_path):
    """A student first seen by grading gets its id as last name; names already in the
    gradebook (e.g. from the LMS) stay."""
    from nbgrader.api import Gradebook

    from dnn_course.grading.submission import add_student
    from dnn_course.course.nbapi import venv_on_path

    venv_on_path()
    with Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}") as gb:
        gb.add_student("s2", first_name="Ada", last_name="Lovelace")
        add_student(gb, "s1")
        add_student(gb, "s2")
        names = {s.id: (s.last_name, s.first_name) for s in gb.students}
    assert names == {"s1": ("s1", ""), "s2": ("Lovelace", "Ada")}


def test_public_test_failure_names_its_step_in_the_summary():
    """The summary gives the public test cell the first wrong step its failure named in the
    notebook and in Validate (same words), with the call it was seen in."""
    import numpy as np

    import public_tests
    from dnn_course.course.mistakes import MUTANTS, build, mutate
    from dnn_course.course.solutions import solution_sources
    from public_tests.messages import PublicTestFailure

    name = "two_layer_model"
    wrong = build(mutate(solution_sources()[name], MUTANTS[name]["wrong-sign-dA2"]), name)
    with pytest.raises(PublicTestFailure) as failure, np.errstate(all="ignore"):
        public_tests.run_public_test(wrong, name)
    lines = failure.value._render_traceback_()
    public = _test_cell("# Checks f, then runs its public test.\nf_test(f)", "correct_f", 4, 0, [
        new_output("error", ename="PublicTestFailure", evalue=str(failure.value), traceback=lines)])
    nb = new_notebook(cells=[public], metadata={"dnn_course": {"findings": {"correct_f": failure.value.record()}}})
    nb, _ = feedback_of(nb, score=0, max_score=4)
    text = " ".join(text_of(nb.cells[0]).split())
    assert "First wrong step: start of the backward pass: in iteration 0, linear_activation_backward: " \
           "dA, the derivative of the cost with respect to the output, is" in text, text
    assert "It has the opposite sign. (seen in call 4, learning_rate=0.1, num_iterations=3)" in text, text
    assert "two_layer_model gives a wrong result in 2 of 4 checks" in text, text
    hint = [" ".join(re.sub(r"\x1b\[[0-9;]*m", "", ln).split()) for ln in lines if "Look at" in ln]
    assert hint == ["Look at where the backward pass starts: dA of the output layer."], lines
    assert text.count(hint[0]) == 1, text  # the cell's own words, once


def test_same_step_on_other_inputs_said_once():
    """A step named again on other inputs (other values) points up; a new step is named in full."""
    from dnn_course.preprocessors.feedback_page import summary_html

    def failed(grade_id, step):
        name, _, said = step.partition(": ")
        return {"grade_id": grade_id, "description": grade_id, "score": 0, "points": 1,
                "step": name, "said": said, "reason": f"f: wrong values in W1 ({grade_id})."}

    page = summary_html([failed("a", "cost: it is 0.7, expected 0.69"),
                         failed("b", "cost: it is 0.5, expected 0.52"),
                         failed("c", "the update: W1 did not change")], 0, 3, 3)
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    assert "First wrong step: cost : it is 0.7, expected 0.69 Look at the cost:" in text, text
    assert "First wrong step: the same as above ( cost ). f: wrong values in W1 (b)." in text, text
    assert "0.5" not in text and text.count("Look at the cost") == 1, text
    assert "First wrong step: the update : W1 did not change Look at the update:" in text, text
