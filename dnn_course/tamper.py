"""Deprecated path, for nbgrader_config.py copies: ``dnn_course.preprocessors.tamper`` now; removed in the next release."""
from dnn_course._moved import moved
from dnn_course.preprocessors.tamper import RestoreTestCells  # noqa: F401

moved(__name__, "dnn_course.preprocessors.tamper")
