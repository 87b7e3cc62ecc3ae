"""The sandbox's settings as traitlets (``c.SandboxSettings`` in nbgrader_config.py), handed to its launcher.

The launcher (``python -m dnn_course.sandbox``, a kernelspec's command) runs
outside any traitlets application and reads its settings from its environment
(``limits.py``). Grading starts each kernel with that environment made from
these traits (``GuardedExecute``), and the re-run outside the kernel likewise
(``VerifyResults``), so one setting in ``nbgrader_config.py`` reaches both. The
``DNN_COURSE_*`` variables only override the traits there (``env_overrides``).
"""
import os
from collections.abc import Mapping

from traitlets import Bool, Integer
from traitlets.config import Configurable

from dnn_course.course.facts import REQUIRE_SANDBOX_ENV
from dnn_course.course.settings import env_flag, env_int
from dnn_course.sandbox.limits import DEFAULTS, LIMIT_ENV


class SandboxSettings(Configurable):
    """Resource limits of each sandboxed kernel and whether isolation is required."""

    memory_mb = Integer(DEFAULTS["memory_mb"], help="MiB of memory a kernel may use.").tag(config=True)
    cpu_seconds = Integer(DEFAULTS["cpu_seconds"], help="CPU seconds a kernel may use.").tag(config=True)
    file_mb = Integer(DEFAULTS["file_mb"], help="MiB a kernel may write to one file.").tag(config=True)
    max_procs = Integer(DEFAULTS["max_procs"], help="Processes a kernel may run.").tag(config=True)
    require_sandbox = Bool(False, help="Refuse to start a kernel where the sandbox's isolation "
                           "is unavailable (else: warn, and apply the limits only).").tag(config=True)

    def env(self) -> dict[str, str]:
        """The environment variables the launcher reads, set to these settings.

        Returns:
            dict: variable name -> text.
        """
        env = {LIMIT_ENV[name]: str(getattr(self, name)) for name in DEFAULTS}
        env[REQUIRE_SANDBOX_ENV] = "1" if self.require_sandbox else "0"
        return env


def env_overrides(environ: Mapping[str, str] | None = None) -> dict[str, int | bool | None]:
    """The ``SandboxSettings`` that set ``DNN_COURSE_*`` variables override.

    Args:
        environ: the environment to read (default ``os.environ``).

    Returns:
        dict: trait name -> value, only for the variables that are set (ValueError naming a
        variable that is not a whole number).
    """
    environ = os.environ if environ is None else environ
    found = {name: env_int(var, None, environ) for name, var in LIMIT_ENV.items()
             if environ.get(var, "").strip()}
    if environ.get(REQUIRE_SANDBOX_ENV, "").strip():
        found["require_sandbox"] = env_flag(REQUIRE_SANDBOX_ENV, environ)
    return found
