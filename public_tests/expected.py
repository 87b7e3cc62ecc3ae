"""Expected results of the public tests, one entry per call in call order.

The numbers live in ``expected.json`` beside this module, written by
`python -m dnn_course.admin.make_expected` from the reference solutions (do not
edit it by hand): ``EXPECTED[name]`` is a list of {"learning_rate",
"num_iterations", "parameters" (name -> nested lists), "costs"} for each call
the public test of ``name`` makes.
"""
import json
from pathlib import Path

PATH = Path(__file__).with_name("expected.json")
EXPECTED = json.loads(PATH.read_text(encoding="utf-8"))
