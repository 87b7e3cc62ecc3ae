"""What learners see in their feedback: results, never hidden tests.

nbgrader's feedback shows each test cell's full source and tracebacks, which
reveal hidden tests (jupyter/nbgrader#917). ``HideHiddenTests`` runs in
``GenerateFeedback`` (set in ``nbgrader_config.py``, so plain
``nbgrader generate_feedback`` does it too): it removes every hidden-test
region from the cells, drops what the hidden tests printed (lines such as
``Cost after iteration 2: 0.69...`` from their reference runs mean nothing to a
learner) and reduces every error to its one-line message, which the course's
tests write for learners. A public test's failure keeps its few lines (failed
checks, what to look at): they are public. ``feedback_page.FeedbackPage`` then
adds the summary at the top and the page's layout.
"""
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List

HIDDEN_NOTE = "# (hidden tests ran here; their results are below)"
BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
# Errors whose whole message is public (public_tests.messages.PublicTestFailure).
PUBLIC_ERRORS = ("PublicTestFailure",)


def strip_hidden(source, note=None):
    """``source`` without its hidden-test regions; each region becomes ``note`` if given."""
    out, hidden = [], False
    for line in source.split("\n"):
        if BEGIN in line:
            hidden = True
            if note is not None:
                out.append(line[: len(line) - len(line.lstrip())] + note)
        elif END in line:
            hidden = False
        elif not hidden:
            out.append(line)
    return "\n".join(out)


class HideHiddenTests(NbGraderPreprocessor):
    """Remove hidden tests, their printed lines and every traceback from the feedback."""

    # nbconvert's HTML exporter configures display_data_priority for every
    # preprocessor it runs; NbGraderPreprocessor declares it without
    # config=True, which made traitlets warn on every feedback run.
    display_data_priority = List(["text/html", "application/pdf", "text/latex", "image/svg+xml",
                                  "image/png", "image/jpeg", "text/plain"]).tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code":
            return cell, resources
        hidden = BEGIN in cell.source
        if hidden:
            cell.source = strip_hidden(cell.source, HIDDEN_NOTE)
            cell.outputs = [o for o in cell.get("outputs", []) if o.get("output_type") != "stream"]
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                lines = str(output.get("evalue", "")).split("\n")
                public = not hidden and output.get("ename") in PUBLIC_ERRORS
                output["traceback"] = lines if public else \
                    [f"{output.get('ename', 'Error')}: {lines[0]}"]
                output["evalue"] = lines[0]
        return cell, resources
