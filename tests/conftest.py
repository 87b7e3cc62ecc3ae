"""Shared fixtures: the course data (one setting: DNN_APP_DATA) and the
reference solutions' full-length trainings, run once per test run (also under xdist)."""
import contextlib
import io
import os
from pathlib import Path

import numpy as np
import pytest

from dnn_app_utils.data import DATA_ENV, SYNTHETIC, TEST_FILE, TRAIN_FILE
from dnn_course.course import facts
from shared_setup import once_per_run, xdist_worker

TWO_LAYER_DIMS = facts.TWO_LAYER_DIMS
L_LAYER_DIMS = list(facts.L_LAYER_DIMS)  # as the notebook passes it


def course_data_dir(value=None):
    """The course data folder from DNN_APP_DATA (or ``value``); fail, not skip, when absent."""
    value = os.environ.get(DATA_ENV, "") if value is None else value
    if value == SYNTHETIC:
        pytest.skip(f"{DATA_ENV}=synthetic: the course's numbers need the course data")
    if not value:
        pytest.fail(f"{DATA_ENV} is not set. Point it at the folder holding "
                    f"{TRAIN_FILE} and {TEST_FILE} (make test sets it to "
                    "../shared/datasets), or set it to 'synthetic' to skip the "
                    "tests that need the course data.")
    folder = Path(value)
    missing = [n for n in (TRAIN_FILE, TEST_FILE) if not (folder / n).is_file()]
    if missing:
        pytest.fail(f"{DATA_ENV}={value} lacks {missing}.")
    return folder


@pytest.fixture(scope="session")
def course_data():
    """(train_x, train_y, test_x, test_y, classes) as the notebook prepares them."""
    from dnn_app_utils import load_data

    train_x_orig, train_y, test_x_orig, test_y, classes = load_data(course_data_dir())
    train_x = train_x_orig.reshape(train_x_orig.shape[0], -1).T / 255.0
    test_x = test_x_orig.reshape(test_x_orig.shape[0], -1).T / 255.0
    return train_x, train_y, test_x, test_y, classes


@pytest.fixture(scope="session", autouse=True)
def fast_path():
    """The helpers' fast path, installed as grading installs it (dnn_app_utils.speed):
    the in-process trainings take half the time, with the course's numbers."""
    from dnn_app_utils import speed

    speed.install()
    yield
    speed.uninstall()


@pytest.fixture(scope="session")
def reference():
    """The reference solutions, read from the source notebook."""
    from dnn_course.course.solutions import load_solutions

    return load_solutions()


def run_printing(fn, *args, **kwargs):
    """Call fn, returning (result, what it printed)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        result = fn(*args, **kwargs)
    return result, out.getvalue()


def _full_run(reference, course_data, name, dims):
    from dnn_app_utils import predict

    train_x, train_y, test_x, test_y, _ = course_data
    (parameters, costs), printed = run_printing(
        reference[name], train_x, train_y, dims, num_iterations=2500, print_cost=True)
    _, acc_train = run_printing(predict, train_x, train_y, parameters)
    _, acc_test = run_printing(predict, test_x, test_y, parameters)
    return {"parameters": parameters, "costs": [float(c) for c in costs],
            "printed": printed, "accuracy": (acc_train.strip(), acc_test.strip())}


@pytest.fixture(scope="session")
def two_layer_run(tmp_path_factory, reference, course_data):
    """The 2-layer model trained 2500 iterations on the course data (once per run)."""
    return once_per_run(tmp_path_factory, "two-layer-run", lambda _: _full_run(
        reference, course_data, facts.TWO_LAYER_MODEL, TWO_LAYER_DIMS))


@pytest.fixture(scope="session")
def l_layer_run(tmp_path_factory, reference, course_data):
    """The L-layer model trained 2500 iterations on the course data (once per run)."""
    return once_per_run(tmp_path_factory, "l-layer-run", lambda _: _full_run(
        reference, course_data, facts.L_LAYER_MODEL, L_LAYER_DIMS))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Every browser test is slow as well, so ``make test-fast`` (-m "not slow") needs no Chromium;
    under xdist (``make test``) the longest groups come first (tests/xdist_groups.py)."""
    for item in items:
        if item.get_closest_marker("browser") and not item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.slow)
    if xdist_worker() is not None:
        run_first(items)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# The learner's venv, installed from a copy of release/ alone once per session
# (tests/learner_install.py): test_learner_install.py and the browser tests use it.
from learner_install import learner_venv  # noqa: E402,F401
# One scratch course per session, copied by every grading fixture (tests/course_template.py).
from course_template import course_template  # noqa: E402,F401
# make test's xdist groups: a scheduler that keeps each group on one worker (tests/xdist_groups.py).
from xdist_groups import pytest_xdist_make_scheduler, run_first  # noqa: E402,F401
# One classroom (JupyterHub, Unix accounts) per session (tests/classroom_setup.py).
from classroom_setup import classroom  # noqa: E402,F401
# One lab (accounts, exchange, the grading service) per session (tests/classroom_service_setup.py).
from classroom_service_setup import first_round, flood, lab, sample_texts  # noqa: E402,F401
# A loopback Dask cluster for one test (tests/scale_helpers.py).
from scale_helpers import dask_cluster  # noqa: E402,F401
