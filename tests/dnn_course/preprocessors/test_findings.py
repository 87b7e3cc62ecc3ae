"""CollectFindings keeps each failed test cell's finding record in the notebook's metadata, and nothing a learner made."""
from nbformat.v4 import new_code_cell, new_notebook, new_output

from dnn_course.course.findings import findings_of
from dnn_course.preprocessors.findings import CollectFindings
from public_tests.findings import MIME, NOT_NAMED, Finding, record

SIGN = Finding("start of the backward pass", "dA has the opposite sign", "in iteration 0, dA is [-2], expected [2].",
               "linear_activation_backward", "dA", "[2]", "[-2]")


def _cell(gid, outputs, solution=False):
    cell = new_code_cell("f_test(f)", outputs=outputs)
    cell.metadata["nbgrader"] = {"grade": not solution, "solution": solution, "grade_id": gid, "points": 1}
    return cell


def _shown(data):
    return new_output("display_data", data={MIME: data})


def _error():
    return new_output("error", ename="AssertionError", evalue="f: wrong values in W1.", traceback=[])


def test_records_move_to_the_metadata_and_leave_the_outputs():
    """A test cell's record goes to metadata["dnn_course"]["findings"] under its grade id (the
    last one when it emitted two) and out of its outputs, which keep everything else."""
    first, last = record("f: wrong values in W1."), record("f: wrong values in W1.", SIGN, "seen on a small input")
    stream = new_output("stream", name="stdout", text="Cost after iteration 1: 0.69\n")
    nb = new_notebook(cells=[_cell("f_hidden_a", [stream, _shown(first), _shown(last), _error()]),
                             _cell("f_hidden_ok", [])])
    nb, _ = CollectFindings().preprocess(nb, {})
    assert [o.output_type for o in nb.cells[0].outputs] == ["stream", "error"]
    assert findings_of(nb.metadata) == {"f_hidden_a": last}
    assert findings_of(nb.metadata)["f_hidden_a"]["kind"] == "dA has the opposite sign"


def test_nothing_a_learner_made_is_kept():
    """A record displayed by a learner's own cell is dropped and not kept; records the submission
    arrived with are replaced; a record that is not one (a wrong step, a number) is not kept."""
    forged = record("all fine.", SIGN)
    nb = new_notebook(cells=[_cell("f", [_shown(forged)], solution=True),
                             _cell("f_hidden_a", [_shown({"step": "made up", "kind": "x"}), _error()]),
                             _cell("f_hidden_b", [_shown(record("f raised ValueError.", raised="ValueError") | {"got": 3}),
                                                  _error()])],
                      metadata={"dnn_course": {"findings": {"f_hidden_c": forged}, "tampering": ["kept"]}})
    nb, _ = CollectFindings().preprocess(nb, {})
    assert all(MIME not in o.get("data", {}) for c in nb.cells for o in c.outputs)
    assert nb.metadata["dnn_course"] == {"findings": {}, "tampering": ["kept"]}
    assert findings_of(nb.metadata) == {}


def test_a_record_without_a_step():
    """A failure the diagnosis could not name keeps its kind, from what the function raised."""
    nb = new_notebook(cells=[_cell("f_hidden_a", [_shown(record("f raised NotImplementedError.",
                                                                raised="NotImplementedError")), _error()])])
    nb, _ = CollectFindings().preprocess(nb, {})
    kept = findings_of(nb.metadata)["f_hidden_a"]
    assert (kept["step"], kept["kind"], kept["check"]) == (NOT_NAMED, "not implemented yet", "f raised NotImplementedError.")
