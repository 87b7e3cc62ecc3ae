"""A hand-made graded class for the report tests (tests/dnn_course/admin/test_report.py, tests/browser/)."""
from dnn_course.admin.class_results import ClassResults, Person
from dnn_course.course.paths import ASSIGNMENT
from dnn_course.grading.results import SubmissionResult
from dnn_course.grading.results import TestResult as CellResult
from public_tests.findings import Finding, record

SIGN = "start of the backward pass"
RATE = "the learning rate"
SIGN_MSG = ("in iteration 0, linear_activation_backward: dA, the derivative of the cost with "
            "respect to the output, is [-2, ...], expected [2, ...]. It has the opposite sign.")
RATE_MSG = ("update_parameters got learning_rate=0.0075, but the function was called with "
            "learning_rate=0.05. Pass the argument on instead of a fixed number.")


KINDS = {SIGN_MSG: "dA has the opposite sign", RATE_MSG: "fixed learning rate"}


def reason(step, message, what="wrong values in W1", kind=None):
    """A failed hidden test as grading keeps it: (its stored reason, error name, finding record),
    shaped as public_tests.hidden.explained writes and emits them."""
    check = f"two_layer_model: {what}."
    finding = Finding(step, kind or KINDS.get(message, "other"), message)
    return (f"AssertionError: {check} First step that differs from the method: {step}: {message}",
            "AssertionError", record(check, finding, "seen on a small input with learning_rate=0.05"))


def graded(student, failures, score=None):
    """A graded result; failures maps grade id -> reason, or (reason, error name, finding record)
    (all other tests pass)."""
    ids = ["correct_two_layer_model", "two_layer_model_hidden_shapes",
           "two_layer_model_hidden_course_data", "correct_L_layer_model",
           "L_layer_model_hidden_hyperparameters"]
    failed = {g: (f, f.partition(":")[0], None) if isinstance(f, str) else f for g, f in failures.items()}
    tests = [CellResult(g, 0.0, 2.0, *failed[g]) if g in failed else CellResult(g, 2.0, 2.0) for g in ids]
    return SubmissionResult(student, "graded", sum(t.score for t in tests), 10.0, "", tests)


def hand_made_class():
    """Three learners share the sign mistake, two the fixed rate, one is blank, one is not graded."""
    sign = {"correct_two_layer_model": "AssertionError: Not all tests passed for two_layer_model.",
            "two_layer_model_hidden_shapes": reason(SIGN, SIGN_MSG),
            "two_layer_model_hidden_course_data": reason(SIGN, SIGN_MSG)}
    rate = {"L_layer_model_hidden_hyperparameters": reason(RATE, RATE_MSG)}
    not_yet = "L_layer_model is not implemented yet: write your code"
    blank = {"correct_L_layer_model": (f"PublicTestFailure: {not_yet}", "PublicTestFailure",
                                       record(not_yet, raised="NotImplementedError"))}
    results = [graded("ana", sign), graded("ben", rate), graded("<b>cy</b>", sign),
               graded("dee", rate), graded("eve", sign), graded("fay", {}), graded("gus", blank),
               SubmissionResult.not_graded("hal", 10.0, "the notebook is not valid JSON <here>")]
    people = {r.student: Person("First" + r.student, "<script>alert(1)</script>", f"{100 + i}")
              for i, r in enumerate(results)}
    return ClassResults(ASSIGNMENT, 10.0, results, people,
                        seconds={r.student: 20.0 + i for i, r in enumerate(results[:-1])},
                        notes={"eve": ["The test cell correct_two_layer_model had been changed."]},
                        order=[t.grade_id for t in results[0].tests])
