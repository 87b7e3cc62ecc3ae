/* Compiled inner loops for the input layer's three products.
 *
 * Nearly all of a training run is spent on W1 @ X, dZ1 @ X.T and W1.T @ dZ1,
 * where X is 12288 x 209 and W1 has only 7 or 20 rows. General BLAS kernels
 * are tuned for big square blocks and copy ("pack") all of X on every call;
 * these loops read X once per product, keep a small block of the result in
 * vector registers, and run 2-3x faster on such skinny shapes.
 *
 * The module is optional: setup.py builds it when a C compiler is there, and
 * dnn_app_utils/_fast.py falls back to numpy when it is missing. The loops
 * themselves are in _kernels_impl.h, compiled here once per instruction set
 * (AVX-512, AVX2+FMA, plain); the best one this CPU runs is chosen at import.
 *
 * Python API (buffers are C-contiguous float64; sizes are checked against
 * them, so a wrong call raises ValueError instead of touching other memory;
 * `threads` threads share the work, see _kernels_pool.h):
 *   affine(W, Xt, b, Z, n, K, m, threads)      Z = W @ Xt.T + b
 *   grad_w(dZ, Xt, dW, scale, n, K, m, threads) dW = scale * dZ @ Xt
 *   grad_a(W, dZ, dAt, n, K, m, threads)        dAt = dZ.T @ W
 *   variant, variants: the instruction set in use, and all this CPU runs.
 *   use(name): switch to another of `variants` (tests compare them).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "_kernels_pool.h"

#define COLS3(X, R) X(R, 1) X(R, 2) X(R, 3)
#define COLS4(X, R) COLS3(X, R) X(R, 4)
#define ROWS3(X, COLS) COLS(X, 1) COLS(X, 2) COLS(X, 3)
#define ROWS4(X, COLS) ROWS3(X, COLS) COLS(X, 4)
#define ROWS7(X, COLS) ROWS4(X, COLS) COLS(X, 5) COLS(X, 6) COLS(X, 7)

/* plain: SSE2 on x86-64, NEON on arm64, whatever the compiler targets elsewhere */
#define SUFFIX generic
#define TARGET
#ifdef __FP_FAST_FMA
#define FMA 1
#else
#define FMA 0
#endif
#define VW 2
#define AR 3
#define AC 3
#define WR 3
#define WC 3
#define JR 3
#define CV 3
#define FOR_AFFINE_BLOCKS(X) ROWS3(X, COLS3)
#define FOR_GRAD_W_BLOCKS(X) ROWS3(X, COLS3)
#define FOR_GRAD_A_BLOCKS(X) ROWS3(X, COLS3)
#include "_kernels_impl.h"
#undef SUFFIX
#undef TARGET
#undef FMA
#undef VW

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_X86_VARIANTS 1
/* AVX2 + FMA: 16 vector registers, so the same 3 x 3 blocks */
#define SUFFIX avx2
#define TARGET __attribute__((target("avx2,fma")))
#define FMA 1
#define VW 4
#include "_kernels_impl.h"
#undef SUFFIX
#undef TARGET
#undef FMA
#undef VW
#undef AR
#undef AC
#undef WR
#undef WC
#undef JR
#undef CV
#undef FOR_AFFINE_BLOCKS
#undef FOR_GRAD_W_BLOCKS
#undef FOR_GRAD_A_BLOCKS

/* AVX-512: 32 registers hold 7 x 3 accumulators (7 hidden units: one block) */
#define SUFFIX avx512
#define TARGET __attribute__((target("avx512f,avx2,fma")))
#define FMA 1
#define VW 8
#define AR 7
#define AC 4
#define WR 7
#define WC 3
#define JR 4
#define CV 4
#define FOR_AFFINE_BLOCKS(X) ROWS7(X, COLS4)
#define FOR_GRAD_W_BLOCKS(X) ROWS7(X, COLS3)
#define FOR_GRAD_A_BLOCKS(X) ROWS4(X, COLS4)
#include "_kernels_impl.h"
#endif

typedef void (*pack_fn)(const double *, double *, ptrdiff_t, ptrdiff_t);
typedef void (*affine_fn)(const double *, const double *, const double *, const double *,
                          double *, double *, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t,
                          ptrdiff_t);
typedef void (*grad_w_fn)(const double *, const double *, double *, double,
                          ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);
typedef void (*grad_a_fn)(const double *, const double *, double *,
                          ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t, ptrdiff_t);

typedef struct {
    const char *name;
    pack_fn pack_w;
    affine_fn affine;
    grad_w_fn grad_w;
    grad_a_fn grad_a;
} variant_t;

