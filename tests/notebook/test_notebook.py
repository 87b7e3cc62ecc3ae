"""The assignment notebook: source, release and nbgrader configuration (issue 3).

* the source notebook's structure (fast, no kernel);
* the source passes nbgrader's Validator and prints the course's numbers (slow: one
  full execution, shared by both tests);
* the committed release: no solution code, no hidden tests, fails the Validator,
  is what regenerating gives, and greets a learner who runs the stubs with a
  message that says what to do.

Tests needing the course data read it from DNN_APP_DATA: they fail when it is
unset or incomplete, and skip (saying so) when it is "synthetic".
"""
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from notebook_fixtures import (CONFIG_FILE, RELEASE_DIR, SOURCE_DIR, cell_by_grade_id,
                               copy_assignment, course_data_dir, data_env, errors,
                               generate_release, grade_id, nbgrader_config,
                               read_nb, stream_text)

from dnn_course.course import course_numbers as course
from dnn_course.course.paths import COURSE_ROOT, NOTEBOOK

BEGIN, END = "# YOUR CODE STARTS HERE", "# YOUR CODE ENDS HERE"
SOLUTION_IDS = ("two_layer_model", "L_layer_model")
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# docs/course-facts.md, "Exact numbers" and "The public tests".
TWO_CURVE, L_CURVE = course.TWO_LAYER_COSTS, course.L_LAYER_COSTS
TWO_LAST, L_LAST = course.TWO_LAYER_LAST, course.L_LAYER_LAST  # (last iteration, its cost)
PUBLIC_TWO = course.PUBLIC_TEST_LINES["two_layer_model"]
PUBLIC_L = course.PUBLIC_TEST_LINES["L_layer_model"]
COST_LINE = re.compile(r"^Cost after iteration (\d+): (\S+)$")


# ------------------------------------------------------------------ helpers
def text(cell, name="stdout"):
    return ANSI.sub("", stream_text(cell, name))


def regions(source):
    """The lines strictly inside each solution region of a cell's source."""
    out, current = [], None
    for line in source.split("\n"):
        if BEGIN in line:
            current = []
        elif END in line:
            out.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return out


def hidden_lines(source):
    out, inside = [], False
    for line in source.split("\n"):
        if "### BEGIN HIDDEN TESTS" in line:
            inside = True
        elif "### END HIDDEN TESTS" in line:
            inside = False
        elif inside:
            out.append(line)
    return out


def graded_cells(nb, function):
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")
            and function in (grade_id(c) or "")]


def by_id(nb, cell_id):
    for c in nb.cells:
        if c.get("id") == cell_id:
            return c
    raise LookupError(cell_id)


def cost_lines(output):
    """{iteration: printed cost string} of the 'Cost after iteration' lines."""
    found = {}
    for line in output.splitlines():
        m = COST_LINE.match(line)
        if m:
            found[int(m.group(1))] = m.group(2)
    return found


def validator(**kw):
    from nbgrader.validator import Validator

    class RecordingValidator(Validator):
        """nbgrader's Validator that keeps the executed notebook it judged."""
        executed = None

        def _preprocess(self, nb):
            nb = super()._preprocess(nb)
            self.executed = nb
            return nb

    return RecordingValidator(config=nbgrader_config(), **kw)


@pytest.fixture(scope="module")
def source_nb():
    return read_nb(SOURCE_DIR / NOTEBOOK)


@pytest.fixture(scope="module")
def release_nb():
    return read_nb(RELEASE_DIR / NOTEBOOK)


# ------------------------------------------------------------------ configuration and structure
def test_nbgrader_config():
    c = nbgrader_config()
    assert c.CourseDirectory.course_id
    assert Path(c.CourseDirectory.root) == CONFIG_FILE.parent
    assert c.ClearSolutions.begin_solution_delimeter == BEGIN
    assert c.ClearSolutions.end_solution_delimeter == END
    stub = c.ClearSolutions.code_stub["python"].split("\n")
    assert stub[0] == BEGIN and stub[-1] == END
    assert any(line.startswith("raise NotImplementedError(") for line in stub)
    compile("def f():\n" + "".join("    " + line + "\n" for line in stub), "<stub>", "exec")
    assert c.Execute.kernel_name == "python3"
    assert c.Execute.timeout >= 600  # a 2500-iteration training takes up to ~200 s here


