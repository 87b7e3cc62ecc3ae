"""Where an autograded notebook keeps its failed tests' findings, and reading them back.

Grading (``dnn_course.preprocessors.findings.CollectFindings``) stores each
failed test cell's record (``public_tests.findings.record``) under
``nb.metadata["dnn_course"]["findings"]``, by grade id; the feedback page,
the class report and the JSON export read them with ``findings_of``.
"""
from collections.abc import Mapping
from typing import Any

from public_tests.findings import read_record

KEY = "findings"  # of nb.metadata["dnn_course"]: {grade id: record}


def findings_of(metadata: Mapping[str, Any]) -> dict[str, dict[str, str | None]]:
    """The records an autograded notebook keeps, by grade id.

    Args:
        metadata: the notebook's metadata (a dict, as read from its JSON).

    Returns:
        dict: grade id -> record (``public_tests.findings.RECORD_KEYS``); records that
        do not read back as one are left out.
    """
    course = (metadata or {}).get("dnn_course")
    kept = course.get(KEY) if isinstance(course, dict) else None
    if not isinstance(kept, dict):
        return {}
    found = {gid: read_record(data) for gid, data in kept.items() if isinstance(gid, str)}
    return {gid: data for gid, data in found.items() if data is not None}
