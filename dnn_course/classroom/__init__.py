"""The classroom: JupyterHub, learner accounts and nbgrader's exchange, with grading on arrival."""
