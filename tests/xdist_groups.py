"""Which tests share an xdist worker under ``make test`` (``-n 2 --dist loadgroup``), and which start first.

A *group* runs whole on one worker, so a fixture it shares (module- or
session-scoped: a graded batch, a server, a browser) is made once, not once per
worker. A test's group is the first prefix of ``SHARED_GROUPS`` its node id
starts with, else its module; a test parametrized with a ``partK`` id (e.g.
``test_x[part3]``) is in the group of its module and part, so one long batch
split into parts spreads over the workers. The longest groups (``RUN_FIRST``) start first,
one on each worker, so the run does not end with one worker busy and the other idle.

pytest 9.2 ignores the node-id rewrite behind xdist's ``xdist_group`` marker
(pytest-xdist 3.8), so this module gives xdist a scheduler of its own: xdist's
``LoadScopeScheduling`` with the scope read from ``group_of``.
"""
import re

import pytest

# node-id prefix -> group; first match wins. Put here the modules that share a
# server, a browser or a cluster (docs/testing.md).
SHARED_GROUPS = {
    # one JupyterHub classroom (tests/classroom_setup.py) for these two modules
    "tests/browser/test_classroom.py": "classroom-hub",
    "tests/dnn_course/classroom/test_classroom.py": "classroom-hub",
    # one lab with the grading service running (tests/classroom_service_setup.py)
    "tests/dnn_course/classroom/test_isolation.py": "classroom-lab",
    "tests/dnn_course/classroom/test_service.py": "classroom-lab",
    # the browser tests by the server they drive (each group starts its own Chromium)
    "tests/browser/test_learner.py": "browser-learner",          # the learner's JupyterLab
    "tests/browser/test_hostile_pages.py": "browser-hostile",    # the attackers' class and its formgrader
    "tests/browser/": "browser",                                 # the graded class, formgrader, pages
}
# The longest groups, longest first (figures in docs/testing.md); a name ending in "["
# stands for all the parts of that module.
RUN_FIRST = ("browser-learner", "tests/dnn_course/grading/test_skip.py[", "classroom-lab",
             "classroom-hub", "browser-hostile", "browser")
PART = re.compile(r"\[(part\d+)\]$")


def group_of(nodeid):
    """The xdist group of a test.

    Args:
        nodeid: the test's node id, e.g. ``tests/browser/test_learner.py::test_x[1]``.

    Returns:
        str: a name from ``SHARED_GROUPS``, else the test's module path, followed by
        ``[partK]`` for a test parametrized with the id ``partK``.
    """
    for prefix, group in SHARED_GROUPS.items():
        if nodeid.startswith(prefix):
            return group
    module, _, test = nodeid.partition("::")
    part = PART.search(test)
    return f"{module}[{part.group(1)}]" if part else module


def run_first(items):
    """Sort ``items`` in place so the ``RUN_FIRST`` groups come first, in that order; the
    rest keep their order (xdist hands out groups in the order collected).

    Args:
        items: the collected tests.
    """
    def rank(item):
        group = group_of(item.nodeid)
        return next((i for i, first in enumerate(RUN_FIRST)
                     if group == first or (first.endswith("[") and group.startswith(first))), len(RUN_FIRST))

    items.sort(key=rank)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``--dist loadgroup``: xdist's scope scheduler over ``group_of``'s groups (else xdist's own)."""
    if config.getvalue("dist") != "loadgroup":
        return None
    config.option.loadscopereorder = False  # RUN_FIRST's order, not the groups' sizes
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        """One work unit per group, handed out in the order collected."""

        def _split_scope(self, nodeid):
            return group_of(nodeid)

    return GroupScheduling(config, log)
