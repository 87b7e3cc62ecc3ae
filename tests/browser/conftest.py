"""Browser-test fixtures: one Chromium, one learner JupyterLab, one instructor JupyterLab over a graded class."""
import os
import sys
from pathlib import Path

import pytest

from conftest import course_data_dir
from dnn_course.course.paths import ASSIGNMENT, NOTEBOOK
from notebook_fixtures import RELEASE_DIR, copy_assignment

from .pages import launch, new_page, shot
from .servers import LabServer

CORRECT = "demo-correct"
MISTAKE = "demo-wrong-sign-dA2"  # two_layer_model with the minus sign of dA2 dropped


def learner_environment(request):
    """Where the learner's ``jupyter`` lives and the environment it runs in: the
    learner_venv fixture (a venv made from a copy of release/ alone, tests/learner_install.py).

    Args:
        request: the pytest request, to reach other fixtures.

    Returns:
        (bin folder, environment dict).
    """
    venv = request.getfixturevalue("learner_venv")
    return venv.bin, dict(venv.env)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can see a failure."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def make_page(browser, request):
    """A factory: make_page(width) gives a fresh page of that viewport width; closed
    after the test, with a screenshot of each page (zz-at-failure) when the test failed."""
    pages = []

    def make(width, height=900):
        page = new_page(browser, width, height)
        pages.append(page)
        return page

    yield make
    failed = getattr(request.node, "report_call", None)
    for i, page in enumerate(pages):
        if failed is not None and failed.failed:
            shot(page, request.node.name, f"zz-at-failure-{i}", full_page=False)
        page.context.close()


@pytest.fixture(scope="session")
def learner_server(request, tmp_path_factory):
    """JupyterLab in the learner's environment over a copy of release/dnn_app,
    the course data linked as datasets/ beside the notebook (as the README says)."""
    data = course_data_dir()
    scratch = tmp_path_factory.mktemp("learner")
    root = copy_assignment(RELEASE_DIR, scratch / ASSIGNMENT, data_dir=data)
    bin_dir, env = learner_environment(request)
    # no settings of ours: what the learner sees is what the learner wheel's settings give
    server = LabServer("learner", bin_dir, root, scratch, env={"DNN_APP_DATA": None}, base_env=env,
                       lab_settings={})
    try:
        yield server.wait_ready()
    finally:
        server.stop()


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory, course_template):
    """A scratch course with two submissions, graded and given feedback once:
    CORRECT (the reference solutions) and MISTAKE.

    Returns:
        (course root, {student: (score, max_score) from the gradebook}).
    """
    from nbgrader.api import Gradebook

    from dnn_course import cli
    from dnn_course.demo.samples import write_samples

    data = course_data_dir()
    mp = pytest.MonkeyPatch()
    mp.setenv("DNN_APP_DATA", str(data))
    mp.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    try:
        root = course_template.copy(tmp_path_factory.mktemp("course") / "course")
        write_samples(root, only=[CORRECT, MISTAKE])
        mp.chdir(root)  # cli.main changes directory; undo() returns
        assert cli.main(["--root", str(root), "grade"]) == 0, "dnn-course grade failed"
        assert cli.main(["--root", str(root), "feedback"]) == 0, "dnn-course feedback failed"
    finally:
        mp.undo()
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        scores = {s: (gb.find_submission(ASSIGNMENT, s).score,
                      gb.find_submission(ASSIGNMENT, s).max_score) for s in (CORRECT, MISTAKE)}
    return root, scores


@pytest.fixture(scope="session")
def feedback_page_path(graded_class):
    """The feedback page of the MISTAKE submission."""
    root = graded_class[0]
    path = root / "feedback" / MISTAKE / ASSIGNMENT / NOTEBOOK.replace(".ipynb", ".html")
    assert path.is_file(), f"dnn-course feedback wrote no page at {path}"
    return path


@pytest.fixture(scope="session")
def instructor_server(graded_class, tmp_path_factory):
    """JupyterLab with nbgrader's formgrader, run from the graded scratch course."""
    root = graded_class[0]
    server = LabServer("instructor", Path(sys.executable).parent, root,
                       tmp_path_factory.mktemp("instructor"),
                       env={"DNN_APP_DATA": str(course_data_dir())})
    try:
        yield server.wait_ready()
    finally:
        server.stop()
