"""Deprecated path, for nbgrader_config.py copies: ``dnn_course.preprocessors.execute`` now; removed in the next release."""
from dnn_course._moved import moved
from dnn_course.preprocessors.execute import GuardedExecute  # noqa: F401

moved(__name__, "dnn_course.preprocessors.execute")
