"""nbgrader configuration of the course (this folder is the course folder).

Instructors run nbgrader from here, e.g. ``nbgrader generate_assignment dnn_app``
or ``nbgrader autograde dnn_app``; tests load this file too.
"""
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

# The course, rooted at the folder holding this file wherever nbgrader is run from.
c.CourseDirectory.course_id = "dnn-cat-course"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# Never copy the course data into release/ (or feedback, exchanges): it is not
# ours to redistribute. An instructor may keep it in source/dnn_app/datasets/.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            "datasets", "*.h5"]

# Solution regions. Student code sits between these two marker lines:
#     # YOUR CODE STARTS HERE
#     ...
#     # YOUR CODE ENDS HERE
# generate_assignment replaces the begin line, the solution and the end line
# with the stub below (indented like the begin line), so the release keeps
# both markers and the cell stays valid Python that fails with a clear message.
c.ClearSolutions.begin_solution_delimeter = "# YOUR CODE STARTS HERE"
c.ClearSolutions.end_solution_delimeter = "# YOUR CODE ENDS HERE"
c.ClearSolutions.code_stub = {
    "python": (
        "# YOUR CODE STARTS HERE\n"
        'raise NotImplementedError("Not implemented yet: replace this line with '
        'your code, then run this cell again.")\n'
        "# YOUR CODE ENDS HERE"
    )
}

# Executing notebooks (validate, autograde). The training cells run 2500
# iterations: 30-200 s each on a small machine, so give every cell 15 minutes.
c.Execute.timeout = 900
c.Execute.startup_timeout = 120
# Always grade with the "python3" kernel, whatever kernelspec name the
# submitted notebook carries (a renamed or missing kernelspec must not break
# grading).
c.Execute.kernel_name = "python3"
