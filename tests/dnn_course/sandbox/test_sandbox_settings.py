"""The sandbox's settings are traitlets (c.SandboxSettings) that reach its launcher; DNN_COURSE_* only override them."""
import pytest
from nbconvert.preprocessors import ExecutePreprocessor
from traitlets.config import Config

from dnn_course.course.facts import MEMORY_ENV, REQUIRE_SANDBOX_ENV
from dnn_course.course.nbapi import load_config
from dnn_course.preprocessors.execute import GuardedExecute
from dnn_course.sandbox.limits import DEFAULTS, limits, require_sandbox
from dnn_course.sandbox.settings import SandboxSettings, env_overrides

SET = Config({"SandboxSettings": {"memory_mb": 1234, "max_procs": 64, "require_sandbox": True}})


def test_only_the_variables_that_are_set_override():
    assert env_overrides({}) == {}
    assert env_overrides({MEMORY_ENV: " 2048 ", REQUIRE_SANDBOX_ENV: "yes"}) == \
        {"memory_mb": 2048, "require_sandbox": True}
    with pytest.raises(ValueError, match=f"{MEMORY_ENV}='4G' is not a whole number"):
        env_overrides({MEMORY_ENV: "4G"})


def test_nbgrader_config_holds_the_settings_and_reads_the_overrides(monkeypatch):
    for name in ("DNN_COURSE_MEMORY_MB", "DNN_COURSE_CPU_SECONDS", "DNN_COURSE_FILE_MB",
                 "DNN_COURSE_MAX_PROCS", REQUIRE_SANDBOX_ENV):
        monkeypatch.delenv(name, raising=False)
    assert dict(load_config().SandboxSettings) == {**DEFAULTS, "require_sandbox": False}
    monkeypatch.setenv(MEMORY_ENV, "2048")
    monkeypatch.setenv(REQUIRE_SANDBOX_ENV, "1")
    config = load_config().SandboxSettings
    assert (config.memory_mb, config.require_sandbox, config.cpu_seconds) == (2048, True, 1800)


def test_each_kernel_starts_with_the_settings_its_launcher_reads(monkeypatch):
    """GuardedExecute starts the kernel with c.SandboxSettings in its environment; the
    launcher's limits() and require_sandbox() read back exactly those."""
    started = {}
    monkeypatch.setattr(ExecutePreprocessor, "start_new_kernel", lambda self, **kw: started.update(kw))
    monkeypatch.delenv(REQUIRE_SANDBOX_ENV, raising=False)
    GuardedExecute(config=SET).start_new_kernel(cwd="/x")
    env = started["env"]
    assert started["cwd"] == "/x" and env["PATH"]  # the rest of the environment is kept
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert limits() == {**DEFAULTS, "memory_mb": 1234, "max_procs": 64}
    assert require_sandbox()
    assert SandboxSettings().env()[REQUIRE_SANDBOX_ENV] == "0"
