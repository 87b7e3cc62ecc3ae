"""``python -m dnn_course.sandbox``: the argv of the installed ``dnn-course-sandbox`` kernelspec."""
import sys

from dnn_course.sandbox.cli import main

sys.exit(main())
