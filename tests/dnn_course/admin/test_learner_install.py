"""release/ alone gives a learner what they need and nothing more: the wheel, its requirements,
and (slow) a real install from a copy of release/ that runs the notebook and hides instructor tools."""
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

import nbformat
import pytest

from dnn_course.admin import learner_dist
from dnn_course.course.paths import COURSE_ROOT, release_notebook, source_notebook
from dnn_course.course.solutions import solution_sources

from conftest import course_data_dir
from notebook_fixtures import nbgrader_config

RELEASE = COURSE_ROOT / "release"
PASSED = " All tests passed."
PUBLIC_TEST_CELLS = ("correct_two_layer_model", "correct_L_layer_model")
TRAININGS = ("two-layer-train", "L-layer-train")
SERVER_EXT = "nbgrader.server_extensions."
LAB_EXT = "@jupyter/nbgrader:"
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _wheel(root=COURSE_ROOT):
    return zipfile.ZipFile(io.BytesIO(learner_dist.build_wheel(root)))


def _project_copy(dest):
    """The files the learner distribution is built from, copied to dest (and an empty release/)."""
    for name in ("pyproject.toml", "requirements.txt"):
        shutil.copy2(COURSE_ROOT / name, dest / name)
    for name in ("dnn_app_utils", "public_tests", "learner"):
        shutil.copytree(COURSE_ROOT / name, dest / name, ignore=shutil.ignore_patterns(
            "__pycache__", "*.so", "*.c", "*.h"))
    (dest / "release").mkdir()
    return dest


# ---------------------------------------------------------------- the committed files
def test_committed_learner_dist_is_what_building_gives():
    assert learner_dist.compare() == {}, (
        "release/ is out of date: rebuild it with `dnn-course release --force`")


def test_wheel_ships_the_learner_packages_only():
    names = _wheel().namelist()
    tops = {n.split("/")[0] for n in names}
    assert tops == {"dnn_app_utils", "public_tests", "dnn_app_learner-0.1.0.dist-info",
                    "dnn_app_learner-0.1.0.data"}, tops
    shipped = {n for n in names if n.startswith("public_tests/")}
    assert shipped >= {"public_tests/__init__.py", "public_tests/checks.py", "public_tests/expected.py",
                        "public_tests/expected.json"}
    # the public test names the first wrong step: the walking code and the reference's
    # helper calls as numbers ship
    assert shipped >= {f"public_tests/{name}" for name in (
        "diagnose.py", "wiring.py", "calls.py", "findings.py", "trace.py", "trace_data.py", "explain.py",
        "reference_trace.json", "cell.py")}, shipped  # cell.py: the test cells' one call
    # the hidden tests' support, their cases and instructor tools stay home
    for name in ("hidden.py", "hidden_cases.py", "printed.py", "make_expected.py"):
        assert f"public_tests/{name}" not in shipped
    assert not [n for n in names if n.endswith((".so", ".c", ".h", ".pyc", ".ipynb"))]
    assert set(learner_dist.package_files()) == {n for n in names if n.endswith(".py")}
    # grading's fast path (thread plumbing, buffer pool, kernels' loader) stays home too
    assert {"dnn_app_utils/layers.py", "dnn_app_utils/model.py"} <= set(names)
    for name in ("speed.py", "_fast.py", "_threads.py"):
        assert f"dnn_app_utils/{name}" not in names


def test_wheel_quotes_no_solution_or_hidden_test_line(tmp_path):
    """The wheel, unpacked (its reference trace too), holds no line of a solution or a hidden
    test: only numbers of the reference ship, never its code."""
    _wheel().extractall(tmp_path)
    assert (tmp_path / "public_tests" / "reference_trace.json").is_file()
    hits = files_quoting(secret_lines(), tmp_path)
    assert not hits, hits


