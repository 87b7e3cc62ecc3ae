"""Which tests share an xdist worker under ``make test`` (``-n 2 --dist loadgroup``), and which start first.

A *group* runs whole on one worker, so a fixture it shares (module- or
session-scoped: a graded batch, a server, a browser) is made once, not once per
worker. A test's group is the first prefix of ``SHARED_GROUPS`` its node id
starts with, else its module. The longest groups (``RUN_FIRST``) start first,
one on each worker, so the run does not end with one worker busy and the other idle.

pytest 9.2 ignores the node-id rewrite behind xdist's ``xdist_group`` marker
(pytest-xdist 3.8), so this module gives xdist a scheduler of its own: xdist's
``LoadScopeScheduling`` with the scope read from ``group_of``.
"""
import pytest

# node-id prefix -> group; first match wins. Put here the modules that share a
# server, a browser or a cluster (docs/testing.md).
SHARED_GROUPS = {
    "tests/browser/": "browser",        # one Chromium, one learner and one instructor JupyterLab
}
# The longest groups, longest first (figures in docs/testing.md).
RUN_FIRST = ("tests/dnn_course/grading/test_skip.py", "browser")


def group_of(nodeid):
    """The xdist group of a test.

    Args:
        nodeid: the test's node id, e.g. ``tests/browser/test_learner.py::test_x[1]``.

    Returns:
        str: a name from ``SHARED_GROUPS``, else the test's module path.
    """
    for prefix, group in SHARED_GROUPS.items():
        if nodeid.startswith(prefix):
            return group
    return nodeid.split("::", 1)[0]


def run_first(items):
    """Sort ``items`` in place so the ``RUN_FIRST`` groups come first, in that order; the
    rest keep their order (xdist hands out groups in the order collected).

    Args:
        items: the collected tests.
    """
    rank = {group: i for i, group in enumerate(RUN_FIRST)}
    items.sort(key=lambda item: rank.get(group_of(item.nodeid), len(RUN_FIRST)))


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