/* best first */
static const variant_t VARIANTS[] = {
#ifdef HAVE_X86_VARIANTS
    {"avx512", pack_w_avx512, affine_avx512, grad_w_avx512, grad_a_avx512},
    {"avx2", pack_w_avx2, affine_avx2, grad_w_avx2, grad_a_avx2},
#endif
    {"generic", pack_w_generic, affine_generic, grad_w_generic, grad_a_generic},
};
#define N_VARIANTS ((int)(sizeof(VARIANTS) / sizeof(VARIANTS[0])))

static const variant_t *current = NULL;

static int runs_here(const variant_t *v)
{
#ifdef HAVE_X86_VARIANTS
    __builtin_cpu_init();
    if (v->affine == affine_avx512) return __builtin_cpu_supports("avx512f");
    if (v->affine == affine_avx2)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    (void)v;
    return 1;
}

/* ------------------------------------------------------------ argument checks */
static int check_buffer(Py_buffer *buf, const char *name, Py_ssize_t rows, Py_ssize_t cols)
{
    if (buf->len != rows * cols * (Py_ssize_t)sizeof(double)) {
        PyErr_Format(PyExc_ValueError,
                     "_kernels: %s holds %zd bytes, expected %zd x %zd float64 (%zd bytes)",
                     name, buf->len, rows, cols, rows * cols * (Py_ssize_t)sizeof(double));
        return 0;
    }
    return 1;
}

static int check_sizes(Py_ssize_t n, Py_ssize_t K, Py_ssize_t m)
{
    if (n < 1 || K < 1 || m < 1) {
        PyErr_Format(PyExc_ValueError, "_kernels: sizes must be positive, got n=%zd K=%zd m=%zd",
                     n, K, m);
        return 0;
    }
    return 1;
}

/* ------------------------------------------------------------ jobs for the pool */
/* Pieces per thread: more pieces, less to wait for when a helper thread is
 * late (at most one piece); but every piece of affine reads all of W (2 MB,
 * from the L3 cache), so affine takes fewer. Measured on 2 cores, n = 20:
 * affine 1.53 ms with 4 pieces a thread, 1.40 with 2, 1.34 with 1. */
#define AFFINE_PIECES 2
#define GRAD_W_PIECES 4
#define GRAD_A_PIECES 2

typedef struct {
    const variant_t *v;
    const double *W, *Wp, *X, *b, *dZ;
    double *out, scale;
    ptrdiff_t n, K, m, pieces, span;    /* span: the sliced dimension */
    ptrdiff_t head;                     /* inputs before the rows read are line-aligned */
    int failed;                         /* a piece could not get memory */
} job_t;

/* Edges of piece p of `span` items, multiples of `unit` except the last. */
static void slice(const job_t *job, ptrdiff_t p, ptrdiff_t unit, ptrdiff_t *lo, ptrdiff_t *hi)
{
    ptrdiff_t units = (job->span + unit - 1) / unit;
    *lo = units * p / job->pieces * unit;
    *hi = units * (p + 1) / job->pieces * unit;
    if (*lo > job->span) *lo = job->span;
    if (*hi > job->span) *hi = job->span;
}

static void affine_piece(void *ctx, ptrdiff_t p)
{
    job_t *j = ctx;
    ptrdiff_t lo, hi;
    slice(j, p, 1, &lo, &hi);
    if (lo >= hi) return;
    /* n * (hi - lo) vector sums of up to 8 doubles; 64-byte aligned */
    double *part = aligned_alloc(64, (size_t)(j->n * (hi - lo)) * 64);
    if (part == NULL) {                       /* out of memory: numpy's result would not fit either */
        __atomic_store_n(&j->failed, 1, __ATOMIC_RELAXED);
        return;
    }
    j->v->affine(j->W, j->Wp, j->X, j->b, j->out, part, j->n, j->K, j->m, lo, hi);
    free(part);
}

/* grad_w and grad_a read the rows of X or W along k; a vector load that
 * straddles two cache lines costs two, and numpy's arrays usually start 16
 * bytes past a line. So both take their vectors from the first line-aligned
 * input on and do the `head` before it one input at a time. Each element they
 * write is a sum over the examples (grad_w) or units (grad_a) in order, in a
 * vector lane or alone alike, so the result does not depend on where the
 * arrays lie in memory. */
static ptrdiff_t line_head(const double *rows, ptrdiff_t K)
{
    if ((K * sizeof(double)) % 64 != 0) return 0;        /* rows not all alike */
    ptrdiff_t head = (ptrdiff_t)((64 - (uintptr_t)rows % 64) % 64 / sizeof(double));
    return head < K ? head : K;
}

/* grad_w slices the inputs after the head (whole register blocks from there
 * on, so line-aligned ones); piece 0 also does the head. */
