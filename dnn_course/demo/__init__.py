"""The demo: sample submissions (from the catalogue dnn_course/course/mistakes.py), the training demo, the end-to-end run."""
