/* A tiny thread pool for _kernels.c: run piece(0) ... piece(count - 1) of one
 * job on this thread and up to `threads - 1` helper threads, all in C.
 *
 * Why not Python threads: waking a Python helper and handing it the GIL costs
 * 100-200 us per product here, a tenth of the product itself.
 *
 * How: helpers sleep on a condition variable; the caller publishes a job and
 * takes pieces like the helpers do (an atomic counter), so a helper that is
 * late (a busy machine) costs at most the piece it took, never a stall. The
 * caller returns when every piece is done and no helper still looks at the
 * job. One job at a time: a second caller that finds the pool busy runs its
 * pieces alone. Helpers are started on first use and block all signals (the
 * interpreter's thread handles them). After fork() the child starts with an
 * empty pool. Without POSIX threads everything runs on the calling thread.
 */
#ifndef DNN_KERNELS_POOL_H
#define DNN_KERNELS_POOL_H

#include <stddef.h>

typedef void (*piece_fn)(void *ctx, ptrdiff_t piece);

#define POOL_MAX_THREADS 8

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#include <signal.h>

static struct {
    pthread_mutex_t lock;           /* guards everything below but the counters */
    pthread_cond_t wake;            /* a new job, or shutdown */
    pthread_cond_t idle;            /* a helper left a job */
    pthread_mutex_t busy;           /* held by the caller running a job */
    int started;                    /* helper threads running */
    unsigned long generation;       /* bumped per job */
    int active;                     /* helpers inside the current job */
    int wanted;                     /* helpers that may join the current job */
    piece_fn fn;
    void *ctx;
    ptrdiff_t count;
    ptrdiff_t next;                 /* atomic: next piece to take */
    ptrdiff_t done;                 /* atomic: pieces finished */
} pool = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER,
          PTHREAD_MUTEX_INITIALIZER, 0, 0, 0, 0, NULL, NULL, 0, 0, 0};

static void pool_take_pieces(piece_fn fn, void *ctx, ptrdiff_t count)
{
    for (;;) {
        ptrdiff_t p = __atomic_fetch_add(&pool.next, 1, __ATOMIC_ACQ_REL);
        if (p >= count) return;
        fn(ctx, p);
        __atomic_fetch_add(&pool.done, 1, __ATOMIC_ACQ_REL);
    }
}

static void *pool_helper(void *arg)
{
    int index = (int)(size_t)arg;            /* 1 .. started */
    unsigned long seen = 0;
    pthread_mutex_lock(&pool.lock);
    seen = pool.generation;
    for (;;) {
        while (pool.generation == seen) pthread_cond_wait(&pool.wake, &pool.lock);
        seen = pool.generation;
        if (index > pool.wanted) continue;   /* this job asked for fewer threads */
        pool.active++;
        piece_fn fn = pool.fn;
        void *ctx = pool.ctx;
        ptrdiff_t count = pool.count;
        pthread_mutex_unlock(&pool.lock);
        pool_take_pieces(fn, ctx, count);
        pthread_mutex_lock(&pool.lock);
        pool.active--;
        pthread_cond_broadcast(&pool.idle);
    }
    return NULL;
}

static void pool_after_fork_in_child(void)
{
    /* the helpers do not exist in the child: start afresh */
    pthread_mutex_init(&pool.lock, NULL);
    pthread_mutex_init(&pool.busy, NULL);
    pthread_cond_init(&pool.wake, NULL);
    pthread_cond_init(&pool.idle, NULL);
    pool.started = 0;
    pool.active = 0;
}

/* Start helpers until `helpers` run (or the system refuses); lock held. */
static void pool_start(int helpers)
{
    static int fork_handler = 0;
    if (!fork_handler) {
        pthread_atfork(NULL, NULL, pool_after_fork_in_child);
        fork_handler = 1;
    }
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    while (pool.started < helpers) {
        pthread_t t;
        if (pthread_create(&t, &attr, pool_helper, (void *)(size_t)(pool.started + 1)) != 0)
            break;                           /* e.g. a process limit: use fewer threads */
        pool.started++;
    }
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void pool_run(piece_fn fn, void *ctx, ptrdiff_t count, int threads)
{
    if (threads > POOL_MAX_THREADS) threads = POOL_MAX_THREADS;
    if (threads <= 1 || count <= 1 || pthread_mutex_trylock(&pool.busy) != 0) {
        for (ptrdiff_t p = 0; p < count; p++) fn(ctx, p);
        return;
    }
    pthread_mutex_lock(&pool.lock);
    while (pool.active > 0) pthread_cond_wait(&pool.idle, &pool.lock);   /* late leavers */
    if (pool.started < threads - 1) pool_start(threads - 1);
    pool.fn = fn;
    pool.ctx = ctx;
    pool.count = count;
    pool.wanted = threads - 1;
    __atomic_store_n(&pool.next, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&pool.done, 0, __ATOMIC_RELEASE);
    pool.generation++;
    pthread_cond_broadcast(&pool.wake);
    pthread_mutex_unlock(&pool.lock);

    pool_take_pieces(fn, ctx, count);

    pthread_mutex_lock(&pool.lock);
    while (__atomic_load_n(&pool.done, __ATOMIC_ACQUIRE) < count || pool.active > 0)
        pthread_cond_wait(&pool.idle, &pool.lock);
    pthread_mutex_unlock(&pool.lock);
    pthread_mutex_unlock(&pool.busy);
}

#else  /* no POSIX threads: one thread does it all */
static void pool_run(piece_fn fn, void *ctx, ptrdiff_t count, int threads)
{
    (void)threads;
    for (ptrdiff_t p = 0; p < count; p++) fn(ctx, p);
}
#endif

#endif
