"""One switch per setting: traitlets in nbgrader_config.py, environment variables only as overrides."""
import os

import pytest

from dnn_course import cli
from dnn_course.course.context import Course
from dnn_course.course.facts import FULL_RUN_ENV
from dnn_course.course.nbapi import load_config, runs_every_cell
from dnn_course.course.paths import COURSE_ROOT
from dnn_course.course.settings import env_flag, env_int, full_run_requested


@pytest.mark.parametrize("value, on", [("1", True), ("yes", True), (" ON ", True), ("true", True),
                                       ("0", False), ("", False), ("no", False), ("2", False)])
def test_env_flag(value, on):
    assert env_flag("X", {"X": value}) is on
    assert full_run_requested({FULL_RUN_ENV: value}) is on
    assert env_flag("X", {}) is False


def test_env_int_names_the_variable_it_cannot_read():
    assert env_int("N", 7, {}) == 7 and env_int("N", 7, {"N": " 12 "}) == 12
    with pytest.raises(ValueError, match=r"N='12MB' is not a whole number; set it to one \(or unset it for 7\)"):
        env_int("N", 7, {"N": "12MB"})


def test_the_full_run_variable_overrides_the_trait_in_nbgrader_config(monkeypatch):
    """plain ``nbgrader autograde`` reads nbgrader_config.py too: the override lives there."""
    monkeypatch.delenv(FULL_RUN_ENV, raising=False)
    assert load_config().GuardedExecute.skip_marked_cells is True
    monkeypatch.setenv(FULL_RUN_ENV, "1")
    config = load_config()
    assert config.GuardedExecute.skip_marked_cells is False and runs_every_cell(config)


def test_full_run_is_the_commands_config_not_an_environment_variable(monkeypatch):
    """``dnn-course grade --full-run`` sets ``c.GuardedExecute.skip_marked_cells = False`` in the
    command's configuration (which the workers are given), and leaves the environment alone."""
    seen = {}
    monkeypatch.delenv(FULL_RUN_ENV, raising=False)
    monkeypatch.chdir(os.getcwd())  # main changes into the course folder
    monkeypatch.setattr(cli, "cmd_grade", lambda args: seen.setdefault("args", args) and 0)
    assert cli.main(["--root", str(COURSE_ROOT), "grade", "--full-run"]) == 0
    assert runs_every_cell(seen["args"].course.config)
    assert FULL_RUN_ENV not in os.environ
    assert not runs_every_cell(Course(COURSE_ROOT).config)