def test_wheel_record_and_data_files_are_right():
    wheel = _wheel()
    record = wheel.read("dnn_app_learner-0.1.0.dist-info/RECORD").decode().splitlines()
    listed = {line.split(",")[0]: line.split(",")[1:] for line in record}
    assert set(listed) == set(wheel.namelist())
    for name, (digest, size) in listed.items():
        if digest:
            assert learner_dist._digest(wheel.read(name)) == digest.removeprefix("sha256=")
            assert len(wheel.read(name)) == int(size)
    data = "dnn_app_learner-0.1.0.data/data/etc/jupyter/"
    server = json.loads(wheel.read(data + "jupyter_server_config.d/nbgrader_learner.json"))
    assert server["ServerApp"]["jpserver_extensions"][SERVER_EXT + "validate_assignment"] is True
    lab = json.loads(wheel.read(data + "labconfig/page_config.d/nbgrader_learner.json"))
    assert LAB_EXT + "validate-assignment" not in lab["disabledExtensions"]
    assert json.loads(wheel.read(data + "nbgrader_config.json")) == {"Execute": {"timeout": 900}}
    defaults = json.loads(wheel.read("dnn_app_learner-0.1.0.data/data/share/jupyter/lab/settings/"
                                     "overrides.d/dnn_app_learner.json"))
    # no "official Jupyter news?" box over the notebook, no update check
    assert defaults["@jupyterlab/apputils-extension:notification"] == {"fetchNews": "false",
                                                                      "checkForUpdates": False}
    metadata = wheel.read("dnn_app_learner-0.1.0.dist-info/METADATA").decode()
    assert "Name: dnn-app-learner\nVersion: 0.1.0\n" in metadata
    assert "Requires-Dist: numpy>=1.26" in metadata
    assert "threadpoolctl" not in metadata          # only the fast path, which stays home, uses it
    # built by the standard backend, every entry stored with the same time and mode
    assert "Generator: setuptools (" in wheel.read("dnn_app_learner-0.1.0.dist-info/WHEEL").decode()
    assert {(i.date_time, i.compress_type) for i in wheel.infolist()} == {
        ((2026, 1, 1, 0, 0, 0), zipfile.ZIP_STORED)}
    modes = {i.filename: i.external_attr >> 16 for i in wheel.infolist()}
    assert modes.pop("dnn_app_learner-0.1.0.dist-info/RECORD") == 0o100664   # wheel's fixed mode
    assert set(modes.values()) == {0o100644}


def test_wheel_has_the_same_bytes_whatever_the_checkout(tmp_path):
    """Two builds by the backend, one from a checkout with new timestamps, other permissions
    and CRLF line endings, give the same bytes (the build cache emptied between them)."""
    copy = _project_copy(tmp_path)
    for path in copy.rglob("*.py"):
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
        path.chmod(0o755)
    learner_dist._built.cache_clear()
    first = learner_dist.build_wheel(COURSE_ROOT)
    learner_dist._built.cache_clear()
    umask = os.umask(0o002)                       # a machine whose files are group-writable
    try:
        assert learner_dist.build_wheel(copy) == first
    finally:
        os.umask(umask)
    (copy / "dnn_app_utils" / "plots.py").write_text("# changed\n")
    assert learner_dist.build_wheel(copy) != first


def test_version_is_read_as_toml(tmp_path):
    """The version comes from pyproject.toml's [project] table, however it is written;
    a file without one is named."""
    copy = _project_copy(tmp_path)
    text = (copy / "pyproject.toml").read_text()
    (copy / "pyproject.toml").write_text(text.replace('version = "0.1.0"', "version = '0.2.0'  # next"))
    assert learner_dist.wheel_name(copy) == "dnn_app_learner-0.2.0-py3-none-any.whl"
    for broken in ("[tool.other]\nx = 1\n", text.replace('version = "0.1.0"', "version = 0.1.0")):
        (copy / "pyproject.toml").write_text(broken)      # no [project]; not TOML at all
        with pytest.raises(learner_dist.DistError, match="no readable \\[project\\] table"):
            learner_dist.wheel_name(copy)


def test_requirements_repeat_the_course_pins_and_name_the_wheel():
    lines = [line for line in (RELEASE / "requirements.txt").read_text().splitlines()
             if line and not line.startswith("#")]
    course = (COURSE_ROOT / "requirements.txt").read_text().splitlines()
    assert lines[-1] == "./dnn_app_learner-0.1.0-py3-none-any.whl"
    assert all(line in course for line in lines[:-1])
    names = {line.split("=")[0] for line in lines[:-1]}
    assert {"jupyterlab", "nbgrader", "numpy", "h5py", "ipykernel"} <= names
    assert not names & {"dask", "distributed", "psycopg2-binary", "tqdm", "-e ."}


