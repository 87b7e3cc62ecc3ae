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
        'your code, then run the cell that defines this function again.")\n'
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
# The course's own runs (validate, `dnn-course check`) install the helpers' fast path
# as the kernel starts: the same numbers in half the time, and BLAS at one thread
# (importing dnn_app_utils sets none). Grading's sandboxed kernel installs it itself;
# a learner's Validate reads the learner's own nbgrader_config.json: the maths as written.
c.Execute.extra_arguments = ["--ext=dnn_app_utils.speed"]
c.GuardedExecute.extra_arguments = []

# Grading (nbgrader autograde and dnn-course grade alike): the course's
# execution guard in place of nbgrader's Execute. Test cells get 30 s (a
# correct one takes under 1 s); once a cell has timed out the rest get 5 s
# each; a whole submission gets 20 min.
# Preprocessors and exporters are named by import string ("module.Class"), which
# nbgrader and nbconvert import themselves: the configuration stays plain JSON,
# which nbgrader's formgrader shows on its Manage Assignments page (class
# objects here made it log "Formgrader config is not serializable" on every load).
NBC, NBG = "nbconvert.preprocessors.", "nbgrader.preprocessors."
GuardedExecute = "dnn_course.preprocessors.execute.GuardedExecute"
HideHiddenTests = "dnn_course.preprocessors.feedback.HideHiddenTests"
SanitizeLearnerContent = "dnn_course.preprocessors.sanitize.SanitizeLearnerContent"
KeepOwnOutputs = "dnn_course.preprocessors.skip.KeepOwnOutputs"
RestoreTestCells = "dnn_course.preprocessors.tamper.RestoreTestCells"
VerifyResults = "dnn_course.preprocessors.verify.VerifyResults"
CollectFindings = "dnn_course.preprocessors.findings.CollectFindings"
(ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata, IgnorePattern,
 LimitOutput, SaveAutoGrades, AssignLatePenalties, GetGrades) = (
    NBG + name for name in ("ClearOutput", "DeduplicateIds", "OverwriteKernelspec", "OverwriteCells",
                            "CheckCellMetadata", "IgnorePattern", "LimitOutput", "SaveAutoGrades",
                            "AssignLatePenalties", "GetGrades"))
ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor = (
    NBC + "ClearMetadataPreprocessor", NBC + "CSSHTMLHeaderPreprocessor")

# Before grading: renamed, copied, edited or deleted test cells are restored
# and noted instead of crashing nbgrader.
# KeepOwnOutputs first: the learner's outputs of the cells grading will not
# re-run (tagged skip-when-grading in the source; dnn_course/preprocessors/skip.py).
c.Autograde.sanitize_preprocessors = [
    KeepOwnOutputs, ClearOutput, RestoreTestCells, DeduplicateIds, OverwriteKernelspec,
    OverwriteCells, CheckCellMetadata,
]
c.OverwriteCells.add_missing_cells = True
# Grading: run the notebook under the execution guard, then re-check every
# passing test cell outside the learner's kernel (VerifyResults) before the
# scores are saved; in between, CollectFindings keeps each failed test's finding
# (the data the hidden and public tests emit) in the notebook's metadata
# (dnn_course/preprocessors/findings.py). SanitizeLearnerContent then cleans the markdown cells, the
# outputs kept from the learner's run and those made while grading, so the
# autograded notebook (and every page built from it: formgrader's grading view,
# feedback) holds no script, style or live link of the learner's (docs/safety.md).
c.Autograde.autograde_preprocessors = [
    GuardedExecute, CollectFindings, VerifyResults, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    SanitizeLearnerContent, SaveAutoGrades, AssignLatePenalties,
    "dnn_course.grading.late.RecordGrade", CheckCellMetadata,
]
# Late submissions (docs/deadlines.md): the due date is nbgrader's (`dnn-course due`),
# extensions are in extensions.csv (`dnn-course extend`). No penalty within the grace
# period, then 10 % of the score per started day late, and 0 after 3 days.
# "none" turns penalties off; `dnn-course late` applies a changed policy to the class.
c.AssignLatePenalties.plugin_class = "dnn_course.grading.late.CourseLatePenalty"
c.CourseLatePenalty.policy = "grace 15m, 10% per started day, max 3 days"
# Every submission's kernel runs in the course sandbox (dnn_course/sandbox/:
# no network, no view of the course folder but its own working copy, memory and
# CPU caps, its own process tree). It talks to the grader over unix sockets,
# since its network is cut off. Validation of the source notebook (instructors)
# keeps the plain python3 kernel set above.
from dnn_course.sandbox.ipc import ipc_prefix  # noqa: E402

