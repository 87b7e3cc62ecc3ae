"""The course's facts, said once: model names, layer sizes, data files, environment variables.

Everything in ``dnn_course`` that needs one of these imports it from here.
The data file names and ``DNN_APP_DATA`` belong to the learners' helper library
(``dnn_app_utils``) and the model names to ``public_tests``: learners get those
packages without this one, so they are re-exported from there, never spelled again.
"""
from dnn_app_utils.speed import BLAS_THREADS_ENV, KERNELS_ENV, THREADS_ENV
from dnn_app_utils.data import DATA_ENV, SYNTHETIC, TEST_FILE, TRAIN_FILE
from dnn_app_utils.synthetic import CACHE_ENV
from public_tests import L_LAYER as L_LAYER_MODEL, TWO_LAYER as TWO_LAYER_MODEL
from public_tests.cell import COURSE_RUN

# The two functions learners write (the graded solution cells carry these grade ids;
# named in public_tests, which learners get too).
MODELS = (TWO_LAYER_MODEL, L_LAYER_MODEL)

# The course's networks: 64x64x3 images flattened, one output unit.
# (The sizes the test cells train with are public_tests' and learners get them: said there.)
TWO_LAYER_DIMS = tuple(COURSE_RUN[TWO_LAYER_MODEL][0])
L_LAYER_DIMS = tuple(COURSE_RUN[L_LAYER_MODEL][0])
N_X = TWO_LAYER_DIMS[0]
LAYER_DIMS = {TWO_LAYER_MODEL: TWO_LAYER_DIMS, L_LAYER_MODEL: L_LAYER_DIMS}

# The course data: two h5 files in one folder (DNN_APP_DATA, or "synthetic").
DATA_FILES = (TRAIN_FILE, TEST_FILE)

# Environment variables the course reads.
# THREADS_ENV (DNN_APP_THREADS: threads per big product), BLAS_THREADS_ENV,
# KERNELS_ENV and CACHE_ENV (the synthetic data's cache) are dnn_app_utils', imported above.
FULL_RUN_ENV = "DNN_COURSE_FULL_RUN"         # grading re-runs every cell (skip.py)
REQUIRE_SANDBOX_ENV = "DNN_COURSE_REQUIRE_SANDBOX"  # refuse kernels without full isolation
PASS_ENV_ENV = "DNN_COURSE_PASS_ENV"         # extra variables the sandboxed kernel gets
MEMORY_ENV = "DNN_COURSE_MEMORY_MB"          # sandbox limits, see sandbox/limits.py
CPU_ENV = "DNN_COURSE_CPU_SECONDS"
FILE_SIZE_ENV = "DNN_COURSE_FILE_MB"
MAX_PROCS_ENV = "DNN_COURSE_MAX_PROCS"

__all__ = ["DATA_ENV", "SYNTHETIC", "TRAIN_FILE", "TEST_FILE", "DATA_FILES", "TWO_LAYER_MODEL",
           "L_LAYER_MODEL", "MODELS", "N_X", "TWO_LAYER_DIMS", "L_LAYER_DIMS", "LAYER_DIMS",
           "THREADS_ENV", "BLAS_THREADS_ENV", "KERNELS_ENV", "CACHE_ENV", "FULL_RUN_ENV", "REQUIRE_SANDBOX_ENV",
           "PASS_ENV_ENV", "MEMORY_ENV", "CPU_ENV", "FILE_SIZE_ENV", "MAX_PROCS_ENV"]