def test_a_missing_pin_is_named(tmp_path):
    copy = _project_copy(tmp_path)
    text = (copy / "requirements.txt").read_text()
    (copy / "requirements.txt").write_text(text.replace("h5py==", "# h5py=="))
    with pytest.raises(learner_dist.DistError, match="has no line for h5py.*add one"):
        learner_dist.build_requirements(copy)


def test_release_keeps_edits_unless_forced(tmp_path):
    from dnn_course.admin.release import learner_dist_problems

    copy = _project_copy(tmp_path)
    assert learner_dist.write(copy) == {"dnn_app_learner-0.1.0-py3-none-any.whl": "created",
                                        "requirements.txt": "created"}
    assert learner_dist.write(copy)["requirements.txt"] == "unchanged"
    assert learner_dist_problems(copy) == []
    edited = copy / "release" / "requirements.txt"
    edited.write_text(edited.read_text() + "my-extra-package\n")
    (copy / "release" / "dnn_app_learner-0.0.9-py3-none-any.whl").write_bytes(b"old")
    problems = learner_dist_problems(copy)
    assert len(problems) == 2 and all("run `dnn-course release --force`" in p for p in problems)
    assert "release/requirements.txt is not what building gives" in problems[1]
    with pytest.raises(learner_dist.DistError, match="requirements.txt.*--force"):
        learner_dist.write(copy)
    assert "my-extra-package" in edited.read_text()           # untouched without --force
    assert learner_dist.write(copy, force=True) == {
        "dnn_app_learner-0.1.0-py3-none-any.whl": "unchanged", "requirements.txt": "replaced",
        "dnn_app_learner-0.0.9-py3-none-any.whl": "removed"}
    assert learner_dist_problems(copy) == []


def test_a_course_folder_apart_gets_this_projects_wheel(tmp_path, monkeypatch):
    """A course folder without the packages (dnn-course --root) gets the wheel of the project
    dnn_course comes from; with no project either, check names what is missing."""
    from dnn_course.admin.release import learner_dist_problems

    (tmp_path / "release").mkdir()
    assert learner_dist.write(tmp_path)["requirements.txt"] == "created"
    assert (tmp_path / "release" / learner_dist.wheel_name()).read_bytes() == \
        (RELEASE / learner_dist.wheel_name()).read_bytes()
    monkeypatch.setattr(learner_dist, "COURSE_ROOT", tmp_path / "nowhere")
    problem, = learner_dist_problems(tmp_path)
    assert problem.startswith(f"{tmp_path} lacks pyproject.toml, requirements.txt, dnn_app_utils")
    assert "pip install -e" in problem


# ---------------------------------------------------------------- a real learner install
def _region_lines(source, begin, end):
    out, inside = [], False
    for line in source.split("\n"):
        if begin in line:
            inside = True
        elif end in line:
            inside = False
        elif inside:
            out.append(line.strip())
    return out


