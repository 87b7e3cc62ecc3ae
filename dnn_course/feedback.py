"""What learners see in their feedback: results, never hidden tests.

nbgrader's feedback shows each test cell's full source and tracebacks, which
reveal hidden tests (jupyter/nbgrader#917). ``HideHiddenTests`` runs in
``GenerateFeedback`` (set in ``nbgrader_config.py``, so plain
``nbgrader generate_feedback`` does it too): it removes every hidden-test
region from the cells and reduces every error to its one-line message, which
the course's tests write for learners.
"""
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

HIDDEN_NOTE = "# (hidden tests ran here; their results are below)"


class HideHiddenTests(NbGraderPreprocessor):
    begin = Unicode("### BEGIN HIDDEN TESTS").tag(config=True)
    end = Unicode("### END HIDDEN TESTS").tag(config=True)

    def _strip(self, source):
        out, hidden = [], False
        for line in source.split("\n"):
            if self.begin in line:
                hidden = True
                out.append(line[: len(line) - len(line.lstrip())] + HIDDEN_NOTE)
            elif self.end in line:
                hidden = False
            elif not hidden:
                out.append(line)
        return "\n".join(out)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            if self.begin in cell.source:
                cell.source = self._strip(cell.source)
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    first = str(output.get("evalue", "")).split("\n")[0]
                    output["traceback"] = [f"{output.get('ename', 'Error')}: {first}"]
                    output["evalue"] = first
        return cell, resources
