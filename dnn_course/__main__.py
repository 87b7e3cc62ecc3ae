"""``python -m dnn_course``: the same as the ``dnn-course`` command."""
from dnn_course.cli import main

raise SystemExit(main())