def test_source_structure(source_nb):
    nb = source_nb
    titles = [line for c in nb.cells if c.cell_type == "markdown"
              for line in c.source.splitlines() if line.startswith("## ")]
    for n, words in enumerate(["Packages", "Load and process the dataset", "Model architecture",
                               "Two-layer neural network", "L-layer neural network",
                               "Results analysis", "Test with your own image"], 1):
        assert any(t.startswith(f"## {n} - {words}") for t in titles), (n, words, titles)
    ids = [grade_id(c) for c in nb.cells if grade_id(c)]
    assert len(ids) == len(set(ids))
    for function in SOLUTION_IDS:
        sol = cell_by_grade_id(nb, function)
        assert sol.metadata.nbgrader["solution"] and not sol.metadata.nbgrader["grade"]
        assert sol.source.count(BEGIN) == sol.source.count(END) >= 1
        tests = graded_cells(nb, function)
        assert len(tests) >= 3
        assert sum(c.metadata.nbgrader["points"] for c in tests) == 10
        assert all(c.metadata.nbgrader["locked"] for c in tests)
        assert nb.cells.index(tests[0]) == nb.cells.index(sol) + 1 or \
            all(c.cell_type == "markdown" for c in nb.cells[nb.cells.index(sol) + 1:nb.cells.index(tests[0])])
        first, rest = tests[0], tests[1:]
        # one call, so whatever the function does is told by the public test (public_tests/cell.py)
        code = [line for line in first.source.splitlines() if not line.startswith("#")]
        assert code == ["from public_tests import run_test_cell",
                        f'run_test_cell("{function}", globals())'], first.source
        for c in tests:
            assert c.source.startswith("# Checks "), c.source.splitlines()[0]
        for c in rest:
            assert hidden_lines(c.source), grade_id(c)
            assert f'check_cell("{grade_id(c)}", {function}, ' in c.source  # the cases: public_tests/hidden_cases.py
        assert any("globals()" in c.source for c in rest), "one hidden check hides the globals"
    # every picture the notebook shows ships with it
    for ref in re.findall(r'src="(images/[^"]+)"', "".join(c.source for c in nb.cells)):
        assert (SOURCE_DIR / ref).is_file(), ref
    assert (SOURCE_DIR / "images" / "my_image.png").is_file()


def test_solution_cells_unchanged_by_reference_loader(source_nb):
    """dnn_course.course.solutions reads the same solution cells (the one truth)."""
    from dnn_course.course.solutions import solution_sources

    assert solution_sources() == {g: cell_by_grade_id(source_nb, g).source for g in SOLUTION_IDS}


def test_figures_script_reproduces_images(tmp_path):
    subprocess.run([sys.executable, str(COURSE_ROOT / "figures" / "draw.py"), "--out", str(tmp_path)],
                   check=True, capture_output=True)
    drawn = sorted(p.name for p in tmp_path.iterdir())
    assert drawn == sorted(p.name for p in (SOURCE_DIR / "images").iterdir())
    for name in drawn:
        assert (tmp_path / name).read_bytes() == (SOURCE_DIR / "images" / name).read_bytes(), name


