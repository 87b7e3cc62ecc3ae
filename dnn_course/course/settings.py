"""The environment variables that override the course's settings, read in one place.

Settings live in ``nbgrader_config.py`` as traitlets (e.g.
``c.GuardedExecute.skip_marked_cells``); a variable listed in
``docs/configuration.md`` only overrides one of them, where the configuration
reads it (``nbgrader_config.py``) or, for the kernel sandbox, which runs outside
any traitlets application, where the launcher starts (``sandbox/limits.py``).
"""
import os
from collections.abc import Mapping
from typing import TypeVar

from dnn_course.course.facts import FULL_RUN_ENV

TRUE = ("1", "true", "yes", "on")
D = TypeVar("D")  # env_int's default, any type (None: "not set")


def env_flag(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """True when the variable ``name`` is set to 1, true, yes or on (any case).

    Args:
        name: the variable's name.
        environ: the environment to read (default ``os.environ``).

    Returns:
        bool.
    """
    return (os.environ if environ is None else environ).get(name, "").strip().lower() in TRUE


def env_int(name: str, default: D, environ: Mapping[str, str] | None = None) -> int | D:
    """The whole number the variable ``name`` holds, or ``default`` when it is unset or empty.

    Args:
        name: the variable's name.
        default: the value when unset.
        environ: the environment to read (default ``os.environ``).

    Returns:
        int. ValueError naming the variable when it holds something else.
    """
    value = (os.environ if environ is None else environ).get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ValueError(f"{name}={value!r} is not a whole number; set it to one (or unset it "
                         f"for {default})") from None


def full_run_requested(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``DNN_COURSE_FULL_RUN`` asks grading to run every cell (``nbgrader_config.py``
    then sets ``c.GuardedExecute.skip_marked_cells = False``).

    Args:
        environ: the environment to read (default ``os.environ``).

    Returns:
        bool.
    """
    return env_flag(FULL_RUN_ENV, environ)