c.GuardedExecute.kernel_name = "dnn-course-sandbox"
# Each kernel's limits (the grading re-run outside the kernel gets the same), and
# whether a kernel may start where the sandbox's isolation is unavailable (it then
# warns and applies the limits only). DNN_COURSE_MEMORY_MB, _CPU_SECONDS, _FILE_MB,
# _MAX_PROCS and DNN_COURSE_REQUIRE_SANDBOX override them (docs/configuration.md).
from dnn_course.sandbox.settings import env_overrides  # noqa: E402

c.SandboxSettings.memory_mb = 4096
c.SandboxSettings.cpu_seconds = 1800
c.SandboxSettings.file_mb = 1024
c.SandboxSettings.max_procs = 256
c.SandboxSettings.require_sandbox = False
for _name, _value in env_overrides().items():
    c.SandboxSettings[_name] = _value
c.KernelManager.transport = "ipc"
c.KernelManager.ip = ipc_prefix()
c.GuardedExecute.test_cell_timeout = 30
c.GuardedExecute.after_timeout = 5
c.GuardedExecute.submission_timeout = 1200
# Cells tagged skip-when-grading in the source (the trainings and what only
# uses their results) keep the learner's own outputs instead of running again,
# unless a cell the learner wrote could depend on them (dnn_course/preprocessors/skip.py).
# False runs all (`dnn-course grade --full-run` sets it for one command;
# DNN_COURSE_FULL_RUN=1 overrides it here, for plain nbgrader too).
from dnn_course.course.settings import full_run_requested  # noqa: E402

c.GuardedExecute.skip_marked_cells = not full_run_requested()
c.Execute.error_on_timeout = {
    "ename": "CellTimeoutError",
    "evalue": "this cell ran longer than its time limit and was stopped; look for a loop "
              "that never ends (or one that runs far more iterations than asked)",
    "traceback": ["CellTimeoutError: this cell ran longer than its time limit and was stopped"],
}

# Feedback (nbgrader generate_feedback and dnn-course feedback alike): hidden
# tests and what they printed are removed and errors cut to their one-line
# message, so no hidden test reaches a learner (nbgrader shows them by default:
# jupyter/nbgrader#917); FeedbackPage then puts a summary of the failed tests
# (score, reason, first wrong step) at the top and makes the page fit 1024 px.
FeedbackPage = "dnn_course.preprocessors.feedback_page.FeedbackPage"
OfflineMathHTMLExporter = "dnn_course.preprocessors.feedback_math.OfflineMathHTMLExporter"

# SanitizeLearnerContent first: notebooks autograded before it existed are
# cleaned here too (and a cleaned one is left as it is).
c.GenerateFeedback.preprocessors = [SanitizeLearnerContent, HideHiddenTests, GetGrades,
                                    CSSHTMLHeaderPreprocessor, FeedbackPage]
# FeedbackPage writes the formulas as MathML: the page is written without the
# MathJax it would load from a CDN (no formulas as raw TeX offline).
c.GenerateFeedback.exporter_class = OfflineMathHTMLExporter
# The feedback exporter is an HTMLExporter too: it must not inherit the grading
# view's preprocessors below, which would write MathML before the feedback's own
# SanitizeLearnerContent (whose allow-list has no MathML) runs. The feedback's
# steps above already clean first and write the formulas last (FeedbackPage).
c.OfflineMathHTMLExporter.preprocessors = []
# Formgrader's grading view renders autograded notebooks with an HTMLExporter
# built from this configuration: it cleans what it shows first (notebooks
# autograded before SanitizeLearnerContent existed are not clean).
# The formgrader's grading page (nbgrader's formgrade template) loads MathJax from
# a CDN too: its HTMLExporter gets the formulas as MathML first, so offline they
# read as formulas instead of raw TeX (online MathJax finds no TeX left to set).
c.HTMLExporter.preprocessors = [SanitizeLearnerContent,
                                "dnn_course.preprocessors.feedback_math.MarkdownMathML"]
# The formgrader's debug panel (Manage Assignments) dumps the whole server
# configuration as JSON on every load; jupyter_server's own extension list
# (ServerApp.jpserver_extensions, merged from jupyter_server_config.d) is a
# LazyConfigValue JSON cannot write, so it logged "Formgrader config is not
# serializable" each time even with this file plain JSON. The course's settings
# are all in this file: the panel is off.
c.FormgradeExtension.debug = False

# The exchange (nbgrader's release/fetch/submit between accounts) is not used:
# submissions come from the LMS (dnn-course collect). nbgrader's JupyterLab
# extensions still look for it, and its default /usr/local/share/nbgrader/exchange
# is missing or unwritable on most machines ("[C] Unwritable directory" at every
# start), so the course keeps an empty one of its own, exchange/ (git-ignored).
c.Exchange.root = os.path.join(c.CourseDirectory.root, "exchange")
try:
    os.makedirs(c.Exchange.root, exist_ok=True)
except OSError:  # a read-only course folder: nbgrader then says so itself
    pass
