/* The three input-layer products for one vector width; included by _kernels.c
 * once per instruction set, with these macros set:
 *   SUFFIX       name suffix of the functions (avx512, avx2, generic)
 *   TARGET       function attribute selecting the instruction set (may be empty)
 *   VW           doubles per vector register (8, 4 or 2)
 *   AR, AC       register block of affine: units x examples
 *   WR, WC       register block of grad_w: units x vectors of inputs
 *   JR, CV       register block of grad_a: examples x vectors of inputs
 *   FOR_AFFINE_BLOCKS, FOR_GRAD_W_BLOCKS, FOR_GRAD_A_BLOCKS: X-macros listing
 *                every block size up to those, for the switch statements
 * A block of accumulators plus the vectors loaded per step must fit in the
 * vector registers (32 for AVX-512, 16 otherwise), or the compiler spills
 * accumulators to the stack and the loop runs at half speed.
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

#define L1_DOUBLES 4096          /* 32 KB: most of a core's L1 data cache */

/* acc + a * b as a vector lane computes it: fused where the instruction set
 * has FMA (the compiler fuses the vector loops there). Sums done one input at
 * a time (the heads and tails of rows) then match their lanes bit for bit. */
#if FMA
#define MADD(acc, a, b) __builtin_fma((a), (b), (acc))
#else
#define MADD(acc, a, b) ((acc) + (a) * (b))
#endif

INLINE double NAME(hsum)(vd v)
{
    double s = 0;
    for (int l = 0; l < VW; l++) s += v[l];
    return s;
}

/* ---------------------------------------------------------------- affine */
/* Z[i, j] is a dot product of row i of W and row j of Xt. A block of R units
 * x C examples keeps R*C vector sums in registers while it walks along the
 * inputs k. The inputs are walked in chunks of AKC: for one chunk, a block of
 * R rows of W (R * AKC doubles) stays in the L1 cache while every example of
 * the slice passes by, so W is read from memory once per call and X once per
 * block of units. The vector sums carry over from chunk to chunk in `part`
 * (R x C vectors per block, in the order the blocks are visited); only at the
 * end are the lanes added up, so the order of the additions for an element
 * does not depend on the chunk size or the slice.
 *
 * W is first copied ("packed") so that a block of R rows over one chunk lies
 * in one run, vector by vector: Wp[t][r][0:VW] holds
 * W[i0 + r, ka + t*VW : ka + (t+1)*VW]; the loop then reads W through one
 * pointer instead of R, which leaves the registers to the sums. The block
 * (chunk ka, rows i0..) starts at Wp + ka * n + i0 * (kb - ka). The last
 * K mod VW inputs are added one by one from W itself. */
#define AKC 512

static TARGET void NAME(pack_w)(const double *W, double *Wp, ptrdiff_t n, ptrdiff_t K)
{
    ptrdiff_t blocks = (n + AR - 1) / AR, kv = K - K % VW;
    for (ptrdiff_t ka = 0; ka < kv; ka += AKC) {
        ptrdiff_t kb = ka + AKC < kv ? ka + AKC : kv;
        for (ptrdiff_t q = 0; q < blocks; q++) {
            ptrdiff_t i0 = n * q / blocks, R = n * (q + 1) / blocks - i0;
            double *dst = Wp + ka * n + i0 * (kb - ka);
            for (ptrdiff_t k = ka; k < kb; k += VW)
                for (ptrdiff_t r = 0; r < R; r++)
                    for (int l = 0; l < VW; l++) *dst++ = W[(i0 + r) * K + k + l];
        }
    }
}

INLINE void NAME(affine_block)(const double *Wp, const double *Xt, vd *part,
                               ptrdiff_t n, ptrdiff_t K, ptrdiff_t i0, ptrdiff_t j0,
                               ptrdiff_t ka, ptrdiff_t kb, const int R, const int C)
{
    vd acc[AR][AC];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c] = ka == 0 ? (vd){0} : part[r * C + c];
    const double *w = Wp + ka * n + i0 * (kb - ka);
    for (ptrdiff_t k = ka; k < kb; k += VW, w += R * VW) {
        vd x[AC];
        for (int c = 0; c < C; c++) x[c] = LD(Xt + (j0 + c) * K + k);
        for (int r = 0; r < R; r++) {
            vd wr = LD(w + r * VW);
            for (int c = 0; c < C; c++) acc[r][c] += wr * x[c];
        }
    }
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) part[r * C + c] = acc[r][c];
}

#define AFFINE_CASE(RR, CC) \
    case RR * 16 + CC: NAME(affine_block)(Wp, Xt, p, n, K, i, j, ka, kb, RR, CC); break;

/* Wp: W packed by pack_w of the same variant; part: room for n * (j1 - j0)
 * vectors (VW-aligned not needed). */