def secret_lines():
    """Solution and hidden-test lines of the source notebook a learner must never get.

    Lines the release shows anyway, comments, and short ones (``)``, ``_dims = (6, 4, 1)``,
    ``import numpy as np``: under 20 characters) are left out: they give nothing away and
    would match unrelated files.
    """
    cfg = nbgrader_config().ClearSolutions
    source = nbformat.read(str(source_notebook()), as_version=4)
    release = nbformat.read(str(release_notebook()), as_version=4)
    visible = {line.strip() for c in release.cells for line in c.source.split("\n")}
    found = set()
    for cell in source.cells:
        found.update(_region_lines(cell.source, cfg.begin_solution_delimeter,
                                   cfg.end_solution_delimeter))
        found.update(_region_lines(cell.source, "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))
    return sorted(line for line in found - visible if len(line) >= 20 and not line.startswith("#"))


def files_quoting(lines, *folders):
    """{file: [the lines it contains]} for every file under folders (grep -F, binaries too)."""
    with tempfile.TemporaryDirectory() as scratch:
        patterns = Path(scratch) / "secret-lines.txt"
        patterns.write_text("\n".join(lines) + "\n")
        hits = {}
        for folder in folders:
            out = subprocess.run(["grep", "-rHoaF", "-f", str(patterns), str(folder)],
                                 capture_output=True, text=True, errors="replace").stdout
            for line in out.splitlines():
                path, _, text = line.partition(":")
                hits.setdefault(path, set()).add(text)
    return hits


def test_secret_line_search_finds_what_it_looks_for(tmp_path):
    """The search below can fail: it finds the lines in the source notebook and the mistake catalogue."""
    lines = secret_lines()
    solution = solution_sources()["two_layer_model"]
    assert len(lines) > 30 and [line for line in lines if line in solution]  # the cases: hidden_cases.py
    shutil.copy2(source_notebook(), tmp_path / "a.ipynb")
    shutil.copy2(COURSE_ROOT / "dnn_course" / "course" / "mistakes.py", tmp_path / "b.py")
    (tmp_path / "c.py").write_text("import numpy as np\nx = (1,\n)\n")
    (tmp_path / "sub").mkdir()
    assert set(files_quoting(lines, tmp_path / "sub", tmp_path)) == {
        str(tmp_path / "a.ipynb"), str(tmp_path / "b.py")}


def _filled_notebook(dest):
    """The release notebook with both solution cells from the source, its two trainings cut
    to 100 iterations (the plots, predictions and pictures after them still run), and one
    last cell printing where the kernel's Python and packages come from."""
    nb = nbformat.read(str(release_notebook()), as_version=4)
    right = solution_sources()
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in right:
            cell.source = right[gid]
        if cell.get("id") in TRAININGS:
            assert "num_iterations=2500" in cell.source, cell.source
            cell.source = cell.source.replace("num_iterations=2500", "num_iterations=100")
    nb.cells.append(nbformat.v4.new_code_cell(
        "import sys, importlib.util, dnn_app_utils\n"
        "print(sys.prefix); print(dnn_app_utils.__file__)\n"
        "print([importlib.util.find_spec('dnn_app_utils.' + m) for m in ('speed', '_fast')])"))
    shutil.copytree(RELEASE / "dnn_app", dest, ignore=shutil.ignore_patterns("*.ipynb"))
    nbformat.write(nb, str(dest / "filled.ipynb"))
    return dest / "filled.ipynb"


# nbgrader's Validate as its button runs it in the learner's JupyterLab (its handler's
# config), keeping the notebook it executed: one run serves both tests below.
VALIDATE = """
import json, sys, nbformat
from nbgrader.server_extensions.validate_assignment.handlers import ValidateAssignmentHandler
from nbgrader.validator import Validator

class Keeping(Validator):
    def _preprocess(self, nb):
        self.executed = super()._preprocess(nb)
        return self.executed

validator = Keeping(config=ValidateAssignmentHandler.load_config(None))
results = validator.validate(sys.argv[1])
nbformat.write(validator.executed, sys.argv[2])
print(json.dumps(results))
"""


def _seconds(cell):
    from datetime import datetime

    t = cell.metadata.get("execution", {})
    start, end = t.get("iopub.execute_input"), t.get("shell.execute_reply")
    def parse(s):
        return datetime.fromisoformat(s.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds() if start and end else float("nan")


@pytest.fixture(scope="module")
def validated(learner_venv, tmp_path_factory):
    """The filled notebook validated in the learner's venv, once for the module.

    Returns:
        (Validate's results (dict), the notebook as Validate executed it).
    """
    path = _filled_notebook(tmp_path_factory.mktemp("validate") / "dnn_app")
    executed = path.with_name("executed.ipynb")
    env = dict(learner_venv.env, DNN_APP_DATA=str(course_data_dir()))
    done = subprocess.run([str(learner_venv.python), "-c", VALIDATE, str(path), str(executed)],
                          cwd=path.parent, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1]), nbformat.read(str(executed), as_version=4)


@pytest.mark.slow
def test_learner_venv_runs_the_notebook(learner_venv, validated):
    """(a) Filled with the right solutions, the release notebook runs in the learner's venv
    and both public tests pass, with the venv's own packages."""
    nb = validated[1]
    errors = [(c.get("id"), o.ename, o.evalue) for c in nb.cells for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert not errors, errors
    def text(c):
        return ANSI.sub("", "".join(o.get("text", "") for o in c.outputs
                                              if o.output_type == "stream"))
    by_gid = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in nb.cells}
    for gid in PUBLIC_TEST_CELLS:
        assert PASSED in text(by_gid[gid]).splitlines(), (gid, text(by_gid[gid]))
    prefix, package, fast_path = text(nb.cells[-1]).splitlines()
    assert Path(prefix) == learner_venv.venv
    assert Path(package).is_relative_to(learner_venv.venv), package
    assert fast_path == "[None, None]"           # the maths as written: no fast path shipped
    trainings = ", ".join(f"{_seconds(c):.1f}" for c in nb.cells if c.get("id") in TRAININGS)
    print(f"learner venv: maths as written; 100-iteration trainings {trainings} s; install took "
          f"{learner_venv.install_seconds:.0f} s")


@pytest.mark.slow
def test_learner_validate_passes_the_filled_notebook(validated):
    """nbgrader's Validate, configured as its button is in the learner's JupyterLab, passes
    the filled notebook (and would fail it on a wrong one: test_notebook checks the stubs)."""
    assert validated[0] == {}


@pytest.mark.slow
def test_learner_venv_holds_no_solution_no_hidden_test_no_dnn_course(learner_venv):
    """(b) No solution or hidden-test line anywhere in the venv or the release copy."""
    hits = files_quoting(secret_lines(), learner_venv.venv, learner_venv.folder)
    assert not hits, hits
    done = learner_venv.run("python", "-c", "import dnn_course")
    assert done.returncode == 1 and "No module named 'dnn_course'" in done.stderr, done.stderr
    done = learner_venv.run("python", "-c", "import public_tests.hidden")
    assert "No module named 'public_tests.hidden'" in done.stderr, done.stderr


SERVER_CONFIG = """
import json
from jupyter_server.serverapp import ServerApp
from jupyterlab_server.config import get_page_config
from jupyterlab.labapp import LabApp
app = ServerApp()
app.find_server_extensions()
lab = LabApp()
page = get_page_config(lab.labextensions_path, logger=lab.log)
print(json.dumps({"server": app.jpserver_extensions, "disabled": page["disabledExtensions"]}))
"""


@pytest.mark.slow
def test_learner_jupyter_hides_instructor_tools_and_keeps_validate(learner_venv):
    """(c) The server loads nbgrader's Validate only; JupyterLab hides the other nbgrader plugins."""
    done = learner_venv.run("python", "-c", SERVER_CONFIG)
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.splitlines()[-1])
    server = {k.removeprefix(SERVER_EXT): v for k, v in found["server"].items() if k.startswith(SERVER_EXT)}
    assert server == {"validate_assignment": True, "assignment_list": False,
                      "course_list": False, "formgrader": False}
    disabled = {name.removeprefix(LAB_EXT) for name in found["disabled"] if name.startswith(LAB_EXT)}
    assert disabled == {"assignment-list", "course-list", "create-assignment", "formgrader", "menu"}
    # nbgrader's own file still turns everything on: ours is what turns it off
    own = learner_venv.venv / "etc" / "jupyter" / "jupyter_server_config.d" / "nbgrader.json"
    assert all(json.loads(own.read_text())["ServerApp"]["jpserver_extensions"].values())
    # Validate loads its config as nbgrader's handler does: the trainings get 900 s, not 30
    done = learner_venv.run("python", "-c", VALIDATE_CONFIG, cwd=learner_venv.folder / "dnn_app")
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.split() == ["900"]


VALIDATE_CONFIG = """
from nbgrader.preprocessors import Execute
from nbgrader.server_extensions.validate_assignment.handlers import ValidateAssignmentHandler
print(Execute(config=ValidateAssignmentHandler.load_config(None)).timeout)
"""
