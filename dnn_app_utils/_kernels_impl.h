/* The three input-layer products for one vector width; included by _kernels.c
 * once per instruction set, with these macros set:
 *   SUFFIX       name suffix of the functions (avx512, avx2, generic)
 *   TARGET       function attribute selecting the instruction set (may be empty)
 *   VW           doubles per vector register (8, 4 or 2)
 *   MAXR, MAXC   register block of affine and grad_w: rows x column vectors
 *   JR, CV       register block of grad_a: examples x vectors of inputs
 *
 * Shapes, all C order, float64:
 *   W (n, K)   Xt (m, K) = X.T of an F-order X   b (n,)   dZ (n, m)
 *   affine:  Z (n, m)   Z[i, j]  = sum_k W[i, k] Xt[j, k] + b[i]
 *   grad_w:  dW (n, K)  dW[i, k] = scale * sum_j dZ[i, j] Xt[j, k]
 *   grad_a:  dAt (m, K) dAt[j, k] = sum_i dZ[i, j] W[i, k]    (dA = dAt.T)
 * Each function fills only its slice (columns j0:j1 of Z, k0:k1 of dW, rows
 * j0:j1 of dAt), so threads given disjoint slices never write the same place.
 * Every element is summed in an order that depends on its position only, not
 * on the slice, so the result does not depend on the number of threads.
 */
#define CAT2(a, b) a##_##b
#define CAT(a, b) CAT2(a, b)
#define NAME(x) CAT(x, SUFFIX)
#define vd NAME(vd)
#define vdu NAME(vdu)

typedef double vd __attribute__((vector_size(VW * 8)));
typedef double vdu __attribute__((vector_size(VW * 8), aligned(8)));  /* unaligned access */

#define LD(p) (*(const vdu *)(p))
#define ST(p, v) (*(vdu *)(p) = (v))
#define INLINE static inline __attribute__((always_inline)) TARGET

/* Columns of X are streamed in chunks of KC inputs, so the rows of W they
 * meet (n x KC doubles) stay in the core's L2 cache. */
#define KC 4096

INLINE double NAME(hsum)(vd v)
{
    double s = 0;
    for (int l = 0; l < VW; l++) s += v[l];
    return s;
}

/* ---------------------------------------------------------------- affine */
INLINE void NAME(affine_block)(const double *W, const double *Xt, const double *b, double *Z,
                               ptrdiff_t K, ptrdiff_t m, ptrdiff_t i0, ptrdiff_t j0,
                               ptrdiff_t ka, ptrdiff_t kb, const int R, const int C)
{
    vd acc[MAXR][MAXC];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c] = (vd){0};
    ptrdiff_t kv = kb - (kb - ka) % VW;
    for (ptrdiff_t k = ka; k < kv; k += VW) {
        vd x[MAXC];
        for (int c = 0; c < C; c++) x[c] = LD(Xt + (j0 + c) * K + k);
        for (int r = 0; r < R; r++) {
            vd w = LD(W + (i0 + r) * K + k);
            for (int c = 0; c < C; c++) acc[r][c] += w * x[c];
        }
    }
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) {
            double s = NAME(hsum)(acc[r][c]);
            for (ptrdiff_t t = kv; t < kb; t++) s += W[(i0 + r) * K + t] * Xt[(j0 + c) * K + t];
            double *z = Z + (i0 + r) * m + j0 + c;
            *z = ka == 0 ? s : *z + s;
            if (kb == K) *z += b[i0 + r];
        }
}

#define AFFINE_CASE(RR, CC) \
    case RR * 16 + CC: NAME(affine_block)(W, Xt, b, Z, K, m, i, j, ka, kb, RR, CC); break;

static TARGET void NAME(affine)(const double *W, const double *Xt, const double *b, double *Z,
                                ptrdiff_t n, ptrdiff_t K, ptrdiff_t m, ptrdiff_t j0, ptrdiff_t j1)
{
    ptrdiff_t blocks = (n + MAXR - 1) / MAXR;
    for (ptrdiff_t ka = 0; ka < K; ka += KC) {
        ptrdiff_t kb = ka + KC < K ? ka + KC : K;
        for (ptrdiff_t j = j0; j < j1; j += MAXC) {
            int C = j1 - j < MAXC ? (int)(j1 - j) : MAXC;
            for (ptrdiff_t q = 0; q < blocks; q++) {
                ptrdiff_t i = n * q / blocks;
                int R = (int)(n * (q + 1) / blocks - i);
                switch (R * 16 + C) {
                    FOR_BLOCKS(AFFINE_CASE)
                }
            }
        }
    }
}

