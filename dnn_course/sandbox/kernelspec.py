"""The ``dnn-course-sandbox`` kernelspec: an IPython kernel started by
``python -m dnn_course.sandbox`` (see ``launch.py``).

``install_kernelspec()`` writes ``<prefix>/share/jupyter/kernels/dnn-course-sandbox/kernel.json``;
Jupyter finds kernelspecs under ``sys.prefix/share/jupyter`` of the running
environment, so installing into the course's virtualenv is enough. Grading
selects it with ``c.Execute.kernel_name = "dnn-course-sandbox"``.
"""
import json
import sys
from pathlib import Path

from dnn_course.sandbox.limits import NAME, SAFE_FLAG

DISPLAY_NAME = "Python 3 (dnn-course sandbox)"


def kernelspec(python=None):
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


def kernelspec_dir(prefix=None):
    """Where the kernelspec lives under ``prefix`` (default: sys.prefix)."""
    return Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / NAME


def install_kernelspec(prefix=None, python=None):
    """Write the kernelspec under ``prefix``; return the kernel.json path. Idempotent."""
    folder = kernelspec_dir(prefix)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kernel.json"
    text = json.dumps(kernelspec(python), indent=1) + "\n"
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return path
