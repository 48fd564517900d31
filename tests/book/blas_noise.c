/* A BLAS and LAPACK that round differently: what another processor would give.
 *
 * Loaded with LD_PRELOAD into the kernels that nbval starts (tests/conftest.py), this
 * library stands in front of the BLAS and LAPACK routines that NumPy calls. Each call
 * goes to the real OpenBLAS, and then every number it returns is moved by what a
 * different kernel could change: for a matrix product, up to 2 units of rounding of
 * the terms summed (eps * |row of A| * |column of B|), for LAPACK's solutions,
 * eigenvalues and factors, up to 4 units of rounding of the array's largest entry.
 * Element-wise arithmetic, which IEEE 754 fixes on every machine, is left alone.
 *
 * Two things every BLAS keeps are kept: a product whose entries are all small
 * dyadic numbers (integers, halves, quarters... below 2^20) is exact in any order of
 * summation, so it is left exact; and a call gives the same result every time, so the
 * noise is a function of the call's operands (and SCRATCHLEARN_BLAS_SEED), not of
 * the order of the calls. A stored notebook output that depends on the last bits of
 * a matrix product then differs from the stored one, as it would on a learner's
 * processor, while one that is rounded to what it means (or chooses deterministically
 * among near-ties) does not.
 *
 * Symbols are NumPy's bundled OpenBLAS (ILP64, "scipy_" prefix, "64_" suffix); the
 * real library is opened from SCRATCHLEARN_BLAS_LIBRARY.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int64_t blasint;

static uint64_t seed = 20261204;
static void *library;

static void *real(const char *name) {
    if (!library) {
        const char *path = getenv("SCRATCHLEARN_BLAS_LIBRARY");
        const char *text = getenv("SCRATCHLEARN_BLAS_SEED");
        if (text) seed = strtoull(text, NULL, 10);
        /* The copy NumPy has already loaded, kept local: made global, its symbols
         * would bind other libraries' calls (SciPy's own OpenBLAS, with 32-bit
         * integers) to it. */
        library = path ? dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD) : NULL;
        if (!library && path) library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
        if (!library) {
            fprintf(stderr, "blas_noise: cannot open %s\n", path ? path : "(unset)");
            abort();
        }
    }
    void *function = dlsym(library, name);
    if (!function) {
        fprintf(stderr, "blas_noise: no %s in the BLAS library\n", name);
        abort();
    }
    return function;
}

