"""The suite's markers: ``make test-fast`` (-m "not slow") selects no browser test."""
import subprocess
import sys

from dnn_course.course.paths import COURSE_ROOT


def collected(*args):
    """The test ids pytest collects under tests/browser/ with ``args``."""
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                          *args, "tests/browser"], cwd=COURSE_ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode in (0, 5), run.stdout + run.stderr  # 5: nothing selected
    return [line for line in run.stdout.splitlines() if "::" in line]


def test_fast_run_selects_no_browser_test():
    everything = collected()
    assert any("test_report_page.py::" in t for t in everything), everything
    assert collected("-m", "not slow") == []