static void grad_w_piece(void *ctx, ptrdiff_t p)
{
    const job_t *j = ctx;
    ptrdiff_t lo, hi;
    slice(j, p, 48, &lo, &hi);          /* whole register blocks of every variant */
    lo += j->head;
    hi += j->head;
    if (p == 0 && j->head > 0)
        j->v->grad_w(j->dZ, j->X, j->out, j->scale, j->n, j->K, j->m, 0, j->head);
    if (lo < hi) j->v->grad_w(j->dZ, j->X, j->out, j->scale, j->n, j->K, j->m, lo, hi);
}

static void grad_a_piece(void *ctx, ptrdiff_t p)
{
    const job_t *j = ctx;
    ptrdiff_t lo, hi;
    slice(j, p, 1, &lo, &hi);
    if (lo < hi) j->v->grad_a(j->W, j->dZ, j->out, j->n, j->K, j->m, lo, hi, j->head);
}

static void run(piece_fn fn, job_t *job, int threads, int pieces_per_thread)
{
    if (threads < 1) threads = 1;
    if (threads > POOL_MAX_THREADS) threads = POOL_MAX_THREADS;
    job->v = current;
    job->pieces = threads == 1 ? 1 : (ptrdiff_t)threads * pieces_per_thread;
    Py_BEGIN_ALLOW_THREADS
    pool_run(fn, job, job->pieces, threads);
    Py_END_ALLOW_THREADS
}

/* ------------------------------------------------------------ W's packing buffer */
/* The buffer W is packed into is kept from one call to the next: a fresh
 * 2 MB block from malloc arrives as new pages from the operating system, and
 * faulting them in cost more (~0.5 ms a call) than the packing itself. One
 * spare is kept (up to SPARE_MAX doubles); a caller that finds it taken, by
 * another thread, allocates its own. Only memory is reused, never a value:
 * pack_w writes every element that affine reads. */
#define SPARE_MAX (4 << 20)          /* 32 MB */

typedef struct {
    size_t cap;
    double data[] __attribute__((aligned(64)));  /* whole cache lines per vector */
} scratch_t;

static scratch_t *spare;             /* touched only by atomic exchanges */

static scratch_t *scratch_take(size_t len)
{
    scratch_t *s = __atomic_exchange_n(&spare, NULL, __ATOMIC_ACQ_REL);
    if (s != NULL && s->cap >= len) return s;
    free(s);                         /* too small (or none): a new one */
    s = aligned_alloc(64, (sizeof(scratch_t) + len * sizeof(double) + 63) / 64 * 64);
    if (s != NULL) s->cap = len;
    return s;
}

static void scratch_give(scratch_t *s)
{
    if (s != NULL && s->cap <= SPARE_MAX)
        s = __atomic_exchange_n(&spare, s, __ATOMIC_ACQ_REL);
    free(s);                         /* the one replaced, or one too big to keep */
}