# ------------------------------------------------------------------ the release (no kernel)
def test_release_has_no_solutions_and_no_hidden_tests(source_nb, release_nb):
    release_lines = {line.strip() for c in release_nb.cells for line in c.source.split("\n")}
    for function in SOLUTION_IDS:
        src, rel = cell_by_grade_id(source_nb, function), cell_by_grade_id(release_nb, function)
        solution = {line.strip() for region in regions(src.source) for line in region} - {""}
        leaked = sorted(solution & release_lines)
        assert not leaked, f"solution lines of {function} in the release: {leaked}"
        rel_regions = regions(rel.source)
        assert len(rel_regions) == len(regions(src.source))
        for region in rel_regions:
            assert [line.strip() for line in region if line.strip()] == \
                [line for line in nbgrader_config().ClearSolutions.code_stub["python"].split("\n")[1:-1]]
        compile(rel.source, function, "exec")
    everything = "\n".join(c.source for c in release_nb.cells)
    assert "HIDDEN TESTS" not in everything
    visible = {line.strip() for c in source_nb.cells for line in c.source.split("\n")
               if line not in hidden_lines(c.source)}
    secret = {line.strip() for c in source_nb.cells for line in hidden_lines(c.source)} - visible - {""}
    assert secret and not (secret & release_lines)
    # graded cells keep their ids, points and lock in the release
    for c in source_nb.cells:
        if grade_id(c):
            r = cell_by_grade_id(release_nb, grade_id(c))
            for key in ("grade", "solution", "locked", "points"):
                assert r.metadata.nbgrader.get(key) == c.metadata.nbgrader.get(key)


def test_release_is_self_contained():
    shipped = sorted(str(p.relative_to(RELEASE_DIR)) for p in RELEASE_DIR.rglob("*") if p.is_file())
    sources = sorted(str(p.relative_to(SOURCE_DIR)) for p in SOURCE_DIR.rglob("*") if p.is_file()
                     and ".ipynb_checkpoints" not in p.parts and "datasets" not in p.parts)
    assert shipped == sources
    assert not [p for p in shipped if p.endswith(".h5") or p.startswith("datasets")]


def test_release_is_what_regenerating_gives(tmp_path):
    """The committed release is exactly what generate_assignment makes from source/."""
    from dnn_course.course.assignment import same_tree

    fresh = generate_release(tmp_path / "release")
    assert same_tree(fresh, RELEASE_DIR), (
        "release/ is out of date: regenerate it with `dnn-course release --force`")


# ------------------------------------------------------------------ the release, run by a learner
def test_release_stubs_say_what_to_do(tmp_path, release_nb):
    """Run the cells up to each first test cell: the failure tells what to do."""
    import os
    from nbclient import NotebookClient

    data = "synthetic" if os.environ.get("DNN_APP_DATA") == "synthetic" else course_data_dir()
    keep = {"packages", "load-data", "sizes", "flatten", "two-layer-constants", "L-layer-constants"}
    nb = nbformat.from_dict(release_nb)
    nb.cells = [c for c in nb.cells if c.cell_type == "code" and (
        c.get("id") in keep or grade_id(c) in SOLUTION_IDS
        or grade_id(c) in ("correct_two_layer_model", "correct_L_layer_model"))]
    folder = copy_assignment(RELEASE_DIR, tmp_path / "learner")
    client = NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=True,
                            resources={"metadata": {"path": str(folder)}})
    with pytest.MonkeyPatch.context() as mp:
        for k, v in data_env(data).items():
            mp.setenv(k, v)
        client.execute()
    for c in nb.cells:
        if grade_id(c) in ("correct_two_layer_model", "correct_L_layer_model"):
            function = grade_id(c)[len("correct_"):]
            errs = errors(c)
            assert len(errs) == 1, c.outputs
            err = errs[0]
            assert err.ename == "PublicTestFailure"
            assert err.evalue.startswith(f"{function} is not implemented yet"), err.evalue
            tb = ANSI.sub("", "\n".join(err.traceback))
            # no chained traceback through the stub inside the function
            assert "During handling" not in tb and "replace this line" not in tb, tb
            assert len(err.traceback) <= 4, tb  # the test cell only, not a chain of frames
        else:
            assert not errors(c), (c.get("id"), errors(c))


def test_release_fails_validation(tmp_path):
    folder = copy_assignment(RELEASE_DIR, tmp_path / "release", data_dir=course_data_dir())
    v = validator()
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DNN_APP_DATA", raising=False)  # the data comes from datasets/ beside it
        results = v.validate(str(folder / NOTEBOOK))
    failed = results.get("failed", [])
    assert failed, results
    messages = " ".join(f["raw_error"] for f in failed)
    assert "two_layer_model is not implemented yet" in messages
    assert "L_layer_model is not implemented yet" in messages


