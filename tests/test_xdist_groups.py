"""make test's xdist groups (tests/xdist_groups.py): a group runs whole on one worker, the longest first."""
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from xdist_groups import RUN_FIRST, group_of, run_first

TESTS = Path(__file__).resolve().parent

RECORD = '''
import os
from pathlib import Path

import pytest


@pytest.mark.parametrize("i", range(6))
def test_it(i, request):
    with Path(os.environ["WHERE_LOG"]).open("a") as f:
        f.write(f"{request.node.nodeid.split('::')[0]} {os.environ['PYTEST_XDIST_WORKER']}\\n")
'''


def test_a_test_is_grouped_by_its_shared_prefix_else_its_module():
    assert group_of("tests/browser/test_learner.py::test_opens[wide]") == "browser-learner"
    assert group_of("tests/browser/test_classroom.py::test_x") == \
        group_of("tests/dnn_course/classroom/test_classroom.py::test_y") == "classroom-hub"
    assert group_of("tests/browser/test_formgrader.py::Test::test_x") == "browser"
    assert group_of("tests/dnn_course/grading/test_skip.py::test_full_run_switch") == \
        "tests/dnn_course/grading/test_skip.py"
    assert group_of("tests/dnn_app_utils/test_helpers.py::test_a[x::y]") == \
        "tests/dnn_app_utils/test_helpers.py"


def test_a_test_parametrized_by_part_is_in_its_parts_group():
    assert group_of("tests/dnn_course/grading/test_skip.py::test_same[part3]") == \
        "tests/dnn_course/grading/test_skip.py[part3]"
    assert group_of("tests/dnn_course/grading/test_skip.py::test_other[part3]") == \
        "tests/dnn_course/grading/test_skip.py[part3]"
    assert group_of("tests/a.py::test_x[apart3]") == group_of("tests/a.py::test_x[part3-b]") == "tests/a.py"


def test_the_longest_groups_come_first_and_the_rest_keep_their_order():
    assert RUN_FIRST[:2] == ("browser-learner", "tests/dnn_course/grading/test_skip.py[")
    skip = "tests/dnn_course/grading/test_skip.py"
    ids = ["tests/a.py::t1", f"{skip}::t_quick", f"{skip}::t[part1]", "tests/browser/test_x.py::t",
           "tests/browser/test_learner.py::t1", "tests/b.py::t", f"{skip}::t[part0]", "tests/a.py::t2",
           "tests/dnn_course/classroom/test_service.py::t", "tests/browser/test_learner.py::t2"]
    items = [SimpleNamespace(nodeid=i) for i in ids]
    run_first(items)
    assert [i.nodeid for i in items] == [
        "tests/browser/test_learner.py::t1", "tests/browser/test_learner.py::t2",
        f"{skip}::t[part1]", f"{skip}::t[part0]", "tests/dnn_course/classroom/test_service.py::t",
        "tests/browser/test_x.py::t", "tests/a.py::t1", f"{skip}::t_quick", "tests/b.py::t", "tests/a.py::t2"]


def test_each_group_runs_on_one_worker(tmp_path):
    (tmp_path / "conftest.py").write_text("from xdist_groups import pytest_xdist_make_scheduler\n")
    for name in ("tests/browser/test_one.py", "tests/browser/test_two.py", "tests/test_c.py",
                 "tests/test_d.py", "tests/test_e.py"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(RECORD)
    log = tmp_path / "where.log"
    env = dict(os.environ, WHERE_LOG=str(log), PYTHONPATH=str(TESTS))
    run = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadgroup", "-q",
                          "-p", "no:cacheprovider", "-o", "addopts=", "tests"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert "30 passed" in run.stdout, run.stdout + run.stderr
    workers = {}
    for line in log.read_text().splitlines():
        module, worker = line.split()
        workers.setdefault(group_of(module + "::"), set()).add(worker)
    assert sorted(workers) == ["browser", "tests/test_c.py", "tests/test_d.py", "tests/test_e.py"]
    assert all(len(w) == 1 for w in workers.values()), workers
    assert set().union(*workers.values()) == {"gw0", "gw1"}, workers  # and both workers worked