/* ---------------------------------------------------------------- grad_w */
INLINE void NAME(grad_w_block)(const double *dZ, const double *Xt, double *dW, double scale,
                               ptrdiff_t K, ptrdiff_t m, ptrdiff_t i0, ptrdiff_t k,
                               const int R, const int C)
{
    vd acc[MAXR][MAXC];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c] = (vd){0};
    for (ptrdiff_t j = 0; j < m; j++) {
        vd x[MAXC];
        for (int c = 0; c < C; c++) x[c] = LD(Xt + j * K + k + c * VW);
        for (int r = 0; r < R; r++) {
            double d = dZ[(i0 + r) * m + j];
            for (int c = 0; c < C; c++) acc[r][c] += d * x[c];
        }
    }
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) ST(dW + (i0 + r) * K + k + c * VW, acc[r][c] * scale);
}

#define GRAD_W_CASE(RR, CC) \
    case RR * 16 + CC: NAME(grad_w_block)(dZ, Xt, dW, scale, K, m, i, k, RR, CC); break;

static TARGET void NAME(grad_w)(const double *dZ, const double *Xt, double *dW, double scale,
                                ptrdiff_t n, ptrdiff_t K, ptrdiff_t m, ptrdiff_t k0, ptrdiff_t k1)
{
    ptrdiff_t blocks = (n + MAXR - 1) / MAXR;
    ptrdiff_t k = k0;
    while (k + VW <= k1) {
        ptrdiff_t vectors = (k1 - k) / VW;
        int C = vectors < MAXC ? (int)vectors : MAXC;
        for (ptrdiff_t q = 0; q < blocks; q++) {
            ptrdiff_t i = n * q / blocks;
            int R = (int)(n * (q + 1) / blocks - i);
            switch (R * 16 + C) {
                FOR_BLOCKS(GRAD_W_CASE)
            }
        }
        k += (ptrdiff_t)C * VW;
    }
    for (; k < k1; k++)          /* the last k1 - k0 mod VW inputs, one lane at a time */
        for (ptrdiff_t i = 0; i < n; i++) {
            double s = 0;
            for (ptrdiff_t j = 0; j < m; j++) s += dZ[i * m + j] * Xt[j * K + k];
            dW[i * K + k] = s * scale;
        }
}

/* ---------------------------------------------------------------- grad_a */
INLINE void NAME(grad_a_block)(const double *W, const double *dZ, double *dAt,
                               ptrdiff_t n, ptrdiff_t K, ptrdiff_t m, ptrdiff_t j, ptrdiff_t k,
                               const int J, const int C)
{
    vd acc[JR][CV];
    for (int r = 0; r < J; r++)
        for (int c = 0; c < C; c++) acc[r][c] = (vd){0};
    for (ptrdiff_t i = 0; i < n; i++) {
        vd w[CV];
        for (int c = 0; c < C; c++) w[c] = LD(W + i * K + k + c * VW);
        for (int r = 0; r < J; r++) {
            double d = dZ[i * m + j + r];
            for (int c = 0; c < C; c++) acc[r][c] += d * w[c];
        }
    }
    for (int r = 0; r < J; r++)
        for (int c = 0; c < C; c++) ST(dAt + (j + r) * K + k + c * VW, acc[r][c]);
}

#define GRAD_A_CASE(JJ, CC) \
    case JJ * 16 + CC: NAME(grad_a_block)(W, dZ, dAt, n, K, m, j, k, JJ, CC); break;

static TARGET void NAME(grad_a)(const double *W, const double *dZ, double *dAt,
                                ptrdiff_t n, ptrdiff_t K, ptrdiff_t m, ptrdiff_t j0, ptrdiff_t j1)
{
    ptrdiff_t kv = K - K % VW;
    for (ptrdiff_t ka = 0; ka < kv; ka += KC) {
        ptrdiff_t kb = ka + KC < kv ? ka + KC : kv;
        for (ptrdiff_t j = j0; j < j1; j += JR) {
            int J = j1 - j < JR ? (int)(j1 - j) : JR;
            for (ptrdiff_t k = ka; k < kb;) {
                ptrdiff_t vectors = (kb - k) / VW;
                int C = vectors < CV ? (int)vectors : CV;
                switch (J * 16 + C) {
                    FOR_GRAD_A_BLOCKS(GRAD_A_CASE)
                }
                k += (ptrdiff_t)C * VW;
            }
        }
    }
    for (ptrdiff_t j = j0; j < j1; j++)      /* the last K mod VW inputs */
        for (ptrdiff_t k = kv; k < K; k++) {
            double s = 0;
            for (ptrdiff_t i = 0; i < n; i++) s += dZ[i * m + j] * W[i * K + k];
            dAt[j * K + k] = s;
        }
}

#undef AFFINE_CASE
#undef GRAD_W_CASE
#undef GRAD_A_CASE
#undef INLINE
#undef KC
#undef LD
#undef ST
#undef vd
#undef vdu
#undef NAME
#undef CAT
#undef CAT2
