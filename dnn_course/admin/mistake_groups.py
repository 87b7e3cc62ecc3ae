"""Group a class's failed tests by the step their feedback names, then by failure signature.

A failure signature is (step, kind), as the failed test cell found it
(``TestResult.finding``, the record grading kept: ``public_tests.findings``):
e.g. ("start of the backward pass", "dA has the opposite sign"); a failed test
without one (a timeout, a dead kernel) names no step and its kind comes from
the error's class name (``findings.unnamed_kind``). A learner counts once per signature,
however many tests of theirs show it. For each function, failures that name
no step (the function raised, timed out, was left blank) are used only when no
test of that function names one, so one mistake is not counted twice.
"""
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from public_tests.findings import NOT_NAMED, unnamed_kind
from dnn_course.grading.results import SubmissionResult, TestResult
from public_tests.hidden_cases import CASES


@dataclass
class Signature:
    """One failure signature (step, kind): its learners, test cells and explanations."""

    step: str
    kind: str
    students: list[str] = field(default_factory=list)
    tests: set[str] = field(default_factory=set)
    explanations: Counter[str] = field(default_factory=Counter)

    @property
    def example(self) -> str:
        """The explanation most learners of this signature got (first seen on a tie)."""
        return self.explanations.most_common(1)[0][0] if self.explanations else ""


@dataclass
class StepGroup:
    """The signatures of one step, and every learner of any of them."""

    step: str
    students: list[str] = field(default_factory=list)
    signatures: list[Signature] = field(default_factory=list)


def function_of(grade_id: str) -> str:
    """The graded function a test cell checks, as the table of cases says.

    Args:
        grade_id: a test cell's nbgrader grade id.

    Returns:
        e.g. ``"two_layer_model"`` for ``"two_layer_model_hidden_shapes"``; a grade id the
        table does not know stands for itself.
    """
    cases = CASES.get(grade_id)
    return cases[0].function if cases else grade_id


def finding_of(test: TestResult) -> tuple[str, str, str]:
    """The (step, kind, explanation) of one failed test.

    Args:
        test: a failed ``TestResult``.

    Returns:
        The step its finding names (or ``NOT_NAMED``), the kind of difference, and the
        finding's explanation (the test's reason when it names no step).
    """
    found = test.finding
    if found and found["step"] != NOT_NAMED:
        return str(found["step"]), str(found["kind"]), found["message"] or ""  # a checked record's are str
    kind = str(found["kind"]) if found else unnamed_kind(test.error)
    return NOT_NAMED, kind, test.reason.strip()


def test_signature(test: TestResult) -> dict[str, str]:
    """What the JSON export says of one failed test.

    Args:
        test: a failed ``TestResult``.

    Returns:
        ``{"step", "kind", "signature", "explanation"}``; ``signature`` is
        ``"<step>: <kind>"``, the key reports group by.
    """
    step, kind, explanation = finding_of(test)
    return {"step": step, "kind": kind, "signature": f"{step}: {kind}", "explanation": explanation}


def student_findings(result: SubmissionResult) -> list[tuple[str, str, str, str]]:
    """The (step, kind, explanation, grade id) of each failed test worth grouping.

    Args:
        result: a graded ``SubmissionResult``.

    Returns:
        A list; per function, the tests naming a step, or else those naming none.
    """
    by_function: dict[str, list[tuple[str, str, str, str]]] = {}
    for t in result.tests:
        if t.reason:
            by_function.setdefault(function_of(t.grade_id), []).append((*finding_of(t), t.grade_id))
    found: list[tuple[str, str, str, str]] = []
    for items in by_function.values():
        named = [f for f in items if f[0] != NOT_NAMED]
        found.extend(named or items)
    return found


def group_mistakes(results: Sequence[SubmissionResult]) -> list[StepGroup]:
    """The class's mistakes, largest step group first.

    Args:
        results: ``SubmissionResult`` objects; only graded ones count.

    Returns:
        ``StepGroup`` list sorted by number of learners (then step name); each
        group's signatures sorted the same way; students in the order given.
    """
    signatures: dict[tuple[str, str], Signature] = {}
    for r in results:
        if r.status != "graded":
            continue
        for step, kind, explanation, gid in student_findings(r):
            sig = signatures.setdefault((step, kind), Signature(step, kind))
            if not sig.students or sig.students[-1] != r.student:  # results come one student at a time
                sig.students.append(r.student)
                sig.explanations[explanation] += 1
            sig.tests.add(gid)
    groups: dict[str, StepGroup] = {}
    for sig in signatures.values():
        groups.setdefault(sig.step, StepGroup(sig.step)).signatures.append(sig)
    order = {r.student: i for i, r in enumerate(results)}
    for group in groups.values():
        members = {s for sig in group.signatures for s in sig.students}
        group.students = sorted(members, key=lambda s: order[s])
        group.signatures.sort(key=lambda s: (-len(s.students), s.kind))
    return sorted(groups.values(), key=lambda g: (-len(g.students), g.step == NOT_NAMED, g.step))