static TARGET void NAME(affine)(const double *W, const double *Wp, const double *Xt,
                                const double *b, double *Z, double *part_mem,
                                ptrdiff_t n, ptrdiff_t K, ptrdiff_t m, ptrdiff_t j0, ptrdiff_t j1)
{
    ptrdiff_t blocks = (n + AR - 1) / AR, kv = K - K % VW;
    vd *part = (vd *)part_mem;
    for (ptrdiff_t ka = 0; ka < kv; ka += AKC) {
        ptrdiff_t kb = ka + AKC < kv ? ka + AKC : kv;
        vd *p = part;
        for (ptrdiff_t q = 0; q < blocks; q++) {
            ptrdiff_t i = n * q / blocks;
            int R = (int)(n * (q + 1) / blocks - i);
            for (ptrdiff_t j = j0; j < j1; j += AC) {
                int C = j1 - j < AC ? (int)(j1 - j) : AC;
                switch (R * 16 + C) {
                    FOR_AFFINE_BLOCKS(AFFINE_CASE)
                }
                p += R * C;
            }
        }
    }
    vd *p = part;
    for (ptrdiff_t q = 0; q < blocks; q++) {
        ptrdiff_t i0 = n * q / blocks;
        int R = (int)(n * (q + 1) / blocks - i0);
        for (ptrdiff_t j = j0; j < j1; j += AC) {
            int C = j1 - j < AC ? (int)(j1 - j) : AC;
            for (int r = 0; r < R; r++)
                for (int c = 0; c < C; c++) {
                    double s = kv > 0 ? NAME(hsum)(p[r * C + c]) : 0.0;
                    for (ptrdiff_t t = kv; t < K; t++)
                        s = MADD(s, W[(i0 + r) * K + t], Xt[(j + c) * K + t]);
                    Z[(i0 + r) * m + j + c] = s + b[i0 + r];
                }
            p += R * C;
        }
    }
}

/* ---------------------------------------------------------------- grad_w */
INLINE void NAME(grad_w_block)(const double *dZ, const double *Xt, double *dW, double scale,
                               ptrdiff_t K, ptrdiff_t m, ptrdiff_t i0, ptrdiff_t k,
                               const int R, const int C)
{
    vd acc[WR][WC];
    for (int r = 0; r < R; r++)
        for (int c = 0; c < C; c++) acc[r][c] = (vd){0};
    for (ptrdiff_t j = 0; j < m; j++) {
        /* Rows of Xt are 8K bytes apart, too far for the hardware prefetcher:
         * ask for the next block's cache lines of this row now. */
        for (int off = C * VW; off < 2 * C * VW; off += 8)
            __builtin_prefetch(Xt + j * K + k + off, 0, 2);
        vd x[WC];
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
    ptrdiff_t blocks = (n + WR - 1) / WR;
    ptrdiff_t k = k0;
    while (k + VW <= k1) {
        ptrdiff_t vectors = (k1 - k) / VW;
        int C = vectors < WC ? (int)vectors : WC;
        for (ptrdiff_t q = 0; q < blocks; q++) {
            ptrdiff_t i = n * q / blocks;
            int R = (int)(n * (q + 1) / blocks - i);
            switch (R * 16 + C) {
                FOR_GRAD_W_BLOCKS(GRAD_W_CASE)
            }
        }
        k += (ptrdiff_t)C * VW;
    }
    for (; k < k1; k++)          /* the last k1 - k0 mod VW inputs, one lane at a time */
        for (ptrdiff_t i = 0; i < n; i++) {
            double s = 0;
            for (ptrdiff_t j = 0; j < m; j++) s = MADD(s, dZ[i * m + j], Xt[j * K + k]);
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

INLINE void NAME(grad_a_one)(const double *W, const double *dZ, double *dAt,
                             ptrdiff_t n, ptrdiff_t K, ptrdiff_t m, ptrdiff_t j, ptrdiff_t k)
{
    double s = 0;
    for (ptrdiff_t i = 0; i < n; i++) s = MADD(s, dZ[i * m + j], W[i * K + k]);
    dAt[j * K + k] = s;
}

#define GRAD_A_CASE(JJ, CC) \
    case JJ * 16 + CC: NAME(grad_a_block)(W, dZ, dAt, n, K, m, j, k, JJ, CC); break;

/* Vectors over inputs head..kv-1; the first `head` and the last
 * (K - head) mod VW inputs one by one. */
static TARGET void NAME(grad_a)(const double *W, const double *dZ, double *dAt,
                                ptrdiff_t n, ptrdiff_t K, ptrdiff_t m, ptrdiff_t j0, ptrdiff_t j1,
                                ptrdiff_t head)
{
    ptrdiff_t kv = head + (K - head) / VW * VW;
    /* a chunk of W (n rows) small enough to stay in the L1 cache while every
     * example's row of dAt is written */
    ptrdiff_t chunk = L1_DOUBLES / n / (CV * VW) * (CV * VW);
    if (chunk < CV * VW) chunk = CV * VW;
    for (ptrdiff_t ka = head; ka < kv; ka += chunk) {
        ptrdiff_t kb = ka + chunk < kv ? ka + chunk : kv;
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
    for (ptrdiff_t j = j0; j < j1; j++) {    /* the head and the tail */
        for (ptrdiff_t k = 0; k < head; k++) NAME(grad_a_one)(W, dZ, dAt, n, K, m, j, k);
        for (ptrdiff_t k = kv; k < K; k++) NAME(grad_a_one)(W, dZ, dAt, n, K, m, j, k);
    }
}

#undef AFFINE_CASE
#undef GRAD_W_CASE
#undef GRAD_A_CASE
#undef INLINE
#undef AKC
#undef L1_DOUBLES
#undef MADD
#undef LD
#undef ST
#undef vd
#undef vdu
#undef NAME
#undef CAT
#undef CAT2
