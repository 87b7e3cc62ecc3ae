"""once_per_run (tests/shared_setup.py): under xdist a shared set-up is made once, and its failure told once."""
import os
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent

CONFTEST = '''
import os
from pathlib import Path

import pytest

from shared_setup import once_per_run

LOG = Path(os.environ["MADE_LOG"])


def make(name, ok):
    def made(folder):
        assert folder.is_dir() and not any(folder.iterdir())
        with LOG.open("a") as f:
            f.write(f"{name} {os.environ['PYTEST_XDIST_WORKER']}\\n")
        if not ok:
            pytest.fail("no network")
        return {"by": os.environ["PYTEST_XDIST_WORKER"], "folder": folder}
    return made


@pytest.fixture(scope="session")
def good(tmp_path_factory):
    return once_per_run(tmp_path_factory, "good", make("good", True))


@pytest.fixture(scope="session")
def bad(tmp_path_factory):
    return once_per_run(tmp_path_factory, "bad", make("bad", False))
'''

TEST = '''
import os
from pathlib import Path


def test_good(good):
    with Path(os.environ["MADE_LOG"]).open("a") as f:
        f.write(f"got {os.environ['PYTEST_XDIST_WORKER']} {good['by']} {good['folder'].is_dir()}\\n")


def test_bad(bad):
    pass
'''


def test_each_worker_gets_one_making_and_one_failure(tmp_path):
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_it.py").write_text(TEST)
    log = tmp_path / "made.log"
    env = dict(os.environ, MADE_LOG=str(log), PYTHONPATH=str(TESTS))
    run = subprocess.run([sys.executable, "-m", "pytest", "-n", "2", "--dist", "each", "-q",
                          "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "base"),
                          "-o", "addopts=", "test_it.py"],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    out = run.stdout + run.stderr
    lines = [line.split() for line in log.read_text().splitlines()]
    made = sorted(line[0] for line in lines if line[0] != "got")
    assert made == ["bad", "good"], out                 # each made once for both workers
    got = sorted(line[1:] for line in lines if line[0] == "got")
    assert [g[0] for g in got] == ["gw0", "gw1"], out   # both workers asked ...
    assert got[0][1:] == got[1][1:] and got[0][2] == "True", out  # ... and got the same value
    assert "2 passed, 2 errors" in out, out
    # the other worker is told (pytest may print the error twice, in its body and in the
    # short summary, depending on the terminal's width: "made once" above is the count)
    assert "shared set-up 'bad' failed on another worker" in out, out
    assert "no network" in out, out                     # the maker's own failure
