"""Grades out of the course: a table on screen, CSV and JSON files."""
import csv
import json
from pathlib import Path


def table(results):
    """A plain-text score table with one row per submission."""
    rows = [("student", "score", "status", "reason")]
    for r in results:
        rows.append((r.student, f"{r.score:g} / {r.max_score:g}", r.status, r.reason))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:3], widths)) + "  " + row[3])
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 6)
    return "\n".join(lines)


def write_csv(results, path):
    """One row per submission: student, score, max_score, status, reason."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "score", "max_score", "status", "reason"])
        for r in results:
            w.writerow([r.student, r.score, r.max_score, r.status, r.reason])
    return path


def write_json(results, path, assignment):
    """Every submission with its per-test scores and reasons."""
    path = Path(path)
    data = {"assignment": assignment, "submissions": [r.as_dict() for r in results]}
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return path
