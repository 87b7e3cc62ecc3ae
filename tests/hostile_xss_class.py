"""A class of hostile learners built from tests/hostile_xss.py, as an LMS download to collect.

Two graded notebooks carry every vector (the reference solutions, so grading is quick):
  - CORRECT scores 20/20 and holds every vector in a markdown cell of its own, in the
    outputs it shows while grading (display of HTML, Markdown, JavaScript, SVG and LaTeX
    from its solution cell, and printed text) and in the outputs of its own run that
    grading keeps (skip-when-grading cells);
  - WRONG is the same but its L_layer_model raises with every vector in the message,
    so it scores 10/20 with five failed tests.
Both carry a harmless note (formula, image, table). Their names, and that of a third
learner whose file is no notebook, come with HTML in them through Moodle, Blackboard
and Canvas download names.
"""
import io
import zipfile

import nbformat
from nbformat.v4 import new_markdown_cell, new_output

from dnn_course.course.facts import L_LAYER_MODEL, TWO_LAYER_MODEL
from dnn_course.demo.samples import HEADER, sample_notebooks

import hostile_xss as X

# student id -> (path in the download, LMS)
CORRECT, WRONG, NOT_NOTEBOOK = "555", "eve", "123458"
MOODLE_PATH = f"{X.NAMES['Moodle']}_{CORRECT}_assignsubmission_file_/dnn_app.ipynb"
BLACKBOARD_STEM = f"Homework 3_{WRONG}_attempt_2026-11-27-14-05-09"
CANVAS_PATH = f"{X.NAMES['Canvas']}_{NOT_NOTEBOOK}_7891013_dnn_app.ipynb"
SCORES = {CORRECT: (20, 20), WRONG: (10, 20)}
# The test cells the raising L_layer_model fails.
WRONG_FAILED = ("correct_L_layer_model", "L_layer_model_hidden_shapes",
                "L_layer_model_hidden_hyperparameters", "L_layer_model_hidden_course_data",
                "L_layer_model_hidden_no_globals")
KEPT_CELL = "two-layer-train"  # tagged skip-when-grading: grading keeps its submitted outputs


def filled(place, sink):
    """Every vector's text for one place ("M", "H", ...).

    Args:
        place: the place's letter.
        sink: the counting URL.

    Returns:
        list of str.
    """
    return [X.fill(text, place, vid, sink) for vid, _, text in X.VECTORS]


def grading_outputs(sink):
    """Code for the end of a solution cell: hostile outputs made while grading.

    Inside ``if True:`` so that verification (which keeps only a cell's defs and imports)
    and the skip planner see only names no skipped cell sets.

    Args:
        sink: the counting URL.

    Returns:
        Python source.
    """
    return (
        "\n\nif True:  # shown while grading; the function above is right\n"
        "    from IPython.display import HTML, SVG, Javascript, Latex, Markdown, display\n"
        f"    for _v in {filled('H', sink)!r}:\n"
        "        display(HTML(_v))\n"
        f"    for _v in {filled('D', sink)!r}:\n"
        "        display(Markdown(_v))\n"
        f"    display(Javascript({X.fill(X.JAVASCRIPT, 'J', 'js', sink)!r}))\n"
        f"    display(SVG({X.fill(X.SVG, 'S', 'svg', sink)!r}))\n"
        f"    display(Latex({X.fill(X.LATEX, 'L', 'latex', sink)!r}))\n"
        f"    for _v in {filled('P', sink)!r}:\n"
        "        print(_v)\n")


def kept_outputs(sink):
    """Outputs of the learner's own run of KEPT_CELL, every kind holding every vector.

    Args:
        sink: the counting URL.

    Returns:
        list of nbformat outputs.
    """
    text = "\n".join(filled("K", sink))
    rich = {"text/plain": text, "text/html": text, "text/markdown": text,
            "image/svg+xml": X.fill(X.SVG, "K", "svg", sink),
            "application/javascript": X.fill(X.JAVASCRIPT, "K", "js", sink)}
    return [new_output("stream", name="stdout", text=text),
            new_output("display_data", data=rich),
            new_output("execute_result", data=rich, execution_count=7),
            new_output("error", ename="RuntimeError", evalue=" ".join(filled("K", sink)),
                       traceback=filled("K", sink))]


def note_cell():
    """The harmless note: a formula, an attached image and a table."""
    cell = new_markdown_cell(X.NOTE)
    cell.attachments = {"network.png": {"image/png": X.NOTE_IMAGE}}
    return cell


def notebook(sink, raising=False):
    """One hostile submission.

    Args:
        sink: the counting URL.
        raising: L_layer_model raises with every vector in its message (WRONG).

    Returns:
        A NotebookNode.
    """
    nb = sample_notebooks()["demo-correct"]
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid == TWO_LAYER_MODEL:
            cell.source += grading_outputs(sink)
        elif gid == L_LAYER_MODEL and raising:
            message = " ".join(filled("E", sink))
            cell.source = (f"{HEADER[L_LAYER_MODEL]}\n    # YOUR CODE STARTS HERE\n"
                           f"    raise RuntimeError({message!r})\n    # YOUR CODE ENDS HERE")
        elif cell.get("id") == KEPT_CELL:
            cell.outputs = kept_outputs(sink)
            cell.execution_count = 7
    vectors = [new_markdown_cell(text) for text in filled("M", sink)]
    nb.cells = nb.cells[:1] + [note_cell()] + nb.cells[1:] + vectors
    for i, cell in enumerate(nb.cells):  # ids unique and stable
        cell.setdefault("id", f"hostile-{i}")
    nbformat.validate(nb)
    return nb


def download(sink):
    """The LMS download (a zip, as bytes): CORRECT from Moodle, WRONG from Blackboard (named
    in its receipt), NOT_NOTEBOOK from Canvas, each name holding HTML.

    Args:
        sink: the counting URL.

    Returns:
        bytes of a zip file.
    """
    receipt = (f"Name: {X.NAMES['Blackboard']} ({WRONG})\nAssignment: Homework 3\n\n"
               "Files:\n\tOriginal filename: dnn_app.ipynb\n")
    members = [(MOODLE_PATH, nbformat.writes(notebook(sink))),
               (f"{BLACKBOARD_STEM}_dnn_app.ipynb", nbformat.writes(notebook(sink, raising=True))),
               (f"{BLACKBOARD_STEM}.txt", receipt),
               (CANVAS_PATH, "<script>document.title='XSS-N-canvas-file'</script>")]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in members:
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 11, 28, 8, 30, 0)), text)
    return buffer.getvalue()
