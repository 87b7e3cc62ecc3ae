# Two commands on a fresh machine: `make demo` and `make test`.
# Each creates .venv with the requirements on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
# Where the course data lives (see README, "Configuration").
DNN_APP_DATA ?= $(abspath ../shared/datasets)
export DNN_APP_DATA
# nbgrader runs helper commands (alembic) and kernels by name: use the venv's.
export PATH := $(abspath $(VENV))/bin:$(PATH)

.PHONY: demo test test-fast test-browser lint bench release check clean venv classroom classroom-stop

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml setup.py \
		$(wildcard dnn_app_utils/_kernels*.c dnn_app_utils/_kernels*.h)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	$(PY) -m dnn_course.sandbox --install
	touch $@

demo: venv
	$(PY) -m dnn_course demo

# Static checks (settings in pyproject.toml): ruff's lint of the whole tree, mypy on the
# types of the three packages (dnn_app_utils, public_tests, dnn_course).
lint: venv
	$(VENV)/bin/ruff check .
	$(PY) -m mypy

# Two workers, one per core of CI's machine. Each xdist group (a module, or the browser
# tests with their servers) runs on one worker, the longest first (tests/xdist_groups.py);
# --durations=40 prints where the time went. See docs/testing.md.
PYTEST_WORKERS ?= 2
test: venv lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --durations=40

test-fast: venv
	$(PY) -m pytest -m "not slow"

# End-to-end tests in Debian's chromium (JupyterLab, formgrader, feedback pages);
# step screenshots go to tests/browser/screenshots/.
test-browser: venv
	$(PY) -m pytest -m browser

bench: venv
	$(PY) bench/run.py

# A JupyterHub classroom on this machine (docs/classroom.md); as root. Its state
# lives in CLASSROOM (git-ignored); new accounts' passwords are printed once.
CLASSROOM ?= classroom
ROSTER    ?= docs/roster-example.csv
classroom: venv
	$(PY) -m dnn_course classroom start --dir $(CLASSROOM) --roster $(ROSTER)

classroom-stop: venv
	$(PY) -m dnn_course classroom stop --dir $(CLASSROOM)

release: venv
	$(PY) -m dnn_course release

check: venv
	$(PY) -m dnn_course check

clean:
	rm -rf $(VENV) .pytest_cache
