"""A classroom on this machine: JupyterHub, real Unix accounts, nbgrader's exchange, grading on arrival (docs/classroom.md)."""