static uint64_t mix(uint64_t z) { /* splitmix64's finaliser */
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t bits(double x) {
    uint64_t b;
    memcpy(&b, &x, sizeof b);
    return b;
}

/* A fingerprint of a call: its sizes and a digest of its operands, so that the same
 * call gets the same noise wherever and whenever it is made. */
struct digest { uint64_t hash; int exact; };

static void take(struct digest *d, double v) {
    d->hash = mix(d->hash ^ bits(v));
    /* A multiple of 2^-10 below 2^20: products and sums of such numbers are exact. */
    if (d->exact && !(fabs(v) < 1048576.0 && v * 1024.0 == nearbyint(v * 1024.0))) d->exact = 0;
}

/* -2, -1, 0, 1 or 2 for entry (i, j) of a call; the same for (j, i): a real BLAS
 * gives A @ A.T exactly symmetric (the same products summed in the same order). */
static double pair_step(uint64_t call, int64_t i, int64_t j) {
    uint64_t low = i < j ? i : j, high = i < j ? j : i;
    return (double)(mix(mix(mix(call ^ seed) + low) + high) % 5) - 2.0;
}

#define EPS64 2.220446049250313e-16
#define EPS32 1.1920929e-07

/* --- matrix products: C = alpha op(A) op(B) + beta C -------------------------------- */

enum { ROW_MAJOR = 101, NO_TRANS = 111, UPPER = 121 };

#define ELEMENT(X, ld, r, c, rowmajor) ((rowmajor) ? (X)[(r) * (ld) + (c)] : (X)[(c) * (ld) + (r)])

#define GEMM(T, NAME, EPS)                                                              \
    void NAME(int order, int ta, int tb, blasint m, blasint n, blasint k, T alpha,      \
              const T *a, blasint lda, const T *b, blasint ldb, T beta, T *c,           \
              blasint ldc) {                                                            \
        static void (*f)(int, int, int, blasint, blasint, blasint, T, const T *,        \
                         blasint, const T *, blasint, T, T *, blasint);                 \
        if (!f) f = real(#NAME);                                                        \
        f(order, ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);                 \
        int rowmajor = order == ROW_MAJOR;                                              \
        struct digest d = {mix(m) ^ mix(n + 7) ^ mix(k + 13), 1};                       \
        take(&d, (double)alpha);                                                        \
        double *rows = calloc(m, sizeof(double)), *cols = calloc(n, sizeof(double));     \
        for (blasint i = 0; i < m; i++)                                                 \
            for (blasint p = 0; p < k; p++) {                                           \
                double v = (ta == NO_TRANS) == rowmajor ? ELEMENT(a, lda, i, p, 1)      \
                                                        : ELEMENT(a, lda, p, i, 1);     \
                rows[i] += v * v;                                                       \
                take(&d, v);                                                            \
            }                                                                           \
        for (blasint j = 0; j < n; j++)                                                 \
            for (blasint p = 0; p < k; p++) {                                           \
                double v = (tb == NO_TRANS) == rowmajor ? ELEMENT(b, ldb, p, j, 1)      \
                                                        : ELEMENT(b, ldb, j, p, 1);     \
                cols[j] += v * v;                                                       \
                take(&d, v);                                                            \
            }                                                                           \
        uint64_t call = d.hash;                                                         \
        if (d.exact && k < 4096) m = 0; /* exact in any order: nothing to change */      \
        for (blasint i = 0; i < m; i++)                                                 \
            for (blasint j = 0; j < n; j++) {                                           \
                T *x = rowmajor ? &c[i * ldc + j] : &c[j * ldc + i];                    \
                double scale = EPS * fabs((double)alpha) * sqrt(rows[i] * cols[j]);     \
                *x += (T)(pair_step(call, i, j) * scale);                               \
            }                                                                           \
        free(rows);                                                                     \
        free(cols);                                                                     \
    }

GEMM(double, scipy_cblas_dgemm64_, EPS64)
GEMM(float, scipy_cblas_sgemm64_, EPS32)

#define GEMV(T, NAME, EPS)                                                              \
    void NAME(int order, int trans, blasint m, blasint n, T alpha, const T *a,          \
              blasint lda, const T *x, blasint incx, T beta, T *y, blasint incy) {      \
        static void (*f)(int, int, blasint, blasint, T, const T *, blasint, const T *,  \
                         blasint, T, T *, blasint);                                     \
        if (!f) f = real(#NAME);                                                        \
        f(order, trans, m, n, alpha, a, lda, x, incx, beta, y, incy);                   \
        if (incx <= 0 || incy <= 0) return;                                             \
        int rowmajor = order == ROW_MAJOR, plain = trans == NO_TRANS;                   \
        blasint out = plain ? m : n, in = plain ? n : m;                                \
        struct digest d = {mix(m) ^ mix(n + 7), 1};                                     \
        take(&d, (double)alpha);                                                        \
        double norm_x = 0;                                                              \
        for (blasint p = 0; p < in; p++) {                                              \
            norm_x += (double)x[p * incx] * x[p * incx];                                \
            take(&d, x[p * incx]);                                                      \
        }                                                                               \
        double *rows = calloc(out, sizeof(double));                                     \
        for (blasint i = 0; i < out; i++)                                               \
            for (blasint p = 0; p < in; p++) {                                          \
                double v = plain == rowmajor ? ELEMENT(a, lda, i, p, 1)                 \
                                             : ELEMENT(a, lda, p, i, 1);                \
                rows[i] += v * v;                                                       \
                take(&d, v);                                                            \
            }                                                                           \
        if (!(d.exact && in < 4096))                                                    \
            for (blasint i = 0; i < out; i++) {                                         \
                double scale = EPS * fabs((double)alpha) * sqrt(rows[i] * norm_x);      \
                y[i * incy] += (T)(pair_step(d.hash, i, -1) * scale);                   \
            }                                                                           \
        free(rows);                                                                     \
    }

GEMV(double, scipy_cblas_dgemv64_, EPS64)
GEMV(float, scipy_cblas_sgemv64_, EPS32)

#define DOT(T, NAME, EPS)                                                               \
    T NAME(blasint n, const T *x, blasint incx, const T *y, blasint incy) {             \
        static T (*f)(blasint, const T *, blasint, const T *, blasint);                 \
        if (!f) f = real(#NAME);                                                        \
        T result = f(n, x, incx, y, incy);                                              \
        if (incx <= 0 || incy <= 0) return result;                                      \
        struct digest d = {mix(n), 1};                                                  \
        double nx = 0, ny = 0;                                                          \
        for (blasint p = 0; p < n; p++) {                                               \
            nx += (double)x[p * incx] * x[p * incx];                                    \
            ny += (double)y[p * incy] * y[p * incy];                                    \
            take(&d, x[p * incx]);                                                      \
            take(&d, y[p * incy]);                                                      \
        }                                                                               \
        if (d.exact && n < 4096) return result;                                         \
        return result + (T)(pair_step(d.hash, 0, 0) * EPS * sqrt(nx * ny));             \
    }

DOT(double, scipy_cblas_ddot64_, EPS64)
DOT(float, scipy_cblas_sdot64_, EPS32)

#define SYRK(T, NAME, EPS)                                                              \
    void NAME(int order, int uplo, int trans, blasint n, blasint k, T alpha,            \
              const T *a, blasint lda, T beta, T *c, blasint ldc) {                     \
        static void (*f)(int, int, int, blasint, blasint, T, const T *, blasint, T,     \
                         T *, blasint);                                                 \
        if (!f) f = real(#NAME);                                                        \
        f(order, uplo, trans, n, k, alpha, a, lda, beta, c, ldc);                       \
        int rowmajor = order == ROW_MAJOR;                                              \
        struct digest d = {mix(n) ^ mix(k + 13), 1};                                    \
        take(&d, (double)alpha);                                                        \
        double *rows = calloc(n, sizeof(double));                                       \
        for (blasint i = 0; i < n; i++)                                                 \
            for (blasint p = 0; p < k; p++) {                                           \
                double v = (trans == NO_TRANS) == rowmajor ? ELEMENT(a, lda, i, p, 1)   \
                                                           : ELEMENT(a, lda, p, i, 1);  \
                rows[i] += v * v;                                                       \
                take(&d, v);                                                            \
            }                                                                           \
        if (d.exact && k < 4096) n = 0;                                                 \
        for (blasint i = 0; i < n; i++)                                                 \
            for (blasint j = 0; j < n; j++) {                                           \
                int stored = uplo == UPPER ? j >= i : j <= i;                           \
                if (!stored) continue;                                                  \
                T *x = rowmajor ? &c[i * ldc + j] : &c[j * ldc + i];                    \
                double scale = EPS * fabs((double)alpha) * sqrt(rows[i] * rows[j]);     \
                *x += (T)(pair_step(d.hash, i, j) * scale);                             \
            }                                                                           \
        free(rows);                                                                     \
    }

SYRK(double, scipy_cblas_dsyrk64_, EPS64)
SYRK(float, scipy_cblas_ssyrk64_, EPS32)

/* --- LAPACK (Fortran conventions: everything by pointer, column-major) ------------ */

/* Move each of the first `rows` entries of `cols` columns by up to 4 units of rounding
 * of the array's largest entry. */
static void shake(double *x, blasint rows, blasint cols, blasint ld) {
    double largest = 0;
    struct digest d = {mix(rows) ^ mix(cols + 7), 1};
    for (blasint j = 0; j < cols; j++)
        for (blasint i = 0; i < rows; i++) {
            if (fabs(x[j * ld + i]) > largest) largest = fabs(x[j * ld + i]);
            take(&d, x[j * ld + i]);
        }
    if (d.exact) return; /* an exact answer (small dyadic numbers) is exact everywhere */
    for (blasint j = 0; j < cols; j++)
        for (blasint i = 0; i < rows; i++)
            x[j * ld + i] += 2 * pair_step(d.hash, i, -1 - j) * EPS64 * largest;
}

void scipy_dgesv_64_(blasint *n, blasint *nrhs, double *a, blasint *lda, blasint *ipiv,
                     double *b, blasint *ldb, blasint *info) {
    static void (*f)(blasint *, blasint *, double *, blasint *, blasint *, double *,
                     blasint *, blasint *);
    if (!f) f = real("scipy_dgesv_64_");
    f(n, nrhs, a, lda, ipiv, b, ldb, info);
    if (*info == 0) shake(b, *n, *nrhs, *ldb);
}

void scipy_dpotrf_64_(char *uplo, blasint *n, double *a, blasint *lda, blasint *info,
                      size_t uplo_length) {
    static void (*f)(char *, blasint *, double *, blasint *, blasint *, size_t);
    if (!f) f = real("scipy_dpotrf_64_");
    f(uplo, n, a, lda, info, uplo_length);
    if (*info != 0) return;
    double *saved = malloc(sizeof(double) * (*n) * (*n));
    for (blasint j = 0; j < *n; j++)
        for (blasint i = 0; i < *n; i++) saved[j * *n + i] = a[j * *lda + i];
    shake(a, *n, *n, *lda);
    for (blasint j = 0; j < *n; j++)  /* the other triangle is not part of the result */
        for (blasint i = 0; i < *n; i++)
            if ((*uplo == 'L' || *uplo == 'l') ? i < j : i > j) a[j * *lda + i] = saved[j * *n + i];
    free(saved);
}

void scipy_dsyevd_64_(char *jobz, char *uplo, blasint *n, double *a, blasint *lda,
                      double *w, double *work, blasint *lwork, blasint *iwork,
                      blasint *liwork, blasint *info, size_t jobz_length,
                      size_t uplo_length) {
    static void (*f)(char *, char *, blasint *, double *, blasint *, double *, double *,
                     blasint *, blasint *, blasint *, blasint *, size_t, size_t);
    if (!f) f = real("scipy_dsyevd_64_");
    f(jobz, uplo, n, a, lda, w, work, lwork, iwork, liwork, info, jobz_length, uplo_length);
    if (*lwork == -1 || *liwork == -1 || *info != 0) return;
    shake(w, *n, 1, *n);
    if (*jobz == 'V' || *jobz == 'v') shake(a, *n, *n, *lda);
}

void scipy_dgesdd_64_(char *jobz, blasint *m, blasint *n, double *a, blasint *lda,
                      double *s, double *u, blasint *ldu, double *vt, blasint *ldvt,
                      double *work, blasint *lwork, blasint *iwork, blasint *info,
                      size_t jobz_length) {
    static void (*f)(char *, blasint *, blasint *, double *, blasint *, double *, double *,
                     blasint *, double *, blasint *, double *, blasint *, blasint *,
                     blasint *, size_t);
    if (!f) f = real("scipy_dgesdd_64_");
    f(jobz, m, n, a, lda, s, u, ldu, vt, ldvt, work, lwork, iwork, info, jobz_length);
    if (*lwork == -1 || *info != 0) return;
    blasint k = *m < *n ? *m : *n;
    shake(s, k, 1, k);
    if (*jobz == 'A' || *jobz == 'a') {
        shake(u, *m, *m, *ldu);
        shake(vt, *n, *n, *ldvt);
    } else if (*jobz == 'S' || *jobz == 's') {
        shake(u, *m, k, *ldu);
        shake(vt, k, *n, *ldvt);
    }
}

void scipy_dgelsd_64_(blasint *m, blasint *n, blasint *nrhs, double *a, blasint *lda,
                      double *b, blasint *ldb, double *s, double *rcond, blasint *rank,
                      double *work, blasint *lwork, blasint *iwork, blasint *info) {
    static void (*f)(blasint *, blasint *, blasint *, double *, blasint *, double *,
                     blasint *, double *, double *, blasint *, double *, blasint *,
                     blasint *, blasint *);
    if (!f) f = real("scipy_dgelsd_64_");
    f(m, n, nrhs, a, lda, b, ldb, s, rcond, rank, work, lwork, iwork, info);
    if (*lwork == -1 || *info != 0) return;
    shake(b, *n, *nrhs, *ldb);
    blasint k = *m < *n ? *m : *n;
    shake(s, k, 1, k);
}
