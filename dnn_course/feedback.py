"""What learners see in their feedback: results, never hidden tests.

nbgrader's feedback shows each test cell's full source and tracebacks, which
reveal hidden tests (jupyter/nbgrader#917). ``HideHiddenTests`` runs in
``GenerateFeedback`` (set in ``nbgrader_config.py``, so plain
``nbgrader generate_feedback`` does it too): it removes every hidden-test
region from the cells and reduces every error to its one-line message, which
the course's tests write for learners.
"""
from nbgrader.preprocessors import NbGraderPreprocessor

HIDDEN_NOTE = "# (hidden tests ran here; their results are below)"
BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


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

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            if BEGIN in cell.source:
                cell.source = strip_hidden(cell.source, HIDDEN_NOTE)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    first = str(output.get("evalue", "")).split("\n")[0]
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {first}"]
                    output["evalue"] = first
        return cell, resources
