"""Exports with late penalties: the CSV and JSON carry raw, penalty and final; the LMS files the final."""
import csv
import json

from dnn_course.admin.export import write_canvas, write_csv, write_json, write_moodle
from dnn_course.course.paths import ASSIGNMENT
from report_class import hand_made_class

LATE = {"ana": (1.2, 26 * 3600.0), "hal": (0.0, 3600.0)}  # hal: not graded


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_csv_and_json_carry_raw_penalty_final(tmp_path):
    cls = hand_made_class()
    by = {r["student"]: r for r in rows(write_csv(cls.results, tmp_path / "g.csv", LATE))}
    assert (by["ana"]["raw"], by["ana"]["penalty"], by["ana"]["score"], by["ana"]["hours_late"]) == \
        ("4", "1.2", "2.8", "26.00")
    assert (by["ben"]["raw"], by["ben"]["penalty"], by["ben"]["score"]) == ("8", "0", "8")
    assert (by["hal"]["score"], by["hal"]["raw"], by["hal"]["penalty"]) == ("", "", "")
    data = json.loads(write_json(cls.results, tmp_path / "g.json", ASSIGNMENT, LATE).read_text())
    ana = next(s for s in data["submissions"] if s["student"] == "ana")
    assert (ana["raw"], ana["penalty"], ana["score"], ana["seconds_late"]) == (4.0, 1.2, 2.8, 93600.0)


def test_lms_files_get_the_final_score(tmp_path):
    cls = hand_made_class()
    canvas = rows(write_canvas(cls.results, cls.people, tmp_path / "c.csv", "DNN", 10, late=LATE)[0])
    assert next(r["DNN"] for r in canvas if r["ID"] == "100") == "2.8"
    moodle = rows(write_moodle(cls.results, cls.people, tmp_path / "m.csv", 10, late=LATE)[0])
    assert moodle[0]["Grade"] == "2.8" and moodle[1]["Grade"] == "8"
