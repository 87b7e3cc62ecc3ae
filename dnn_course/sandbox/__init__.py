"""The grading sandbox for learners' kernels: ``python -m dnn_course.sandbox`` (see ``launch.py``).

Modules: ``limits`` (names, resource limits), ``bwrap`` (host probe, bubblewrap's
command line), ``ipc`` (socket folder and links), ``watchdog`` (process cap),
``launch`` (start and wait for the kernel), ``cli`` (the command line),
``kernelspec`` (the ``dnn-course-sandbox`` kernelspec), ``hook`` (the
verification re-run's prefix). The names below are the package's API; the
kernelspec and ``nbgrader_config.py`` (``ipc_prefix``) rely on them.
"""
from dnn_course.sandbox.bwrap import lost_protections, sandbox_status
from dnn_course.sandbox.ipc import ipc_prefix
from dnn_course.sandbox.launch import command_prefix
from dnn_course.sandbox.limits import NAME, SAFE_FLAG, limits, require_sandbox

__all__ = ["NAME", "SAFE_FLAG", "command_prefix", "ipc_prefix", "limits",
           "lost_protections", "require_sandbox", "sandbox_status"]
