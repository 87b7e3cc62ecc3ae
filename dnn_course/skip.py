"""Deprecated path, for nbgrader_config.py copies: ``dnn_course.grading.skip`` now; removed in the next release."""
from dnn_course._moved import moved
from dnn_course.grading.skip import KeepOwnOutputs  # noqa: F401

moved(__name__, "dnn_course.grading.skip")
