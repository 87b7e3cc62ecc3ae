"""The main job: release the assignment, grade sample submissions, show scores.

Sample submissions (a correct one, typical mistakes, a blank copy of the
release, one that raises, one that never ends, one that is not valid JSON)
go into submitted/demo-*/; grading, feedback and exports land in the course
folder's usual places. Without the course data it grades on the synthetic
stand-in and says so.
"""
import os
import time
from pathlib import Path

from dnn_app_utils.data import DATA_ENV

from dnn_course.admin.class_results import read_class
from dnn_course.admin.export import table, write_csv, write_json
from dnn_course.grading.batch import grade_all
from dnn_course.course.nbapi import make_api
from dnn_course.course.paths import ASSIGNMENT
from dnn_course.admin.release import default_db_url, generate
from dnn_course.admin.report import write_report
from dnn_course.demo.samples import write_samples
from dnn_course.demo.train_demo import choose_data


def run(root, data_dir=None, synthetic=False, db_url=None):
    start = time.perf_counter()
    if data_dir is None and not synthetic and not os.environ.get(DATA_ENV):
        from dnn_course.course.course_data import CourseDataMissing, find_course_data

        try:  # where grading looks: source/<assignment>/datasets/, datasets/
            data_dir = find_course_data(root, ASSIGNMENT)
        except CourseDataMissing:
            pass  # choose_data falls back to the synthetic stand-in, and says so
    source, is_course = choose_data(data_dir, synthetic)
    os.environ[DATA_ENV] = str(source)  # the grading kernels read the same data
    print(f"Data for grading: {'course data in ' + str(source) if is_course else 'SYNTHETIC stand-in (not the course data)'}")
    db_url = db_url or default_db_url(root)

    print(f"\n1. Release: release/{ASSIGNMENT} {generate(root, db_url=db_url)}")
    students = write_samples(root)
    print(f"2. Sample submissions in submitted/: {', '.join(students)}")
    print("3. Grading (every test cell runs; the trainings are left as each learner ran them,"
          " see docs/grading.md)")
    results = grade_all(ASSIGNMENT, root, students, force=True, db_url=db_url)
    api = make_api(root, db_url)
    for s in students:
        api.generate_feedback(ASSIGNMENT, s, force=True)
    print("4. Feedback in feedback/<student>/" + ASSIGNMENT + "/")
    out = Path(root) / "exports"
    out.mkdir(exist_ok=True)
    write_csv(results, out / f"{ASSIGNMENT}-grades.csv")
    write_json(results, out / f"{ASSIGNMENT}-grades.json", ASSIGNMENT)
    print(f"5. Grades in exports/{ASSIGNMENT}-grades.csv and .json\n")
    print(table(results))
    print("\nOne failed test of each submission, preferring one that names the wrong step")
    print("(all of them: exports/*.json and feedback/):")
    for r in results:
        failed = sorted((t for t in r.tests if t.reason), key=lambda t: "First step" not in t.reason)
        if failed:
            print(f"  {r.student} / {failed[0].grade_id}: {failed[0].reason[:300]}")
    if not is_course:
        print("\nThese scores come from the SYNTHETIC stand-in dataset, not the course data.")
    with api.gradebook as gb:
        report = write_report(read_class(gb, root, ASSIGNMENT, students), root, out)
    print(f"\nDemo finished in {time.perf_counter() - start:.0f} s.")
    print(f"6. Class report (open it in a browser): {report}")
    return 0