/* ------------------------------------------------------------ Python functions */
static PyObject *py_affine(PyObject *self, PyObject *args)
{
    Py_buffer W, Xt, b, Z;
    Py_ssize_t n, K, m;
    int threads;
    if (!PyArg_ParseTuple(args, "y*y*y*w*nnni", &W, &Xt, &b, &Z, &n, &K, &m, &threads))
        return NULL;
    int ok = check_sizes(n, K, m) && check_buffer(&W, "W", n, K) &&
             check_buffer(&Xt, "Xt", m, K) && check_buffer(&b, "b", n, 1) &&
             check_buffer(&Z, "Z", n, m);
    scratch_t *Wp = NULL;
    if (ok && (Wp = scratch_take((size_t)(n * K))) == NULL) {
        PyErr_NoMemory();
        ok = 0;
    }
    if (ok) {
        job_t job = {.W = W.buf, .Wp = Wp->data, .X = Xt.buf, .b = b.buf, .out = Z.buf,
                     .n = n, .K = K, .m = m, .span = m};
        Py_BEGIN_ALLOW_THREADS
        current->pack_w(W.buf, Wp->data, n, K);
        Py_END_ALLOW_THREADS
        run(affine_piece, &job, threads, AFFINE_PIECES);
        if (job.failed) {
            PyErr_NoMemory();
            ok = 0;
        }
    }
    scratch_give(Wp);
    PyBuffer_Release(&W);
    PyBuffer_Release(&Xt);
    PyBuffer_Release(&b);
    PyBuffer_Release(&Z);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_grad_w(PyObject *self, PyObject *args)
{
    Py_buffer dZ, Xt, dW;
    double scale;
    Py_ssize_t n, K, m;
    int threads;
    if (!PyArg_ParseTuple(args, "y*y*w*dnnni", &dZ, &Xt, &dW, &scale, &n, &K, &m, &threads))
        return NULL;
    int ok = check_sizes(n, K, m) && check_buffer(&dZ, "dZ", n, m) &&
             check_buffer(&Xt, "Xt", m, K) && check_buffer(&dW, "dW", n, K);
    if (ok) {
        ptrdiff_t head = line_head(Xt.buf, K);
        job_t job = {.dZ = dZ.buf, .X = Xt.buf, .out = dW.buf, .scale = scale,
                     .n = n, .K = K, .m = m, .span = K - head, .head = head};
        run(grad_w_piece, &job, threads, GRAD_W_PIECES);
    }
    PyBuffer_Release(&dZ);
    PyBuffer_Release(&Xt);
    PyBuffer_Release(&dW);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_grad_a(PyObject *self, PyObject *args)
{
    Py_buffer W, dZ, dAt;
    Py_ssize_t n, K, m;
    int threads;
    if (!PyArg_ParseTuple(args, "y*y*w*nnni", &W, &dZ, &dAt, &n, &K, &m, &threads))
        return NULL;
    int ok = check_sizes(n, K, m) && check_buffer(&W, "W", n, K) &&
             check_buffer(&dZ, "dZ", n, m) && check_buffer(&dAt, "dAt", m, K);
    if (ok) {
        job_t job = {.W = W.buf, .dZ = dZ.buf, .out = dAt.buf,
                     .n = n, .K = K, .m = m, .span = m, .head = line_head(W.buf, K)};
        run(grad_a_piece, &job, threads, GRAD_A_PIECES);
    }
    PyBuffer_Release(&W);
    PyBuffer_Release(&dZ);
    PyBuffer_Release(&dAt);
    if (!ok) return NULL;
    Py_RETURN_NONE;
}

static PyObject *variant_names(void)
{
    PyObject *names = PyList_New(0);
    if (names == NULL) return NULL;
    for (int i = 0; i < N_VARIANTS; i++) {
        if (!runs_here(&VARIANTS[i])) continue;
        PyObject *s = PyUnicode_FromString(VARIANTS[i].name);
        if (s == NULL || PyList_Append(names, s) < 0) {
            Py_XDECREF(s);
            Py_DECREF(names);
            return NULL;
        }
        Py_DECREF(s);
    }
    return names;
}

static PyObject *py_use(PyObject *self, PyObject *args)
{
    const char *name;
    if (!PyArg_ParseTuple(args, "s", &name)) return NULL;
    for (int i = 0; i < N_VARIANTS; i++) {
        if (strcmp(VARIANTS[i].name, name) == 0 && runs_here(&VARIANTS[i])) {
            current = &VARIANTS[i];
            PyObject *s = PyUnicode_FromString(name);
            int failed = s == NULL || PyObject_SetAttrString(self, "variant", s) < 0;
            Py_XDECREF(s);
            if (failed) return NULL;
            Py_RETURN_NONE;
        }
    }
    PyObject *names = variant_names();
    if (names == NULL) return NULL;
    PyErr_Format(PyExc_ValueError, "_kernels: no variant '%s' on this CPU; it runs %R",
                 name, names);
    Py_DECREF(names);
    return NULL;
}

static PyMethodDef METHODS[] = {
    {"affine", py_affine, METH_VARARGS, "affine(W, Xt, b, Z, n, K, m, threads): Z = W @ Xt.T + b"},
    {"grad_w", py_grad_w, METH_VARARGS,
     "grad_w(dZ, Xt, dW, scale, n, K, m, threads): dW = scale * dZ @ Xt"},
    {"grad_a", py_grad_a, METH_VARARGS, "grad_a(W, dZ, dAt, n, K, m, threads): dAt = dZ.T @ W"},
    {"use", py_use, METH_VARARGS, "use(name): switch to another instruction set"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef MODULE = {
    PyModuleDef_HEAD_INIT, "_kernels",
    "Compiled inner loops for the input layer's products (see _kernels.c).", -1, METHODS,
};

PyMODINIT_FUNC PyInit__kernels(void)
{
    PyObject *mod = PyModule_Create(&MODULE);
    if (mod == NULL) return NULL;
    for (int i = 0; i < N_VARIANTS && current == NULL; i++)
        if (runs_here(&VARIANTS[i])) current = &VARIANTS[i];
    PyObject *names = variant_names();
    if (names == NULL || PyModule_AddObject(mod, "variants", names) < 0 ||
        PyModule_AddStringConstant(mod, "variant", current->name) < 0) {
        Py_XDECREF(names);
        Py_DECREF(mod);
        return NULL;
    }
    return mod;
}
