"""The one prelude every run of a solution cell starts from: what the notebook imports before it.

The reference solutions (``solutions.load_solutions``), the catalogue's
mistakes (``mistakes.build``), verification's re-run of a learner's cells
(``preprocessors/verify_runner.py``) and the tests' in-process cell runs all
start from ``namespace``, so none of them can drift from the others.
"""
from collections.abc import Mapping
from typing import Any

PRELUDE = "import numpy as np\nfrom dnn_app_utils import *\n"


def namespace(name: str, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A fresh namespace with the notebook's imports run in it.

    Args:
        name: its ``__name__``.
        extra: names to add after the imports (e.g. stand-in globals), or None.

    Returns:
        dict.
    """
    ns = {"__name__": name}
    exec(compile(PRELUDE, "<prelude>", "exec"), ns)
    ns.update(extra or {})
    return ns
