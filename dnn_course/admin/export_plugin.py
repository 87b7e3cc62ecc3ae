"""The course's grade files as nbgrader's ExportPlugin: ``nbgrader export --exporter dnn_course.admin.export_plugin.CourseExport``.

``dnn-course export`` runs the same plug-in, so both write, per assignment,
``<to>/<assignment>-grades.csv`` and ``-grades.json`` with the raw score, the
late penalty and the final score (``export.py``).
"""
import os
from pathlib import Path

from nbgrader.api import Gradebook
from nbgrader.plugins import ExportPlugin

from dnn_course.admin.class_results import read_class
from dnn_course.admin.export import write_csv, write_json
from dnn_course.grading.batch import submitted_students
from dnn_course.grading.late import penalties


class CourseExport(ExportPlugin):
    """CSV and JSON of every submitted learner's result, penalties included; ``to``: the folder."""

    def export(self, gradebook: Gradebook) -> list[Path]:
        """Write the files of each assignment (``assignment``, default all) into ``to`` (default exports/).

        Args:
            gradebook: an open nbgrader Gradebook.

        Returns:
            list of Path: the files written.
        """
        root = Path(self.config.CourseDirectory.get("root") or os.getcwd())
        out = Path(self.to or root / "exports")
        out.mkdir(parents=True, exist_ok=True)
        written = []
        for name in self.assignment or [a.name for a in gradebook.assignments]:
            cls = read_class(gradebook, root, name, submitted_students(root, name))
            late = penalties(gradebook, name)
            written.append(write_csv(cls.results, out / f"{name}-grades.csv", late))
            written.append(write_json(cls.results, out / f"{name}-grades.json", name, late))
        return written