# ------------------------------------------------------------------ the source, executed once
@pytest.fixture(scope="module")
def validated_source(tmp_path_factory):
    """Validate a copy of source/dnn_app with datasets/ linked beside the notebook.

    nbgrader's Validator executes the notebook with its Execute preprocessor (an
    nbclient NotebookClient) under the course's config: kernel python3, the
    per-cell timeout. Returns (validation results, executed notebook, seconds).
    """
    import time

    data = course_data_dir()
    folder = copy_assignment(SOURCE_DIR, tmp_path_factory.mktemp("source") / "dnn_app",
                             data_dir=data)
    v = validator()
    start = time.monotonic()
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("DNN_APP_DATA", raising=False)  # the data comes from datasets/ beside it
        mp.setenv("DNN_APP_BLAS_THREADS", "1")
        mp.setenv("OPENBLAS_NUM_THREADS", "1")  # the plain kernel's BLAS (see data_env)
        results = v.validate(str(folder / NOTEBOOK))
    return results, v.executed, time.monotonic() - start


@pytest.mark.slow
def test_source_passes_validation(validated_source):
    results, executed, _ = validated_source
    assert results == {}, results
    broken = [(c.get("id"), e.ename, e.evalue) for c in executed.cells for e in errors(c)]
    assert not broken, broken


@pytest.mark.slow
def test_source_prints_the_course_numbers(validated_source):
    _, nb, seconds = validated_source
    print(f"source notebook executed and validated in {seconds:.0f} s")

    for function, (line, cost), public in (("two_layer_model", course.TWO_LAYER_SHORT, PUBLIC_TWO),
                                           ("L_layer_model", course.L_LAYER_SHORT, PUBLIC_L)):
        first = text(cell_by_grade_id(nb, f"correct_{function}")).splitlines()
        assert first == [line, f"Cost after first iteration: {cost!r}"] + public

    for cell_id, curve, last in (("two-layer-train", TWO_CURVE, TWO_LAST),
                                 ("L-layer-train", L_CURVE, L_LAST)):
        costs = cost_lines(text(by_id(nb, cell_id)))
        end, last = last
        assert sorted(costs) == list(range(0, end + 1, 100)) + [end], sorted(costs)
        assert costs[0] == repr(curve[0]) and costs[100] == repr(curve[1])
        for i, want in enumerate(curve):
            assert float(costs[100 * i]) == pytest.approx(want, rel=course.REL), (cell_id, 100 * i)
        assert float(costs[end]) == pytest.approx(last, rel=course.REL), (cell_id, costs[end])

    for prefix, (train, test) in (("two-layer", course.TWO_LAYER_ACCURACY), ("L-layer", course.L_LAYER_ACCURACY)):
        assert (text(by_id(nb, f"{prefix}-predict-train")), text(by_id(nb, f"{prefix}-predict-test"))) == \
            (train + "\n", test + "\n")

    assert "(12288, 209)" in text(by_id(nb, "flatten")) and "(12288, 50)" in text(by_id(nb, "flatten"))
    images = [o for o in by_id(nb, "mislabeled").outputs if "image/png" in o.get("data", {})]
    assert len(images) == 1
    assert "your L-layer model predicts a" in text(by_id(nb, "own-image"))


@pytest.mark.slow
def test_expected_output_blocks_match_what_is_printed(validated_source):
    """Every "Expected output" block shows lines the cell before it really prints."""
    _, nb, _ = validated_source
    checked = 0
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown" or not cell.source.startswith("**Expected output**"):
            continue
        block = cell.source.split("```")[1].strip("\n").splitlines()
        code = next(c for c in reversed(nb.cells[:i]) if c.cell_type == "code")
        printed = text(code).splitlines()
        for line in block:
            if line == "...":
                continue
            m = COST_LINE.match(line)
            if m and int(m.group(1)) > 100:  # later costs' last digits vary by machine
                got = cost_lines("\n".join(printed))
                assert float(got[int(m.group(1))]) == pytest.approx(float(m.group(2)), rel=1e-9)
            else:
                assert line in printed, (code.get("id"), line, printed)
        checked += 1
    assert checked >= 10
