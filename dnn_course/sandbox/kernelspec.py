"""The ``dnn-course-sandbox`` kernelspec: an IPython kernel started by
``python -m dnn_course.sandbox`` (see ``launch.py``).

``install_kernelspec()`` installs it with jupyter_client's
``KernelSpecManager.install_kernel_spec`` into
``<prefix>/share/jupyter/kernels/dnn-course-sandbox/``; Jupyter finds kernelspecs
under ``sys.prefix/share/jupyter`` of the running environment, so installing into the course's virtualenv is enough. Grading
selects it with ``c.Execute.kernel_name = "dnn-course-sandbox"``.
"""
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpecManager

from dnn_course.sandbox.limits import NAME, SAFE_FLAG

DISPLAY_NAME = "Python 3 (dnn-course sandbox)"


def kernelspec(python: str | None = None) -> dict[str, Any]:
    """The kernel.json content: the launcher run by ``python`` (default: this one)."""
    python = python or sys.executable
    # -P (-I before Python 3.11): the working folder is not put on sys.path, so a
    # learner's dnn_course/ beside the notebook cannot replace the launcher,
    # which runs outside the sandbox.
    return {
        "argv": [python, SAFE_FLAG, "-m", "dnn_course.sandbox", "-f", "{connection_file}"],
        "display_name": DISPLAY_NAME,
        "language": "python",
        "interrupt_mode": "signal",
        "metadata": {"debugger": False, "dnn_course": "grading sandbox"},
    }


def install_kernelspec(prefix: str | None = None, python: str | None = None) -> Path:
    """Install the kernelspec under ``prefix`` (replacing an installed one).

    Args:
        prefix: the environment's prefix (default: sys.prefix, this virtualenv).
        python: the interpreter the kernel runs (default: this one).

    Returns:
        Path of the installed kernel.json.
    """
    with tempfile.TemporaryDirectory() as scratch:
        # install_kernel_spec copies the folder with its mode: a scratch folder is
        # 0700, and every account of a shared install must read the kernelspec
        os.chmod(scratch, 0o755)
        (Path(scratch) / "kernel.json").write_text(json.dumps(kernelspec(python), indent=1) + "\n")
        folder = KernelSpecManager().install_kernel_spec(scratch, NAME,
                                                         prefix=str(prefix or sys.prefix))
    return Path(folder) / "kernel.json"
