"""A hand-made graded class for the report tests (tests/dnn_course/admin/test_report.py, tests/browser/)."""
from dnn_course.admin.class_results import ClassResults, Person
from dnn_course.course.paths import ASSIGNMENT
from dnn_course.grading.results import SubmissionResult
from dnn_course.grading.results import TestResult as CellResult
from public_tests.signature import MARKER

SIGN = "start of the backward pass"
RATE = "the learning rate"
SIGN_MSG = ("in iteration 0, linear_activation_backward: dA, the derivative of the cost with "
            "respect to the output, is [-2, ...], expected [2, ...]. It has the opposite sign.")
RATE_MSG = ("update_parameters got learning_rate=0.0075, but the function was called with "
            "learning_rate=0.05. Pass the argument on instead of a fixed number.")


def reason(step, message, what="wrong values in W1"):
    """A failed hidden test's stored reason, shaped as public_tests.hidden.explained writes it."""
    return f"AssertionError: two_layer_model: {what}. {MARKER}{step}: {message}"


def graded(student, failures, score=None):
    """A graded result; failures maps grade id -> reason (all other tests pass)."""
    ids = ["correct_two_layer_model", "two_layer_model_hidden_shapes",
           "two_layer_model_hidden_course_data", "correct_L_layer_model",
           "L_layer_model_hidden_hyperparameters"]
    tests = [CellResult(g, 0.0 if g in failures else 2.0, 2.0, failures.get(g, "")) for g in ids]
    return SubmissionResult(student, "graded", sum(t.score for t in tests), 10.0, "", tests)


def hand_made_class():
    """Three learners share the sign mistake, two the fixed rate, one is blank, one is not graded."""
    sign = {"correct_two_layer_model": "AssertionError: Not all tests passed for two_layer_model.",
            "two_layer_model_hidden_shapes": reason(SIGN, SIGN_MSG),
            "two_layer_model_hidden_course_data": reason(SIGN, SIGN_MSG)}
    rate = {"L_layer_model_hidden_hyperparameters": reason(RATE, RATE_MSG)}
    blank = {"correct_L_layer_model": "AssertionError: L_layer_model is not implemented yet: write your code"}
    results = [graded("ana", sign), graded("ben", rate), graded("<b>cy</b>", sign),
               graded("dee", rate), graded("eve", sign), graded("fay", {}), graded("gus", blank),
               SubmissionResult.not_graded("hal", 10.0, "the notebook is not valid JSON <here>")]
    people = {r.student: Person("First" + r.student, "<script>alert(1)</script>", f"{100 + i}")
              for i, r in enumerate(results)}
    return ClassResults(ASSIGNMENT, 10.0, results, people,
                        seconds={r.student: 20.0 + i for i, r in enumerate(results[:-1])},
                        notes={"eve": ["The test cell correct_two_layer_model had been changed."]},
                        order=[t.grade_id for t in results[0].tests])
