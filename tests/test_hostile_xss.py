"""The hostile corpus and class (tests/hostile_xss*.py) are what the browser test needs (fast)."""
import ast
import io
import re
import zipfile

import nbformat

from dnn_course.admin.lms import identify
from dnn_course.course.facts import TWO_LAYER_MODEL
from dnn_course.course.paths import NOTEBOOK, source_notebook
from dnn_course.preprocessors.skip import marked_cells, plan_skips

import hostile_xss as X
import hostile_xss_class as C

SINK = "http://127.0.0.1:9/hit"
# What issue 23 asks the corpus to hold, as a piece of some vector's text.
ASKED = ("<script>", "onerror=", "<svg onload", "<iframe srcdoc", "<details open ontoggle",
         "<a href=\"javascript:", "](javascript:", "<math><mtext><table><mglyph><style>",
         "<noscript>", "<template>", "alt=\"cat&quot;", "url('@SINK@", "<style>",
         "position:fixed", "http-equiv=\"refresh\"", "<base href", "<use href", "\\u0064",
         "&#100;", "&#106;", "data:text/html", "<object", "<embed", "formaction=", "\\href{javascript:")


def test_corpus_has_every_asked_vector_each_signalling():
    """At least 25 vectors with distinct ids, every kind the issue names, and each one
    signals when it runs: a title or dialog with its marker, or a request to the sink."""
    ids = [vid for vid, _, _ in X.VECTORS]
    assert len(ids) >= 25 and len(set(ids)) == len(ids), ids
    texts = [text for _, _, text in X.VECTORS]
    missing = [piece for piece in ASKED if not any(piece in t for t in texts)]
    assert not missing, f"no vector holds {missing}"
    silent = [vid for vid, _, text in X.VECTORS if "XSS-@ID@" not in text and "@SINK@/@ID@" not in text]
    assert not silent, f"vectors that would run unnoticed: {silent}"
    filled = X.fill(X.VECTORS[0][2], "M", "V01", SINK)
    assert "@" not in filled.replace("@ID", "") and "XSS-M-V01" in filled


def test_hostile_notebooks_keep_the_quick_grading():
    """The solution cell with its hostile outputs still parses, the trainings are still skipped
    (so grading stays seconds), and every vector is in a markdown cell of its own."""
    nb = C.notebook(SINK, raising=True)
    by_gid = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    ast.parse(by_gid[TWO_LAYER_MODEL].source)
    kept = next(i for i, c in enumerate(nb.cells) if c.get("id") == C.KEPT_CELL)
    source = nbformat.read(str(source_notebook()), as_version=4)
    assert kept in plan_skips(nb, marked_cells(source))
    marked = [re.findall(r"\bM-(V\d\d)\b", c.source) for c in nb.cells if c.cell_type == "markdown"]
    assert [set(m) for m in marked if m] == [{vid} for vid, _, _ in X.VECTORS]
    assert "raise RuntimeError(" in by_gid["L_layer_model"].source


def test_download_names_each_learner_by_its_lms():
    """The download's notebooks belong to the three learners, through Moodle, Blackboard and Canvas."""
    with zipfile.ZipFile(io.BytesIO(C.download(SINK))) as z:
        found = {identify(n, NOTEBOOK).student_id: identify(n, NOTEBOOK).layout
                 for n in z.namelist() if n.endswith(".ipynb")}
    assert found == {C.CORRECT: "Moodle", C.WRONG: "Blackboard", C.NOT_NOTEBOOK: "Canvas"}
