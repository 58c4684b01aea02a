/*
 * The two hot paths of por-mst-v1 proofs: `certify`, a fast path for verifying whole
 * blocks of JSON lines that answers only "certainly included", and `cut`, which writes
 * proofs' paths from tree.bin (see its section below).
 *
 * Why C: on one core of this project's machines the Python verifier (pydantic-core
 * parsing plus 34 SHA-256 calls and ~200 128-bit conversions per proof at height 32)
 * checks about 6,000 proofs a second, and an auditor checking an export of millions
 * wants more. No library verifies this format; SHA-256 is OpenSSL's.
 *
 * Soundness rests on one rule: `certify(lines, published)` certifies a line only when
 * it is in a strict canonical subset of the spec's JSON (ASCII strings without
 * escapes, keys once each, plain integers) that passes steps 2 to 6 against
 * `published`. Anything else (a failure, a range problem, an escape, a duplicate
 * key, a shape this parser does not take) leaves the line uncertified, and the caller
 * runs the Python verifier, which gives the verdict and its reason. So this code can
 * only make a verdict faster, never different; the tests check that it never says
 * included where the Python verifier does not.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdint.h>
#include <openssl/sha.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

typedef unsigned __int128 u128;

#define MAX_K 16
#define MAX_H 64
#define MAX_STR 65535

typedef struct {
    const unsigned char *p, *end;
} Cur;

typedef struct {
    const unsigned char *s;
    size_t n;
} Str;

typedef struct {
    unsigned char hash[32];
    u128 sums[MAX_K];
    int k;
} Node;

typedef struct {
    Str snapshot_id, account_id;
    int height, k;
    Str symbols[MAX_K];
    int decimals[MAX_K];
    unsigned char nonce[32], commitment[32];
    u128 balances[MAX_K];
    unsigned long long index;
    Node siblings[MAX_H];
    Node root;
    int nsib, nbal;
} Proof;

static void ws(Cur *c) {
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

static int expect(Cur *c, unsigned char ch) {
    ws(c);
    if (c->p < c->end && *c->p == ch) {
        c->p++;
        return 1;
    }
    return 0;
}

/* The bytes a string may hold here: printable ASCII but '"' and '\\' (no escape). */
static inline int plain(unsigned char b) { return b - 0x20u < 0x5fu && b != '"' && b != '\\'; }

/* A string of printable ASCII with no escape: anything else goes to Python. */
static int string(Cur *c, Str *out) {
    ws(c);
    if (c->p >= c->end || *c->p != '"') return 0;
    const unsigned char *start = ++c->p;
    while (c->p < c->end && plain(*c->p)) c->p++;
    if (c->p >= c->end || *c->p != '"') return 0;
    out->s = start;
    out->n = (size_t)(c->p - start);
    c->p++;
    return out->n <= MAX_STR;
}

static int same(Str s, const char *lit) { return s.n == strlen(lit) && memcmp(s.s, lit, s.n) == 0; }

/* A JSON integer written as plain digits, no leading zero, at most `max`. */
static int integer(Cur *c, unsigned long long max, unsigned long long *out) {
    ws(c);
    const unsigned char *start = c->p;
    unsigned long long v = 0;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9') {
        unsigned d = *c->p - '0';
        if (v > ~0ULL / 10 || (v == ~0ULL / 10 && d > ~0ULL % 10)) return 0;
        v = v * 10 + d;
        c->p++;
    }
    size_t n = (size_t)(c->p - start);
    if (n == 0 || (n > 1 && *start == '0')) return 0;
    if (c->p < c->end && (*c->p == '.' || *c->p == 'e' || *c->p == 'E')) return 0;
    if (v > max) return 0;
    *out = v;
    return 1;
}

/* A canonical integer in a string ("0" or no leading zero), below 2^128. Read in one
 * pass (every proof holds some hundred of them): the first 19 digits in 64 bits. */
static int amount(Cur *c, u128 *out) {
    ws(c);
    const unsigned char *p = c->p, *end = c->end;
    if (p >= end || *p != '"') return 0;
    const unsigned char *start = ++p;
    unsigned long long low = 0;
    while (p < end && p - start < 19 && (unsigned)(*p - '0') < 10) low = low * 10 + (unsigned)(*p++ - '0');
    u128 v = low;
    while (p < end && (unsigned)(*p - '0') < 10) {
        unsigned d = (unsigned)(*p++ - '0');
        /* 2^128 or more; constants, so no 128-bit division per digit */
        if (v > ~(u128)0 / 10 || (v == ~(u128)0 / 10 && d > ~(u128)0 % 10)) return 0;
        v = v * 10 + d;
    }
    size_t n = (size_t)(p - start);
    if (p >= end || *p != '"' || n == 0 || (n > 1 && *start == '0')) return 0;
    c->p = p + 1;
    *out = v;
    return 1;
}

/* A hex digit's value plus one (0: not a digit; upper case is malformed in the spec). */
static const unsigned char HEX[256] = {
    ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7, ['7'] = 8,
    ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16};

static int hexval(unsigned char h) { return HEX[h] - 1; }

/* "64 lower-case hex digits", in one pass. */
static int hex32(Cur *c, unsigned char out[32]) {
    ws(c);
    const unsigned char *p = c->p;
    if (c->end - p < 66 || p[0] != '"' || p[65] != '"') return 0;
    unsigned bad = 0;
    for (int i = 0; i < 32; i++) {
        unsigned hi = HEX[p[1 + 2 * i]], lo = HEX[p[2 + 2 * i]];
        bad |= (hi == 0) | (lo == 0);
        out[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
    }
    if (bad) return 0;
    c->p = p + 66;
    return 1;
}

static int amounts(Cur *c, u128 *out, int *n) {
    *n = 0;
    if (!expect(c, '[')) return 0;
    if (expect(c, ']')) return 1;
    do {
        if (*n >= MAX_K || !amount(c, &out[(*n)++])) return 0;
    } while (expect(c, ','));
    return expect(c, ']');
}

/* {"hash": hex32, "sums": [...]}, each key once. */
static int node(Cur *c, Node *nd) {
    int seen_hash = 0, seen_sums = 0;
    if (!expect(c, '{')) return 0;
    do {
        Str key;
        if (!string(c, &key) || !expect(c, ':')) return 0;
        if (same(key, "hash") && !seen_hash) {
            if (!hex32(c, nd->hash)) return 0;
            seen_hash = 1;
        } else if (same(key, "sums") && !seen_sums) {
            if (!amounts(c, nd->sums, &nd->k)) return 0;
            seen_sums = 1;
        } else {
            return 0;
        }
    } while (expect(c, ','));
    return expect(c, '}') && seen_hash && seen_sums;
}

static int asset(Cur *c, Str *symbol, int *decimals) {
    int seen_symbol = 0, seen_decimals = 0;
    if (!expect(c, '{')) return 0;
    do {
        Str key;
        unsigned long long d;
        if (!string(c, &key) || !expect(c, ':')) return 0;
        if (same(key, "symbol") && !seen_symbol) {
            if (!string(c, symbol) || symbol->n < 1 || symbol->n > 32) return 0;
            seen_symbol = 1;
        } else if (same(key, "decimals") && !seen_decimals) {
            if (!integer(c, 36, &d)) return 0;
            *decimals = (int)d;
            seen_decimals = 1;
        } else {
            return 0;
        }
    } while (expect(c, ','));
    return expect(c, '}') && seen_symbol && seen_decimals;
}

enum { F_FORMAT, F_SNAPSHOT, F_HEIGHT, F_ASSETS, F_ACCOUNT, F_NONCE, F_BALANCES, F_INDEX,
       F_SIBLINGS, F_ROOT, F_COMMITMENT, F_COUNT };
static const char *FIELDS[F_COUNT] = {"format", "snapshot_id", "height", "assets", "account_id",
                                      "nonce", "balances", "index", "siblings", "root",
                                      "root_commitment"};

static int parse(Cur *c, Proof *pr) {
    int seen[F_COUNT] = {0}, last = F_COUNT - 1;
    if (!expect(c, '{')) return 0;
    do {
        Str key;
        unsigned long long v;
        int f;
        if (!string(c, &key) || !expect(c, ':')) return 0;
        /* the field after the last one first: an export writes them in the spec's order */
        for (f = 0; f < F_COUNT && !same(key, FIELDS[(last + 1 + f) % F_COUNT]); f++) {
        }
        if (f == F_COUNT) return 0;
        f = last = (last + 1 + f) % F_COUNT;
        if (seen[f]) return 0;
        seen[f] = 1;
        switch (f) {
        case F_FORMAT: {
            Str s;
            if (!string(c, &s) || !same(s, "por-mst-v1")) return 0;
            break;
        }
        case F_SNAPSHOT:
            if (!string(c, &pr->snapshot_id)) return 0;
            break;
        case F_HEIGHT:
            if (!integer(c, MAX_H, &v) || v < 1) return 0;
            pr->height = (int)v;
            break;
        case F_ASSETS:
            pr->k = 0;
            if (!expect(c, '[')) return 0;
            do {
                if (pr->k >= MAX_K || !asset(c, &pr->symbols[pr->k], &pr->decimals[pr->k])) return 0;
                pr->k++;
            } while (expect(c, ','));
            if (!expect(c, ']')) return 0;
            break;
        case F_ACCOUNT:
            if (!string(c, &pr->account_id)) return 0;
            break;
        case F_NONCE:
            if (!hex32(c, pr->nonce)) return 0;
            break;
        case F_BALANCES:
            if (!amounts(c, pr->balances, &pr->nbal)) return 0;
            break;
        case F_INDEX:
            if (!integer(c, ~0ULL, &pr->index)) return 0;
            break;
        case F_SIBLINGS:
            pr->nsib = 0;
            if (!expect(c, '[')) return 0;
            if (!expect(c, ']')) {
                do {
                    if (pr->nsib >= MAX_H || !node(c, &pr->siblings[pr->nsib++])) return 0;
                } while (expect(c, ','));
                if (!expect(c, ']')) return 0;
            }
            break;
        case F_ROOT:
            if (!node(c, &pr->root)) return 0;
            break;
        case F_COMMITMENT:
            if (!hex32(c, pr->commitment)) return 0;
            break;
        }
    } while (expect(c, ','));
    if (!expect(c, '}')) return 0;
    ws(c);
    if (c->p != c->end) return 0;
    for (int f = 0; f < F_COUNT; f++)
        if (!seen[f]) return 0;
    /* step 1's consistency rules */
    if (pr->nsib != pr->height || pr->nbal != pr->k || pr->root.k != pr->k) return 0;
    if (pr->height < 64 && (pr->index >> pr->height)) return 0;
    for (int l = 0; l < pr->nsib; l++)
        if (pr->siblings[l].k != pr->k) return 0;
    return 1;
}

/* SHA-256 through the low-level calls: OpenSSL 3's one-shot SHA256() looks the
 * algorithm up in its provider on every call, which costs more than hashing a node. */
static void sha256(const unsigned char *data, size_t n, unsigned char out[32]) {
    SHA256_CTX ctx;
    SHA256_Init(&ctx);
    SHA256_Update(&ctx, data, n);
    SHA256_Final(out, &ctx);
}

/* The spec's leaf hash, SHA256(0x00 || nonce || id_hash || sums), id_hash being
 * SHA256(account_id) and sums enc(balances) (`width` bytes): the builder's and the
 * cutter's, which confirms a leaf found through lookup.bin. */
static void leaf_digest(const unsigned char *nonce, const unsigned char *id_hash,
                        const unsigned char *sums, size_t width, unsigned char out[32]) {
    unsigned char head[1 + 32 + 32];
    SHA256_CTX c;
    head[0] = 0x00;
    memcpy(head + 1, nonce, 32);
    memcpy(head + 33, id_hash, 32);
    SHA256_Init(&c);
    SHA256_Update(&c, head, sizeof head);
    SHA256_Update(&c, sums, width);
    SHA256_Final(out, &c);
}

static void be64(unsigned char *out, unsigned long long x) {
    for (int i = 7; i >= 0; i--, x >>= 8) out[i] = (unsigned char)x;
}

/* Each value as 16 bytes big-endian, in two 64-bit halves (a byte at a time through
 * 128-bit shifts was a third of the cost of a proof). */
static unsigned char *enc(unsigned char *out, const u128 *v, int k) {
    for (int j = 0; j < k; j++, out += 16) {
        be64(out, (unsigned long long)(v[j] >> 64));
        be64(out + 8, (unsigned long long)v[j]);
    }
    return out;
}

/* Steps 2 to 6. `account` receives SHA256(account_id), which the leaf needs anyway and
 * the whole-file checks of verify-all use to find an account delivered twice. */
static int check(const Proof *pr, const unsigned char *published, unsigned char account[32]) {
    unsigned char buf[1 + 2 * (32 + 16 * MAX_K)];
    unsigned char cur[32], tmp[32];
    u128 sums[MAX_K];
    int k = pr->k, w = 16 * k;
    unsigned char *q;
    sha256(pr->account_id.s, pr->account_id.n, account);
    enc(buf, pr->balances, k);
    leaf_digest(pr->nonce, account, buf, (size_t)w, cur);
    memcpy(sums, pr->balances, sizeof(u128) * (size_t)k);
    for (int l = 0; l < pr->height; l++) {
        const Node *s = &pr->siblings[l];
        int right = (int)((pr->index >> l) & 1);
        unsigned char *mine = buf + 1 + (right ? 32 + w : 0), *theirs = buf + 1 + (right ? 0 : 32 + w);
        buf[0] = 0x01;
        memcpy(mine, cur, 32), enc(mine + 32, sums, k);
        memcpy(theirs, s->hash, 32), enc(theirs + 32, s->sums, k);
        sha256(buf, (size_t)(1 + 2 * (32 + w)), cur);
        for (int j = 0; j < k; j++) {
            u128 t = sums[j] + s->sums[j];
            if (t < sums[j]) return 0; /* 2^128 or more: a range failure, Python names it */
            sums[j] = t;
        }
    }
    if (memcmp(cur, pr->root.hash, 32) != 0) return 0;
    for (int j = 0; j < k; j++)
        if (sums[j] != pr->root.sums[j]) return 0;
    /* root_commitment = SHA256(0x03 || u16 len || snapshot_id || meta || root || enc(sums)) */
    size_t meta = 3;
    for (int j = 0; j < k; j++) meta += 2 + pr->symbols[j].n;
    size_t total = 1 + 2 + pr->snapshot_id.n + meta + 32 + (size_t)w;
    unsigned char *m = PyMem_RawMalloc(total);
    if (m == NULL) return 0;
    q = m;
    *q++ = 0x03;
    *q++ = (unsigned char)(pr->snapshot_id.n >> 8), *q++ = (unsigned char)pr->snapshot_id.n;
    memcpy(q, pr->snapshot_id.s, pr->snapshot_id.n), q += pr->snapshot_id.n;
    *q++ = (unsigned char)pr->height;
    *q++ = (unsigned char)(k >> 8), *q++ = (unsigned char)k;
    for (int j = 0; j < k; j++) {
        *q++ = (unsigned char)pr->symbols[j].n;
        memcpy(q, pr->symbols[j].s, pr->symbols[j].n), q += pr->symbols[j].n;
        *q++ = (unsigned char)pr->decimals[j];
    }
    memcpy(q, cur, 32), q += 32;
    q = enc(q, sums, k);
    sha256(m, (size_t)(q - m), tmp);
    PyMem_RawFree(m);
    if (memcmp(tmp, pr->commitment, 32) != 0) return 0;
    return published == NULL || memcmp(published, pr->commitment, 32) == 0;
}

/* The published value as 32 bytes; 0 when it is not 64 lower-case hex digits (then
 * nothing is certified and Python gives every verdict). */
static int published_bytes(const Py_buffer *hex, unsigned char want[32]) {
    const unsigned char *h = hex->buf;
    if (hex->len != 64) return 0;
    for (int i = 0; i < 32; i++) {
        int hi = hexval(h[2 * i]), lo = hexval(h[2 * i + 1]);
        if (hi < 0 || lo < 0) return 0;
        want[i] = (unsigned char)(hi << 4 | lo);
    }
    return 1;
}

/* What Python's bytes.strip() removes: such a line holds no proof. */
static int blank(const unsigned char *p, const unsigned char *end) {
    for (; p < end; p++)
        if (*p != ' ' && (*p < '\t' || *p > '\r')) return 0;
    return 1;
}

enum { BLANK = 0, CERTIFIED = 1, ASK_PYTHON = 2 };

/* Every line of a block of JSON lines in one call, the GIL released throughout, so that
 * Python touches only the lines this code does not certify. A line ends after its '\n'
 * (or at the end of the block). Per line: its kind, the offset just past it, and for a
 * certified line its leaf index and the first 16 bytes of SHA256(account_id). */
static PyObject *certify(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer data, published = {0};
    if (!PyArg_ParseTuple(args, "y*z*", &data, &published)) return NULL;
    unsigned char want[32];
    int usable = published.buf == NULL || published_bytes(&published, want);
    const unsigned char *all = data.buf, *end = all + data.len;
    Py_ssize_t n = 0;
    for (const unsigned char *p = all; p < end; n++) {
        const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
        p = nl != NULL ? nl + 1 : end;
    }
    PyObject *kinds = NULL, *ends = NULL, *indices = NULL, *accounts = NULL, *result = NULL;
    Proof *pr = NULL;
    if (n <= PY_SSIZE_T_MAX / 16) {
        kinds = PyBytes_FromStringAndSize(NULL, n);
        ends = PyBytes_FromStringAndSize(NULL, n * 8);
        indices = PyBytes_FromStringAndSize(NULL, n * 8);
        accounts = PyBytes_FromStringAndSize(NULL, n * 16);
        pr = PyMem_RawMalloc(sizeof(Proof));
    }
    if (kinds != NULL && ends != NULL && indices != NULL && accounts != NULL && pr != NULL) {
        unsigned char *kind = (unsigned char *)PyBytes_AS_STRING(kinds);
        unsigned char *stop = (unsigned char *)PyBytes_AS_STRING(ends);
        unsigned char *leaf = (unsigned char *)PyBytes_AS_STRING(indices);
        unsigned char *account = (unsigned char *)PyBytes_AS_STRING(accounts);
        Py_BEGIN_ALLOW_THREADS
        const unsigned char *p = all;
        for (Py_ssize_t i = 0; i < n; i++) {
            const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
            const unsigned char *e = nl != NULL ? nl + 1 : end;
            unsigned long long at = (unsigned long long)(e - all), index = 0;
            unsigned char digest[32] = {0};
            Cur c = {p, e};
            if (blank(p, e)) {
                kind[i] = BLANK;
            } else if (usable && parse(&c, pr) && check(pr, published.buf != NULL ? want : NULL, digest)) {
                kind[i] = CERTIFIED;
                index = pr->index;
            } else {
                kind[i] = ASK_PYTHON;
                memset(digest, 0, sizeof digest);
            }
            memcpy(stop + 8 * i, &at, 8);
            memcpy(leaf + 8 * i, &index, 8);
            memcpy(account + 16 * i, digest, 16);
            p = e;
        }
        Py_END_ALLOW_THREADS
        result = PyTuple_Pack(4, kinds, ends, indices, accounts);
    } else if (!PyErr_Occurred()) {
        PyErr_NoMemory();
    }
    PyMem_RawFree(pr);
    Py_XDECREF(kinds);
    Py_XDECREF(ends);
    Py_XDECREF(indices);
    Py_XDECREF(accounts);
    PyBuffer_Release(&data);
    if (published.buf != NULL) PyBuffer_Release(&published);
    return result;
}

/* ---- cutting proofs: the other hot path, writing what the verifier reads ---------------- */

/* v as decimal digits at out (no leading zero), returning the end. Most values fit in
 * 64 bits; larger ones take one 128-bit division for each 19 digits. */
static char *decimal(char *out, u128 v) {
    char digits[40];
    int n = 0;
    while (v > ~0ULL) {
        unsigned long long low = (unsigned long long)(v % 10000000000000000000ULL);
        v /= 10000000000000000000ULL;
        for (int i = 0; i < 19; i++, low /= 10) digits[n++] = (char)('0' + low % 10);
    }
    unsigned long long w = (unsigned long long)v;
    do {
        digits[n++] = (char)('0' + w % 10);
        w /= 10;
    } while (w != 0);
    while (n > 0) *out++ = digits[--n];
    return out;
}

/* ["s_1","s_2",...]: the K big-endian 16-byte values at rec. */
static char *sums_json(char *out, const unsigned char *rec, int k) {
    *out++ = '[';
    for (int j = 0; j < k; j++) {
        u128 v = 0;
        for (int b = 0; b < 16; b++) v = v << 8 | rec[16 * j + b];
        if (j) *out++ = ',';
        *out++ = '"';
        out = decimal(out, v);
        *out++ = '"';
    }
    *out++ = ']';
    return out;
}

static char *hex_json(char *out, const unsigned char *h) {
    static const char DIGITS[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) *out++ = DIGITS[h[i] >> 4], *out++ = DIGITS[h[i] & 15];
    return out;
}

static char *literal(char *out, const char *s) {
    size_t n = strlen(s);
    memcpy(out, s, n);
    return out + n;
}

/* ---- threads: the build's two cores, and the cutter's reads in flight ---------------- */

#define BUILD_THREADS 2
#define THREAD_MIN 2048 /* fewer items than this: one thread (starting one costs more) */
#define MAX_THREADS 16

typedef void (*RangeFn)(void *ctx, Py_ssize_t from, Py_ssize_t to);

typedef struct {
    RangeFn fn;
    void *ctx;
    Py_ssize_t from, to;
} Part;

static void *run_part(void *arg) {
    Part *p = arg;
    p->fn(p->ctx, p->from, p->to);
    return NULL;
}

/* fn over [0, n) in `threads` equal parts, each on a thread of its own but the first,
 * which runs on the caller's (fewer parts if a thread cannot be started: the same
 * result, later). Called with the GIL released. */
static void spread(RangeFn fn, void *ctx, Py_ssize_t n, int threads) {
    Part parts[MAX_THREADS];
    pthread_t ids[MAX_THREADS];
    int started = 0;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    if (threads < 1 || n < threads) threads = 1;
    for (int t = 1; t < threads; t++) {
        parts[t] = (Part){fn, ctx, n * t / threads, n * (t + 1) / threads};
        if (pthread_create(&ids[t], NULL, run_part, &parts[t]) != 0) break;
        started = t;
    }
    /* the caller takes its own part and every part no thread took */
    fn(ctx, 0, n / threads);
    if (started + 1 < threads) fn(ctx, n * (started + 1) / threads, n);
    for (int t = 1; t <= started; t++) pthread_join(ids[t], NULL);
}

/* fn over [0, n), in halves on two threads when n is large enough. */
static void split(RangeFn fn, void *ctx, Py_ssize_t n) {
    spread(fn, ctx, n, n < THREAD_MIN ? 1 : BUILD_THREADS);
}

/* Bytes one fragment may take: balances, index, and H siblings of at most 39-digit sums. */
static size_t fragment_bound(int height, int k) {
    size_t sums = 2 + (size_t)k * (39 + 3);
    return 32 + sums + 40 + (size_t)height * (24 + 64 + sums);
}

static unsigned long long read_be64(const unsigned char *p) {
    unsigned long long x = 0;
    for (int i = 0; i < 8; i++) x = x << 8 | p[i];
    return x;
}

/* Where a sparse level's records are: `start` of its area in the map, `size` bytes. */
typedef struct {
    unsigned long long start, size;
} Area;

/* Node j of a sparse level whose offset table is at `table`, decoded into `out` (R bytes:
 * hash || enc(sums)); NULL, with the problem in *why, for a record the file cannot hold
 * or the builder cannot have written. The offset table itself was checked to lie in the
 * map by the caller. */
static const unsigned char *sparse_node(unsigned char *out, const unsigned char *map,
                                        const unsigned char *table, Area area,
                                        unsigned long long j, size_t k, const char **why) {
    unsigned long long from = read_be64(table + 8 * j), to = read_be64(table + 8 * j + 8);
    size_t bitmap = (k + 7) / 8;
    if (from > to || to > area.size || to - from < 32 + bitmap) {
        *why = "its offset points outside its level";
        return NULL;
    }
    const unsigned char *rec = map + area.start + from, *bits = rec + 32, *sums = bits + bitmap;
    size_t present = 0;
    for (size_t b = 0; b < bitmap; b++) present += (size_t)__builtin_popcount(bits[b]);
    if (k % 8 && bits[bitmap - 1] & (0xffu >> (k % 8))) {
        *why = "its bitmap marks an asset past K";
        return NULL;
    }
    if (to - from != 32 + bitmap + 16 * present) {
        *why = "its length does not match its bitmap";
        return NULL;
    }
    static const unsigned char ZERO[16] = {0};
    memcpy(out, rec, 32);
    for (size_t a = 0; a < k; a++) {
        unsigned char *v = out + 32 + 16 * a;
        if (bits[a / 8] & (0x80u >> (a % 8))) {
            if (memcmp(sums, ZERO, 16) == 0) {
                *why = "its bitmap marks a sum that is zero";
                return NULL;
            }
            memcpy(v, sums, 16);
            sums += 16;
        } else {
            memset(v, 0, 16);
        }
    }
    return out;
}

/* One proof's fragment failed: a leaf the tree does not hold, or a sparse record the
 * builder cannot have written (why, at level and node). */
typedef struct {
    const char *why;
    int level, bad_leaf, no_memory;
    unsigned long long node;
} CutFailure;

#define UNCONFIRMED ((size_t)-1) /* a fragment not written: the leaf is not the account's */

typedef struct {
    const unsigned char *map, *empty, *leaf_bytes, *nonces, *id_hashes;
    const unsigned long long *start, *count;
    const Area *area;
    int height, k;
    size_t record, bound;
    Py_ssize_t first; /* the step's first proof */
    char *text;
    size_t *lengths;
    CutFailure *fail;
} CutJob;

/* The fragments of proofs first+from .. first+to-1 of the list, each at its place in
 * the step's text. With the ids' hashes given, a fragment is written only for a leaf
 * whose hash is SHA256(0x00 || nonce || SHA256(id) || its balances): the account the
 * caller asked for, found through an index that only the leaf's own hash vouches for. */
static void cut_range(void *ctx, Py_ssize_t from, Py_ssize_t to) {
    CutJob *job = ctx;
    const unsigned char *map = job->map;
    int k = job->k, height = job->height;
    unsigned char *decoded = malloc(job->record);
    for (Py_ssize_t i = from; i < to; i++) {
        Py_ssize_t item = job->first + i;
        CutFailure *fail = &job->fail[i];
        unsigned long long index;
        memcpy(&index, job->leaf_bytes + 8 * item, 8);
        if (index >= job->count[0]) {
            fail->bad_leaf = 1;
            continue;
        }
        if (decoded == NULL) {
            fail->no_memory = 1;
            continue;
        }
        char *out = job->text + (size_t)i * job->bound, *begin = out;
        const unsigned char *leaf = map + job->start[0] + index * job->record;
        if (job->area[0].start && !(leaf = sparse_node(decoded, map, map + job->start[0],
                                                       job->area[0], index, (size_t)k, &fail->why))) {
            fail->node = index;
            continue;
        }
        const unsigned char *nonce = job->nonces + 32 * item;
        if (job->id_hashes != NULL) {
            unsigned char hash[32];
            leaf_digest(nonce, job->id_hashes + 32 * item, leaf + 32, job->record - 32, hash);
            if (memcmp(hash, leaf, 32) != 0) {
                job->lengths[i] = UNCONFIRMED;
                continue;
            }
        }
        out = literal(out, "\"nonce\":\"");
        out = hex_json(out, nonce);
        out = literal(out, "\",\"balances\":");
        out = sums_json(out, leaf + 32, k);
        out = literal(out, ",\"index\":");
        out = decimal(out, index);
        out = literal(out, ",\"siblings\":[");
        for (int l = 0; l < height; l++) {
            unsigned long long j = (index >> l) ^ 1;
            if (l) *out++ = ',';
            out = literal(out, "{\"hash\":\"");
            if (j < job->count[l]) {
                const unsigned char *rec = map + job->start[l] + j * job->record;
                if (job->area[l].start &&
                    !(rec = sparse_node(decoded, map, map + job->start[l], job->area[l], j, (size_t)k,
                                        &fail->why))) {
                    fail->level = l, fail->node = j;
                    break;
                }
                out = hex_json(out, rec);
                out = literal(out, "\",\"sums\":");
                out = sums_json(out, rec + 32, k);
            } else {
                out = hex_json(out, job->empty + 32 * l);
                out = literal(out, "\",\"sums\":[");
                for (int z = 0; z < k; z++) out = literal(out, z ? ",\"0\"" : "\"0\"");
                *out++ = ']';
            }
            *out++ = '}';
        }
        *out++ = ']';
        job->lengths[i] = (size_t)(out - begin);
    }
    free(decoded);
}

/* cut(tree, offsets, counts, empties, k, leaves, nonces, areas=b'', id_hashes=None)
 * -> list[str | None]: for each leaf index, the part of its proof line from "nonce" to
 * the end of "siblings", exactly as json.dumps(..., separators=(",", ":")) writes it.
 * `tree` is tree.bin (mapped), `offsets` and `counts` the start and node count of each
 * level 0..H (u64 each), `empties` E_0..E_{H-1} (32 bytes each), `leaves` the indices
 * (u64 each), `nonces` the accounts' nonces (32 bytes each). `areas`, for tree.bin
 * version 2, gives (start, size) of each level's sparse records (u64 each; size 0 and
 * start 0 for a dense level), whose `offsets` entry is then its offset table.
 * `id_hashes` (SHA256(account_id), 32 bytes each), when given, asks for each leaf to be
 * confirmed as the account's (see cut_range): None in the place of one that is not.
 * Every read is checked against the buffer: a leaf the tree does not hold is a
 * ValueError with one argument, a sparse record the builder cannot have written is a
 * ValueError with arguments (level, node, problem).
 *
 * A step's proofs are cut on CUT_THREADS threads: where tree.bin is larger than the page
 * cache, each proof waits for the disk about once per level, and one thread waiting at
 * a time leaves the disk idle (this machine's disk: 8,600 random 4 KiB reads/s one at a
 * time, 57,000/s sixteen at a time). */
#define CUT_STEP 256     /* proofs per step: one text buffer, reused */
#define CUT_TEXT (16 << 20) /* at most this much text per step (many assets: fewer proofs) */
#define CUT_THREADS 8
static PyObject *cut(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer tree, offsets, counts, empties, leaves, nonces, areas = {0}, hashes = {0};
    int k;
    PyObject *id_hashes = Py_None;
    if (!PyArg_ParseTuple(args, "y*y*y*y*iy*y*|y*O", &tree, &offsets, &counts, &empties, &k, &leaves,
                          &nonces, &areas, &id_hashes))
        return NULL;
    PyObject *result = NULL;
    char *text = NULL;
    size_t *lengths = NULL;
    CutFailure *fail = NULL;
    Py_ssize_t levels = offsets.len / 8, n = leaves.len / 8;
    int height = (int)levels - 1;
    size_t record = 32 + 16 * (size_t)k;
    if (id_hashes != Py_None && PyObject_GetBuffer(id_hashes, &hashes, PyBUF_SIMPLE) < 0) goto done;
    /* any K tree.bin can say (2 bytes): a proof's text is sized by fragment_bound */
    if (k < 1 || k > 65535 || height < 1 || height > MAX_H || offsets.len != levels * 8 ||
        counts.len != offsets.len || empties.len != 32 * (Py_ssize_t)height || leaves.len != n * 8 ||
        nonces.len != 32 * n || (hashes.buf != NULL && hashes.len != 32 * n) ||
        (areas.buf != NULL && areas.len != 0 && areas.len != 2 * offsets.len)) {
        PyErr_SetString(PyExc_ValueError, "cut: inconsistent tree description");
        goto done;
    }
    unsigned long long start[MAX_H + 1], count[MAX_H + 1];
    Area area[MAX_H + 1] = {{0, 0}};
    memcpy(start, offsets.buf, (size_t)offsets.len);
    memcpy(count, counts.buf, (size_t)counts.len);
    if (areas.buf != NULL && areas.len != 0) memcpy(area, areas.buf, (size_t)areas.len);
    unsigned long long size = (unsigned long long)tree.len;
    for (int l = 0; l < height; l++) {
        /* a sparse level: its table of count + 1 offsets, its records in the map */
        unsigned long long width = area[l].start ? 8 : record, entries = count[l] + (area[l].start != 0);
        if (start[l] > size || entries > (size - start[l]) / width ||
            area[l].start > size || area[l].size > size - area[l].start) {
            PyErr_SetString(PyExc_ValueError, "cut: a level lies outside the tree");
            goto done;
        }
    }
    size_t bound = 96 + fragment_bound(height, k); /* and the nonce */
    Py_ssize_t per_step = (Py_ssize_t)(CUT_TEXT / bound);
    per_step = per_step < 1 ? 1 : per_step > CUT_STEP ? CUT_STEP : per_step;
    text = PyMem_RawMalloc((size_t)per_step * bound);
    lengths = PyMem_RawMalloc((size_t)per_step * sizeof(size_t));
    fail = PyMem_RawMalloc((size_t)per_step * sizeof(CutFailure));
    result = PyList_New(n);
    if (text == NULL || lengths == NULL || fail == NULL || result == NULL) {
        if (!PyErr_Occurred()) PyErr_NoMemory();
        Py_CLEAR(result);
        goto done;
    }
    CutJob job = {tree.buf, empties.buf, leaves.buf, nonces.buf, hashes.buf, start, count, area,
                  height, k, record, bound, 0, text, lengths, fail};
    for (Py_ssize_t first = 0; first < n; first += per_step) {
        Py_ssize_t step = n - first < per_step ? n - first : per_step;
        job.first = first;
        memset(fail, 0, (size_t)step * sizeof(CutFailure));
        Py_BEGIN_ALLOW_THREADS
        spread(cut_range, &job, step, step < 32 ? 1 : CUT_THREADS);
        Py_END_ALLOW_THREADS
        for (Py_ssize_t i = 0; i < step; i++) { /* the first failure in the list's order */
            if (fail[i].no_memory) {
                PyErr_NoMemory();
                Py_CLEAR(result);
                goto done;
            }
            if (fail[i].bad_leaf) {
                PyErr_Format(PyExc_ValueError, "cut: leaf number %zd of the list is not in the tree",
                             first + i);
                Py_CLEAR(result);
                goto done;
            }
            if (fail[i].why != NULL) {
                PyObject *where = Py_BuildValue("(iKs)", fail[i].level, fail[i].node, fail[i].why);
                if (where != NULL) PyErr_SetObject(PyExc_ValueError, where);
                Py_XDECREF(where);
                Py_CLEAR(result);
                goto done;
            }
        }
        for (Py_ssize_t i = 0; i < step; i++) {
            if (lengths[i] == UNCONFIRMED) {
                Py_INCREF(Py_None);
                PyList_SET_ITEM(result, first + i, Py_None);
                continue;
            }
            /* ASCII by construction: no scan for the widest character */
            PyObject *line = PyUnicode_New((Py_ssize_t)lengths[i], 127);
            if (line == NULL) {
                Py_CLEAR(result);
                goto done;
            }
            memcpy(PyUnicode_1BYTE_DATA(line), text + (size_t)i * bound, lengths[i]);
            PyList_SET_ITEM(result, first + i, line);
        }
    }
done:
    PyMem_RawFree(text);
    PyMem_RawFree(lengths);
    PyMem_RawFree(fail);
    if (areas.buf != NULL) PyBuffer_Release(&areas);
    if (hashes.buf != NULL) PyBuffer_Release(&hashes);
    PyBuffer_Release(&tree);
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&counts);
    PyBuffer_Release(&empties);
    PyBuffer_Release(&leaves);
    PyBuffer_Release(&nonces);
    return result;
}

/* ---- building a tree: leaf hashes, HMAC nonces and the level reducer ------------------
 *
 * Why C: a build hashes three messages per account (SHA256(account_id), the leaf, one
 * parent on average) and one HMAC per account when nonces are derived from a key; a
 * Python call per message ran the build at about 0.14 of this machine's hashlib limit.
 * The work is split over two threads (the machine's two cores) with the GIL released;
 * the threads take disjoint halves of a batch or a level, so the output does not depend
 * on the split. */

/* The UTF-8 bytes of each str of a list, borrowed from the str objects (which the list
 * keeps alive), so that the hashing can run without the GIL. */
typedef struct {
    const char **s;
    Py_ssize_t *n;
    Py_ssize_t count;
} Texts;

static int texts_of(PyObject *list, Texts *t) {
    if (!PyList_Check(list)) {
        PyErr_SetString(PyExc_TypeError, "account ids: a list of str");
        return 0;
    }
    t->count = PyList_GET_SIZE(list);
    t->s = PyMem_RawMalloc(sizeof(char *) * (size_t)(t->count + 1));
    t->n = PyMem_RawMalloc(sizeof(Py_ssize_t) * (size_t)(t->count + 1));
    if (t->s == NULL || t->n == NULL) {
        PyErr_NoMemory();
        return 0;
    }
    for (Py_ssize_t i = 0; i < t->count; i++) {
        PyObject *item = PyList_GET_ITEM(list, i);
        if (!PyUnicode_Check(item)) {
            PyErr_SetString(PyExc_TypeError, "account ids: a list of str");
            return 0;
        }
        t->s[i] = PyUnicode_AsUTF8AndSize(item, &t->n[i]);
        if (t->s[i] == NULL) return 0;
    }
    return 1;
}

static void texts_free(Texts *t) {
    PyMem_RawFree(t->s);
    PyMem_RawFree(t->n);
}

typedef struct {
    Texts ids;
    const unsigned char *nonces, *sums;
    size_t width;
    unsigned char *out;
} LeafJob;

static void leaf_range(void *ctx, Py_ssize_t from, Py_ssize_t to) {
    LeafJob *job = ctx;
    for (Py_ssize_t i = from; i < to; i++) {
        unsigned char id_hash[32];
        sha256((const unsigned char *)job->ids.s[i], (size_t)job->ids.n[i], id_hash);
        leaf_digest(job->nonces + 32 * i, id_hash, job->sums + job->width * (size_t)i, job->width,
                    job->out + 32 * i);
    }
}

/* leaf_hashes(ids, nonces, sums, k): SHA256(0x00 || nonce || SHA256(id) || enc(balances))
 * of each account, the spec's leaf, 32 bytes each. */
static PyObject *leaf_hashes(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *ids;
    Py_buffer nonces, sums;
    int k;
    if (!PyArg_ParseTuple(args, "O!y*y*i", &PyList_Type, &ids, &nonces, &sums, &k)) return NULL;
    PyObject *result = NULL;
    LeafJob job = {.nonces = nonces.buf, .sums = sums.buf, .width = 16 * (size_t)k};
    if (!texts_of(ids, &job.ids)) goto done;
    Py_ssize_t m = job.ids.count;
    if (k < 1 || nonces.len != 32 * m || sums.len != (Py_ssize_t)job.width * m) {
        PyErr_SetString(PyExc_ValueError, "leaf_hashes: nonces or sums of the wrong size");
        goto done;
    }
    result = PyBytes_FromStringAndSize(NULL, 32 * m);
    if (result == NULL) goto done;
    job.out = (unsigned char *)PyBytes_AS_STRING(result);
    Py_BEGIN_ALLOW_THREADS
    split(leaf_range, &job, m);
    Py_END_ALLOW_THREADS
done:
    texts_free(&job.ids);
    PyBuffer_Release(&nonces);
    PyBuffer_Release(&sums);
    return result;
}

typedef struct {
    Texts ids;
    SHA256_CTX inner, outer; /* after the key's padded block: HMAC without re-keying */
    const unsigned char *prefix;
    size_t prefix_len;
    unsigned char *out;
} NonceJob;

static void nonce_range(void *ctx, Py_ssize_t from, Py_ssize_t to) {
    NonceJob *job = ctx;
    for (Py_ssize_t i = from; i < to; i++) {
        SHA256_CTX c = job->inner;
        unsigned char mid[32];
        SHA256_Update(&c, job->prefix, job->prefix_len);
        SHA256_Update(&c, job->ids.s[i], (size_t)job->ids.n[i]);
        SHA256_Final(mid, &c);
        c = job->outer;
        SHA256_Update(&c, mid, 32);
        SHA256_Final(job->out + 32 * i, &c);
    }
}

/* hmac_nonces(key, prefix, ids): HMAC-SHA256(key, prefix || id) of each id, 32 bytes each
 * (RFC 2104, written out over the SHA-256 calls above: OpenSSL's HMAC() looks the
 * digest up on every call, which costs more than the four compressions of a nonce). */
static PyObject *hmac_nonces(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer key, prefix;
    PyObject *ids;
    if (!PyArg_ParseTuple(args, "y*y*O!", &key, &prefix, &PyList_Type, &ids)) return NULL;
    PyObject *result = NULL;
    NonceJob job = {.prefix = prefix.buf, .prefix_len = (size_t)prefix.len};
    if (!texts_of(ids, &job.ids)) goto done;
    unsigned char block[64] = {0}, pad[64];
    if (key.len > 64)
        sha256(key.buf, (size_t)key.len, block);
    else
        memcpy(block, key.buf, (size_t)key.len);
    for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x36;
    SHA256_Init(&job.inner);
    SHA256_Update(&job.inner, pad, 64);
    for (int i = 0; i < 64; i++) pad[i] = block[i] ^ 0x5c;
    SHA256_Init(&job.outer);
    SHA256_Update(&job.outer, pad, 64);
    result = PyBytes_FromStringAndSize(NULL, 32 * job.ids.count);
    if (result == NULL) goto done;
    job.out = (unsigned char *)PyBytes_AS_STRING(result);
    Py_BEGIN_ALLOW_THREADS
    split(nonce_range, &job, job.ids.count);
    Py_END_ALLOW_THREADS
done:
    texts_free(&job.ids);
    PyBuffer_Release(&key);
    PyBuffer_Release(&prefix);
    return result;
}

/* ---- the account index (lookup.bin, verifier/tree/lookup.py): ids to leaves and nonces */

/* An account id's key in lookup.bin: 64-bit FNV-1a over its UTF-8 bytes, then
 * MurmurHash3's finaliser (FNV alone leaves the high bits, which pick the directory
 * entry, poorly mixed for short ids that differ in their last bytes). Not a security
 * property: a key two ids share only sends their lookups to accounts.sqlite, and a key
 * found is confirmed by the leaf's own hash before a proof is written (cut_range). A
 * SHA-256 here would cost the build a fourth hash per account. */
static uint64_t id_key(const unsigned char *s, size_t n) {
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ s[i]) * 0x100000001b3ULL;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

/* id_keys(ids) -> bytes: each id's key, u64 little-endian. */
static PyObject *id_keys(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *ids, *result = NULL;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &ids)) return NULL;
    Texts t = {0};
    if (texts_of(ids, &t) && (result = PyBytes_FromStringAndSize(NULL, 8 * t.count)) != NULL) {
        unsigned char *out = (unsigned char *)PyBytes_AS_STRING(result);
        Py_BEGIN_ALLOW_THREADS /* the build calls it behind the thread that parses */
        for (Py_ssize_t i = 0; i < t.count; i++) {
            uint64_t key = id_key((const unsigned char *)t.s[i], (size_t)t.n[i]);
            for (int b = 0; b < 8; b++, key >>= 8) out[8 * i + b] = (unsigned char)key;
        }
        Py_END_ALLOW_THREADS
    }
    texts_free(&t);
    return result;
}

static uint64_t read_le(const unsigned char *p, int width) {
    uint64_t x = 0;
    for (int b = width - 1; b >= 0; b--) x = x << 8 | p[b];
    return x;
}

enum { FOUND, ABSENT, SHARED, BAD_ENTRY };

typedef struct {
    const unsigned char *map, *dir, *keys, *rows, *leaves, *nonces;
    uint64_t n;
    int width, bits;
    Texts ids;
    unsigned char *leaves_out, *nonces_out, *hashes_out, *status;
} FindJob;

static void find_range(void *ctx, Py_ssize_t from, Py_ssize_t to) {
    FindJob *job = ctx;
    int w = job->width;
    for (Py_ssize_t i = from; i < to; i++) {
        const unsigned char *id = (const unsigned char *)job->ids.s[i];
        size_t len = (size_t)job->ids.n[i];
        uint64_t key = id_key(id, len), p = job->bits ? key >> (64 - job->bits) : 0;
        sha256(id, len, job->hashes_out + 32 * i);
        uint64_t lo = read_le(job->dir + 8 * p, 8), hi = read_le(job->dir + 8 * p + 8, 8);
        if (lo > hi || hi > job->n) {
            job->status[i] = BAD_ENTRY;
            continue;
        }
        while (lo < hi) { /* the first key >= key in its directory entry */
            uint64_t mid = lo + (hi - lo) / 2;
            if (read_le(job->keys + 8 * mid, 8) < key) lo = mid + 1;
            else hi = mid;
        }
        if (lo >= job->n || read_le(job->keys + 8 * lo, 8) != key) {
            job->status[i] = ABSENT;
            continue;
        }
        if (lo + 1 < job->n && read_le(job->keys + 8 * (lo + 1), 8) == key) {
            job->status[i] = SHARED;
            continue;
        }
        uint64_t row = read_le(job->rows + (size_t)w * lo, w), leaf;
        if (row >= job->n || (leaf = read_le(job->leaves + (size_t)w * row, w)) >= job->n) {
            job->status[i] = BAD_ENTRY;
            continue;
        }
        memcpy(job->leaves_out + 8 * i, &leaf, 8);
        memcpy(job->nonces_out + 32 * i, job->nonces + 32 * row, 32);
        job->status[i] = FOUND;
    }
}

/* find(index, n, width, bits, at, ids) -> (leaves, nonces, id_hashes, status): for each
 * id, from lookup.bin (mapped) whose sections start at `at` (directory, keys, rows,
 * leaves, nonces: u64 each, checked to lie in the map): its leaf (u64 native) and nonce
 * (32 bytes) when its key is found once, SHA256(id) (32 bytes) and a status byte (0
 * found, 1 absent, 2 a key more than one id has, 3 an entry the file cannot hold).
 * On FIND_THREADS threads, for the reason cut's are (its comment). */
#define FIND_THREADS 8
static PyObject *find(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer index, at;
    unsigned long long n;
    int width, bits;
    PyObject *ids, *result = NULL, *leaves = NULL, *nonces = NULL, *hashes = NULL, *status = NULL;
    if (!PyArg_ParseTuple(args, "y*Kiiy*O!", &index, &n, &width, &bits, &at, &PyList_Type, &ids))
        return NULL;
    Texts t = {0};
    uint64_t sections[5];
    const unsigned char *map = index.buf;
    uint64_t size = (uint64_t)index.len, dir_entries = bits ? (1ULL << bits) + 1 : 2;
    uint64_t lengths[5] = {8 * dir_entries, 8 * n, (uint64_t)width * n, (uint64_t)width * n, 32 * n};
    if (at.len != sizeof sections || (width != 4 && width != 8) || bits < 0 || bits > 40 ||
        n > size / 32) {
        PyErr_SetString(PyExc_ValueError, "find: inconsistent index description");
        goto done;
    }
    memcpy(sections, at.buf, sizeof sections);
    for (int s = 0; s < 5; s++)
        if (sections[s] > size || lengths[s] > size - sections[s]) {
            PyErr_SetString(PyExc_ValueError, "find: a section lies outside the index");
            goto done;
        }
    if (!texts_of(ids, &t)) goto done;
    leaves = PyBytes_FromStringAndSize(NULL, 8 * t.count);
    nonces = PyBytes_FromStringAndSize(NULL, 32 * t.count);
    hashes = PyBytes_FromStringAndSize(NULL, 32 * t.count);
    status = PyBytes_FromStringAndSize(NULL, t.count);
    if (leaves == NULL || nonces == NULL || hashes == NULL || status == NULL) goto done;
    memset(PyBytes_AS_STRING(leaves), 0, 8 * t.count);
    memset(PyBytes_AS_STRING(nonces), 0, 32 * t.count);
    FindJob job = {map, map + sections[0], map + sections[1], map + sections[2], map + sections[3],
                   map + sections[4], n, width, bits, t,
                   (unsigned char *)PyBytes_AS_STRING(leaves), (unsigned char *)PyBytes_AS_STRING(nonces),
                   (unsigned char *)PyBytes_AS_STRING(hashes), (unsigned char *)PyBytes_AS_STRING(status)};
    Py_BEGIN_ALLOW_THREADS
    spread(find_range, &job, t.count, t.count < 64 ? 1 : FIND_THREADS);
    Py_END_ALLOW_THREADS
    result = PyTuple_Pack(4, leaves, nonces, hashes, status);
done:
    Py_XDECREF(leaves);
    Py_XDECREF(nonces);
    Py_XDECREF(hashes);
    Py_XDECREF(status);
    texts_free(&t);
    PyBuffer_Release(&index);
    PyBuffer_Release(&at);
    return result;
}

/* Reducer: the levels of a tree from its leaves streamed in index order, each node
 * written at its place in tree.bin as soon as it exists. A level keeps at most one node
 * back (the left child whose sibling has not come yet), so memory is one record per
 * level whatever the number of leaves; `finish` pairs each level's last odd node with
 * the empty subtree E_l, bottom up. With fd -1 nothing is written: the audit wants only
 * the root record. */

typedef struct {
    PyObject_HEAD
    int fd, height;
    size_t k, record;
    unsigned long long offsets[MAX_H + 1], counts[MAX_H + 1], done[MAX_H + 1];
    int waiting[MAX_H + 1];
    unsigned char *held; /* (height + 1) records: each level's waiting left child */
    unsigned char *root;
    unsigned char empties[MAX_H][32];
    int failed; /* set once a push failed: the reducer's state is no longer whole */
    /* sparse levels (store.py, tree.bin version 2): offsets[l] is the level's offset
     * table in fd; its records go to data_fd[l] from data_base[l] on (-1: dense) */
    long long data_fd[MAX_H + 1];
    unsigned long long data_base[MAX_H + 1], data_len[MAX_H + 1];
    /* Leaves are pushed PUSH_CHUNK at a time, so that the parents of every level and a
     * sparse level's records fit one buffer, allocated once: a buffer of the size of
     * each push, fresh from the system every time, cost a page fault per 4 KiB of nodes
     * (a tenth of a 30-asset build). parents[l]: where level l's new nodes go; records
     * and records0: a sparse level's records, made by the pushing thread and by level
     * 0's writer thread. */
    unsigned char *scratch, *parents[MAX_H + 1], *records, *records0;
    int leaves_behind; /* during a push: level 0 is stored by a thread of its own */
} Reducer;

#define PUSH_CHUNK 8192

typedef struct {
    const unsigned char *children; /* 2 * count records */
    unsigned char *parents;
    size_t k, record;
    Py_ssize_t first_overflow; /* pair index, or -1 */
    size_t overflow_asset;
} PairJob;

typedef struct {
    PairJob *job;
    Py_ssize_t overflow; /* of this range */
    size_t asset;
} PairPart;

/* A 16-byte big-endian value in two 64-bit loads; a byte at a time through 128-bit
 * shifts made the sums of 30 assets cost more than hashing the node. */
static inline unsigned long long load_be64_fast(const unsigned char *p) {
    unsigned long long x;
    memcpy(&x, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

static inline void store_be64_fast(unsigned char *p, unsigned long long x) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    memcpy(p, &x, 8);
}

/* left sums + right sums; a sum with a zero side is the other side's bytes as they are
 * (most of them, when accounts hold few of many assets). */
static int add_sums(unsigned char *out, const unsigned char *a, const unsigned char *b, size_t k,
                    size_t *asset) {
    for (size_t j = 0; j < k; j++, a += 16, b += 16, out += 16) {
        unsigned long long ah = load_be64_fast(a), al = load_be64_fast(a + 8);
        unsigned long long bh = load_be64_fast(b), bl = load_be64_fast(b + 8);
        if ((bh | bl) == 0 || (ah | al) == 0) {
            memcpy(out, (bh | bl) == 0 ? a : b, 16);
            continue;
        }
        u128 x = (u128)ah << 64 | al, s = x + ((u128)bh << 64 | bl);
        if (s < x) {
            *asset = j;
            return 0;
        }
        store_be64_fast(out, (unsigned long long)(s >> 64));
        store_be64_fast(out + 8, (unsigned long long)s);
    }
    return 1;
}

/* parent = SHA256(0x01 || left record || right record) || left sums + right sums */
static int parent(unsigned char *out, const unsigned char *left, const unsigned char *right,
                  size_t k, size_t record, size_t *asset) {
    static const unsigned char NODE_TAG = 0x01;
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, &NODE_TAG, 1);
    SHA256_Update(&c, left, record);
    SHA256_Update(&c, right, record);
    SHA256_Final(out, &c);
    return add_sums(out + 32, left + 32, right + 32, k, asset);
}

static void pair_range(void *ctx, Py_ssize_t from, Py_ssize_t to) {
    PairPart *part = ctx;
    PairJob *job = part->job;
    part->overflow = -1;
    for (Py_ssize_t i = from; i < to; i++) {
        const unsigned char *left = job->children + 2 * job->record * (size_t)i;
        if (!parent(job->parents + job->record * (size_t)i, left, left + job->record, job->k,
                    job->record, &part->asset)) {
            part->overflow = i;
            return;
        }
    }
}

/* Both halves of the pairs on their own thread; the first overflow in index order wins. */
static void pair_level(PairJob *job, Py_ssize_t pairs) {
    PairPart parts[BUILD_THREADS] = {{job, -1, 0}, {job, -1, 0}};
    if (pairs < THREAD_MIN) {
        pair_range(&parts[0], 0, pairs);
    } else {
        Part second = {pair_range, &parts[1], pairs / 2, pairs};
        pthread_t thread;
        int started = pthread_create(&thread, NULL, run_part, &second) == 0;
        pair_range(&parts[0], 0, started ? pairs / 2 : pairs);
        if (started) pthread_join(thread, NULL);
    }
    job->first_overflow = -1;
    for (int t = 0; t < BUILD_THREADS; t++)
        if (parts[t].overflow >= 0) {
            job->first_overflow = parts[t].overflow;
            job->overflow_asset = parts[t].asset;
            break;
        }
}

static int write_at(int fd, const unsigned char *data, size_t n, unsigned long long offset) {
    while (n > 0) {
        ssize_t w = pwrite(fd, data, n, (off_t)offset);
        if (w < 0) {
            if (errno == EINTR) continue;
            return 0;
        }
        data += w;
        n -= (size_t)w;
        offset += (unsigned long long)w;
    }
    return 1;
}

enum { PUSH_OK = 0, PUSH_IO = 1, PUSH_OVERFLOW = 2, PUSH_TOO_MANY = 3 };

/* A sparse record: hash || bitmap of the non-zero sums (bit j = asset j, most significant
 * bit first) || those sums in asset order, from a hash and k sums of 16 bytes. Returns
 * its end. Also the spill record of a build (after its u64 tail: see pack_records). */
static unsigned char *sparse_record(unsigned char *out, const unsigned char *hash,
                                    const unsigned char *enc, size_t k) {
    static const unsigned char ZERO[16] = {0};
    size_t bitmap = (k + 7) / 8;
    memcpy(out, hash, 32);
    unsigned char *bits = out + 32, *sums = bits + bitmap;
    memset(bits, 0, bitmap);
    for (size_t j = 0; j < k; j++) {
        const unsigned char *v = enc + 16 * j;
        if (memcmp(v, ZERO, 16) == 0) continue;
        bits[j / 8] |= (unsigned char)(0x80u >> (j % 8));
        memcpy(sums, v, 16);
        sums += 16;
    }
    return sums;
}

/* `count` nodes of `level` from node `first` on into tree.bin: in place (dense), or as
 * sparse records after the level's records so far, with their offsets in its table,
 * made in `records` (room for PUSH_CHUNK of them and their offsets). */
static int store_nodes(Reducer *r, int level, const unsigned char *nodes, size_t count,
                       unsigned long long first, unsigned char *records) {
    size_t R = r->record;
    if (r->data_fd[level] < 0)
        return write_at(r->fd, nodes, count * R, r->offsets[level] + first * R) ? PUSH_OK
                                                                                : PUSH_IO;
    unsigned char *table = records + PUSH_CHUNK * (R + (r->k + 7) / 8), *end = records;
    for (size_t i = 0; i < count; i++) {
        be64(table + 8 * i, r->data_len[level] + (unsigned long long)(end - records));
        end = sparse_record(end, nodes + i * R, nodes + i * R + 32, r->k);
    }
    size_t size = (size_t)(end - records);
    int status = write_at((int)r->data_fd[level], records, size,
                          r->data_base[level] + r->data_len[level]) &&
                         write_at(r->fd, table, count * 8, r->offsets[level] + first * 8)
                     ? PUSH_OK
                     : PUSH_IO;
    r->data_len[level] += size;
    return status;
}

/* `count` (at most PUSH_CHUNK) nodes of `level`, next in index order, into tree.bin;
 * level 0's are the writer thread's while a push runs (Reducer_push). */
static int store_level(Reducer *r, int level, const unsigned char *nodes, size_t count) {
    if (r->fd < 0) return PUSH_OK; /* the audit: only the root record is wanted */
    if (level == 0 && r->leaves_behind) return PUSH_OK;
    return store_nodes(r, level, nodes, count, r->done[level], r->records);
}

typedef struct {
    int level;
    size_t asset;
} Failure;

/* `count` nodes of `level`, next in index order: written, then paired into the level
 * above. Runs without the GIL. */
static int push_level(Reducer *r, int level, const unsigned char *nodes, size_t count,
                      Failure *why) {
    size_t R = r->record;
    if (count == 0) return PUSH_OK;
    if (count > r->counts[level] - r->done[level]) return PUSH_TOO_MANY;
    int stored = store_level(r, level, nodes, count);
    if (stored != PUSH_OK) return stored;
    r->done[level] += count;
    if (level == r->height) {
        memcpy(r->root, nodes, R);
        return PUSH_OK;
    }
    unsigned char *held = r->held + (size_t)level * R;
    size_t total = count + (size_t)r->waiting[level], pairs = total / 2;
    unsigned char *parents = r->parents[level + 1];
    size_t from = 0; /* the first of `nodes` that pairs with the one after it */
    why->level = level + 1;
    if (r->waiting[level]) {
        if (!parent(parents, held, nodes, r->k, R, &why->asset)) return PUSH_OVERFLOW;
        from = 1;
    }
    PairJob job = {nodes + from * R, parents + (r->waiting[level] ? R : 0), r->k, R, -1, 0};
    size_t rest = (count - from) / 2;
    pair_level(&job, (Py_ssize_t)rest);
    if (job.first_overflow >= 0) {
        why->asset = job.overflow_asset;
        return PUSH_OVERFLOW;
    }
    r->waiting[level] = (count - from) % 2;
    if (r->waiting[level]) memcpy(held, nodes + (count - 1) * R, R);
    return push_level(r, level + 1, parents, pairs, why);
}

static PyObject *push_failed(Reducer *r, int status, const Failure *why) {
    r->failed = 1;
    switch (status) {
    case PUSH_IO:
        return PyErr_SetFromErrno(PyExc_OSError);
    case PUSH_OVERFLOW:
    {
        /* args (asset index, level): the caller names the asset's column */
        PyObject *where = Py_BuildValue("(ni)", (Py_ssize_t)why->asset, why->level);
        if (where != NULL) PyErr_SetObject(PyExc_OverflowError, where);
        Py_XDECREF(where);
        return NULL;
    }
    default:
        PyErr_SetString(PyExc_ValueError, "Reducer: more nodes than the tree holds");
        return NULL;
    }
}

/* The leaves of a push stored on a thread of its own: level 0 is half of a dense
 * tree.bin, and writing it (or encoding it sparse) on the pushing thread held the
 * hashing up for as long as that took. The thread alone touches level 0's records
 * (data_len[0], its own buffer) until it is joined. */
typedef struct {
    Reducer *r;
    const unsigned char *leaves;
    size_t count;
    unsigned long long first;
    int status, error;
} LeafWrite;

static void *run_leaf_write(void *arg) {
    LeafWrite *w = arg;
    size_t R = w->r->record;
    w->status = PUSH_OK;
    for (size_t at = 0; at < w->count && w->status == PUSH_OK; at += PUSH_CHUNK) {
        size_t part = w->count - at < PUSH_CHUNK ? w->count - at : PUSH_CHUNK;
        w->status = store_nodes(w->r, 0, w->leaves + at * R, part, w->first + at, w->r->records0);
    }
    w->error = errno;
    return NULL;
}

static PyObject *Reducer_push(Reducer *r, PyObject *args) {
    Py_buffer leaves;
    if (!PyArg_ParseTuple(args, "y*", &leaves)) return NULL;
    if (r->failed || leaves.len % (Py_ssize_t)r->record) {
        PyBuffer_Release(&leaves);
        PyErr_SetString(PyExc_ValueError, "Reducer.push: a failed reducer or a partial record");
        return NULL;
    }
    int status = PUSH_OK;
    Failure why = {0, 0};
    size_t count = (size_t)leaves.len / r->record;
    if (count > r->counts[0] - r->done[0]) {
        PyBuffer_Release(&leaves);
        return push_failed(r, PUSH_TOO_MANY, &why);
    }
    LeafWrite level0 = {r, leaves.buf, count, r->done[0], PUSH_OK, 0};
    pthread_t writer;
    Py_BEGIN_ALLOW_THREADS
    /* the leaves stay put until the push returns: level 0 is stored from them while the
     * levels above are hashed (or by push_level, if no thread can start) */
    r->leaves_behind =
        r->fd >= 0 && count > 0 && pthread_create(&writer, NULL, run_leaf_write, &level0) == 0;
    for (size_t at = 0; at < count && status == PUSH_OK; at += PUSH_CHUNK) {
        size_t part = count - at < PUSH_CHUNK ? count - at : PUSH_CHUNK;
        status = push_level(r, 0, (const unsigned char *)leaves.buf + at * r->record, part, &why);
    }
    if (r->leaves_behind) {
        pthread_join(writer, NULL);
        r->leaves_behind = 0;
        if (status == PUSH_OK && level0.status != PUSH_OK) {
            errno = level0.error;
            status = level0.status;
        }
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&leaves);
    if (status != PUSH_OK) return push_failed(r, status, &why);
    Py_RETURN_NONE;
}

static PyObject *Reducer_finish(Reducer *r, PyObject *Py_UNUSED(args)) {
    if (r->failed || r->done[0] != r->counts[0]) {
        PyErr_SetString(PyExc_ValueError, "Reducer.finish: the leaves are not all there");
        return NULL;
    }
    size_t R = r->record;
    unsigned char *odd = calloc(2, R);
    if (odd == NULL) return PyErr_NoMemory();
    int status = PUSH_OK;
    Failure why = {0, 0};
    Py_BEGIN_ALLOW_THREADS
    for (int l = 0; l < r->height && status == PUSH_OK; l++) {
        if (!r->waiting[l]) continue;
        memcpy(odd, r->held + (size_t)l * R, R);
        memcpy(odd + R, r->empties[l], 32); /* an empty subtree: its sums are zero */
        memset(odd + R + 32, 0, R - 32);
        r->waiting[l] = 0;
        why.level = l + 1;
        if (!parent(odd, odd, odd + R, r->k, R, &why.asset))
            status = PUSH_OVERFLOW;
        else
            status = push_level(r, l + 1, odd, 1, &why);
    }
    Py_END_ALLOW_THREADS
    free(odd);
    if (status != PUSH_OK) return push_failed(r, status, &why);
    for (int l = 0; l <= r->height; l++)
        if (r->done[l] != r->counts[l]) {
            PyErr_SetString(PyExc_ValueError, "Reducer.finish: a level is not whole");
            return NULL;
        }
    for (int l = 0; l <= r->height; l++) {
        unsigned char end[8]; /* a sparse level's table ends with the size of its records */
        be64(end, r->data_len[l]);
        if (r->data_fd[l] >= 0 && !write_at(r->fd, end, 8, r->offsets[l] + r->counts[l] * 8)) {
            r->failed = 1;
            return PyErr_SetFromErrno(PyExc_OSError);
        }
    }
    return PyBytes_FromStringAndSize((const char *)r->root, (Py_ssize_t)R);
}

static int Reducer_init(Reducer *r, PyObject *args, PyObject *kwargs) {
    Py_buffer offsets, counts, empties, sparse = {0};
    int fd, k;
    static char *names[] = {"fd", "offsets", "counts", "empties", "k", "sparse", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "iy*y*y*i|y*", names, &fd, &offsets, &counts,
                                     &empties, &k, &sparse))
        return -1;
    int ok = 0;
    Py_ssize_t levels = offsets.len / 8;
    int height = (int)levels - 1;
    if (k < 1 || height < 1 || height > MAX_H || offsets.len != levels * 8 ||
        counts.len != offsets.len || empties.len != 32 * (Py_ssize_t)height ||
        r->held != NULL || (sparse.buf != NULL && sparse.len != 0 && sparse.len != levels * 16)) {
        PyErr_SetString(PyExc_ValueError, "Reducer: inconsistent tree description");
        goto done;
    }
    for (int l = 0; l <= height; l++) {
        r->data_fd[l] = -1; /* dense unless `sparse` names (fd, base) for the level */
        r->data_base[l] = r->data_len[l] = 0;
        if (sparse.buf != NULL && sparse.len != 0) {
            memcpy(&r->data_fd[l], (const unsigned char *)sparse.buf + 16 * l, 8);
            memcpy(&r->data_base[l], (const unsigned char *)sparse.buf + 16 * l + 8, 8);
        }
    }
    r->fd = fd;
    r->height = height;
    r->k = (size_t)k;
    r->record = 32 + 16 * (size_t)k;
    memcpy(r->offsets, offsets.buf, (size_t)offsets.len);
    memcpy(r->counts, counts.buf, (size_t)counts.len);
    memcpy(r->empties, empties.buf, (size_t)empties.len);
    memset(r->done, 0, sizeof r->done);
    memset(r->waiting, 0, sizeof r->waiting);
    r->held = PyMem_RawCalloc((size_t)levels + 1, r->record);
    r->root = r->held + (size_t)levels * r->record;
    /* level l + 1 gets at most (PUSH_CHUNK >> l) / 2 + 1 nodes a push (a held one pairs
     * with the first) */
    size_t nodes = 0, most = PUSH_CHUNK;
    for (int l = 1; l <= height; l++) nodes += (most = most / 2 + 1);
    size_t sparse_bytes = PUSH_CHUNK * (r->record + ((size_t)k + 7) / 8 + 8);
    r->scratch = PyMem_RawMalloc(nodes * r->record + 2 * sparse_bytes);
    if (r->held == NULL || r->scratch == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    r->records = r->scratch;
    r->records0 = r->scratch + sparse_bytes; /* level 0's, on the writer thread */
    most = PUSH_CHUNK;
    unsigned char *next = r->scratch + 2 * sparse_bytes;
    for (int l = 1; l <= height; l++, next += most * r->record) {
        most = most / 2 + 1;
        r->parents[l] = next;
    }
    ok = 1;
done:
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&counts);
    PyBuffer_Release(&empties);
    if (sparse.buf != NULL) PyBuffer_Release(&sparse);
    return ok ? 0 : -1;
}

static void Reducer_dealloc(Reducer *r) {
    PyMem_RawFree(r->held);
    PyMem_RawFree(r->scratch);
    Py_TYPE(r)->tp_free((PyObject *)r);
}

static PyMethodDef REDUCER_METHODS[] = {
    {"push", (PyCFunction)Reducer_push, METH_VARARGS,
     "push(leaves): the next leaf records (hash || enc(balances)) in index order"},
    {"finish", (PyCFunction)Reducer_finish, METH_NOARGS,
     "finish() -> the root record, once every leaf was pushed"},
    {NULL, NULL, 0, NULL}};

static PyTypeObject REDUCER_TYPE = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "verifier.tree._fastverify.Reducer",
    .tp_basicsize = sizeof(Reducer),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Reducer(fd, offsets, counts, empties, k, sparse=b''): writes every level of "
              "tree.bin at its offset from the leaves pushed in index order; `sparse`, "
              "(fd, base) per level as two native int64 (fd -1: dense), writes a level's "
              "sparse records to fd from base on and its offset table at its offset",
    .tp_new = PyType_GenericNew,
    .tp_init = (initproc)Reducer_init,
    .tp_dealloc = (destructor)Reducer_dealloc,
    .tp_methods = REDUCER_METHODS,
};

/* ---- ledger amounts: decimal text to base units ---------------------------------------
 *
 * Why C: a ledger of a million accounts and three assets is three million cells of
 * decimal text, and parsing them one Python call each took longer than everything else
 * in a tree build together. This is only a fast path: it takes a column in which every
 * cell is plain ASCII digits with at most one '.', no sign, at most `decimals`
 * fractional digits beyond trailing zeros and a value below 2^128, and returns None for
 * anything else (False), so that Python's parse_units (verifier/models/amounts.py) parses that
 * column and names the cell and its problem exactly as before. */

/* One cell into base units; 0 if it is not in the plain subset described above. */
static int plain_units(const unsigned char *s, size_t n, int decimals, u128 *out) {
    /* 2^128 - 1, the largest value por-mst-v1 holds, is top * 10 + top_digit: compared
     * with these constants, a digit costs no 128-bit division */
    const u128 top = ~(u128)0 / 10;
    const unsigned top_digit = (unsigned)(~(u128)0 % 10);
    u128 v = 0;
    int seen_point = 0, digits = 0, frac = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = s[i];
        if (ch == '.') {
            if (seen_point) return 0;
            seen_point = 1;
            continue;
        }
        if (ch < '0' || ch > '9') return 0;
        digits++;
        if (seen_point && frac == decimals) {
            if (ch != '0') return 0; /* more decimals than the asset has */
            continue;                 /* a trailing zero beyond them */
        }
        if (seen_point) frac++;
        unsigned d = ch - '0';
        if (v > top || (v == top && d > top_digit)) return 0; /* v * 10 + d > max */
        v = v * 10 + d;
    }
    if (digits == 0) return 0;
    for (; frac < decimals; frac++) {
        if (v > top) return 0;
        v *= 10;
    }
    *out = v;
    return 1;
}

static PyObject *int_of(u128 v) {
    if ((v >> 64) == 0) return PyLong_FromUnsignedLongLong((unsigned long long)v);
    PyObject *hi = PyLong_FromUnsignedLongLong((unsigned long long)(v >> 64));
    PyObject *lo = PyLong_FromUnsignedLongLong((unsigned long long)v);
    PyObject *shift = PyLong_FromLong(64);
    PyObject *up = hi && shift ? PyNumber_Lshift(hi, shift) : NULL;
    PyObject *result = up && lo ? PyNumber_Or(up, lo) : NULL;
    Py_XDECREF(hi);
    Py_XDECREF(lo);
    Py_XDECREF(shift);
    Py_XDECREF(up);
    return result;
}

/* plain_enc_column(offsets, data, first, count, decimals, out, column, k) -> bool: the
 * cells first..first+count-1 of an Arrow string column (int32 offsets, no nulls) written
 * as enc(value), 16 bytes big-endian, into asset `column` of the `count` rows of
 * enc(balances) (16k bytes each) in `out`; False, and `out` partly written, when any
 * cell is not plain. Straight to the leaf's bytes: a Python int per cell, encoded again
 * afterwards, cost half the ledger's reading. */
static PyObject *plain_enc_column(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer offsets, data, out;
    Py_ssize_t first, count, column, k;
    int decimals;
    if (!PyArg_ParseTuple(args, "y*y*nniw*nn", &offsets, &data, &first, &count, &decimals, &out,
                          &column, &k))
        return NULL;
    PyObject *result = NULL;
    const int32_t *at = offsets.buf;
    if (first < 0 || count < 0 || decimals < 0 || decimals > 38 || k < 1 || column < 0 ||
        column >= k || (first + count + 1) * (Py_ssize_t)sizeof(int32_t) > offsets.len ||
        out.len != 16 * k * count) {
        PyErr_SetString(PyExc_ValueError, "plain_enc_column: offsets or out of the wrong size");
        goto done;
    }
    int plain = 1;
    Py_BEGIN_ALLOW_THREADS
    unsigned char *row = (unsigned char *)out.buf + 16 * column;
    for (Py_ssize_t i = 0; i < count && plain; i++, row += 16 * k) {
        int32_t start = at[first + i], end = at[first + i + 1];
        u128 v;
        plain = start >= 0 && end >= start && end <= data.len &&
                plain_units((const unsigned char *)data.buf + start, (size_t)(end - start),
                            decimals, &v);
        if (plain) {
            be64(row, (unsigned long long)(v >> 64));
            be64(row + 8, (unsigned long long)v);
        }
    }
    Py_END_ALLOW_THREADS
    result = PyBool_FromLong(plain);
done:
    PyBuffer_Release(&offsets);
    PyBuffer_Release(&data);
    PyBuffer_Release(&out);
    return result;
}

/* The low 16 bytes (at most) of a little-endian integer of `width` bytes. */
static inline u128 load_le(const unsigned char *p, size_t width) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    u128 v = 0;
    unsigned long long w = 0;
    unsigned u = 0;
    unsigned short h = 0;
    switch (width) { /* fixed sizes: each memcpy is one load */
    case 1: return *p;
    case 2: memcpy(&h, p, 2); return h;
    case 4: memcpy(&u, p, 4); return u;
    case 8: memcpy(&w, p, 8); return w;
    default:
        if (width >= 16) {
            memcpy(&v, p, 16);
            return v;
        }
    }
#endif
    u128 x = 0;
    for (size_t b = width < 16 ? width : 16; b-- > 0;) x = x << 8 | p[b];
    return x;
}

/* binary_enc_column(data, first, count, width, is_signed, exponent, out, column, k) ->
 * bool: cells first..first+count-1 of an Arrow column of fixed-width little-endian
 * integers (a decimal's unscaled value, 4 to 32 bytes, or an integer type, 1 to 8 bytes;
 * no nulls) times 10^exponent, written as enc(value) into asset `column` of the rows of
 * enc(balances) in `out`, which the caller zeroed: a zero cell is not written (the rows
 * are 16k bytes apart, and touching each for nothing cost more than the cells); False, `out` partly written, when a cell is negative or the
 * value reaches 2^128, for Python to name the cell. The Parquet ledgers of many assets
 * are decimal columns: their cells through Python's text and int cost most of a build
 * of 30 assets. */
static PyObject *binary_enc_column(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer data, out;
    Py_ssize_t first, count, width, column, k;
    int is_signed, exponent;
    if (!PyArg_ParseTuple(args, "y*nnnpiw*nn", &data, &first, &count, &width, &is_signed,
                          &exponent, &out, &column, &k))
        return NULL;
    PyObject *result = NULL;
    if (first < 0 || count < 0 || width < 1 || width > 32 || exponent < 0 || k < 1 ||
        column < 0 || column >= k || (first + count) * width > data.len ||
        out.len != 16 * k * count) {
        PyErr_SetString(PyExc_ValueError, "binary_enc_column: data or out of the wrong size");
        goto done;
    }
    int fits = 1;
    Py_BEGIN_ALLOW_THREADS
    /* 10^exponent, or 0 when it is 2^128 or more (then only a zero cell fits) */
    u128 factor = 1;
    for (int e = 0; e < exponent && factor; e++)
        factor = factor > ~(u128)0 / 10 ? 0 : factor * 10;
    u128 most = factor ? ~(u128)0 / factor : 0; /* the largest cell that fits */
    const unsigned char *cell = (const unsigned char *)data.buf + first * width;
    unsigned char *row = (unsigned char *)out.buf + 16 * column;
    for (Py_ssize_t i = 0; i < count && fits; i++, cell += width, row += 16 * k) {
        if (is_signed && (cell[width - 1] & 0x80)) fits = 0; /* negative */
        for (Py_ssize_t b = 16; b < width; b++) fits &= cell[b] == 0;
        u128 v = load_le(cell, (size_t)width);
        if (v == 0) continue; /* `out` is zero already: most cells of a wide ledger are */
        if (v > most) {
            fits = 0;
            continue;
        }
        v *= factor;
        be64(row, (unsigned long long)(v >> 64));
        be64(row + 8, (unsigned long long)v);
    }
    Py_END_ALLOW_THREADS
    result = PyBool_FromLong(fits);
done:
    PyBuffer_Release(&data);
    PyBuffer_Release(&out);
    return result;
}

/* dec_columns(encoded, k) -> list[list[int]]: rows of enc(balances) back to one list of
 * int per asset, for the readers of a ledger that want the amounts themselves. */
static PyObject *dec_columns(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer encoded;
    Py_ssize_t k;
    if (!PyArg_ParseTuple(args, "y*n", &encoded, &k)) return NULL;
    PyObject *result = NULL;
    if (k < 1 || encoded.len % (16 * k)) {
        PyErr_SetString(PyExc_ValueError, "dec_columns: not rows of 16k bytes");
        goto done;
    }
    Py_ssize_t m = encoded.len / (16 * k);
    result = PyList_New(k);
    if (result == NULL) goto done;
    for (Py_ssize_t j = 0; j < k; j++) {
        PyObject *column = PyList_New(m);
        if (column == NULL) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, j, column);
        const unsigned char *cell = (const unsigned char *)encoded.buf + 16 * j;
        for (Py_ssize_t i = 0; i < m; i++, cell += 16 * k) {
            u128 v = 0;
            for (int b = 0; b < 16; b++) v = v << 8 | cell[b];
            PyObject *value = int_of(v);
            if (value == NULL) {
                Py_CLEAR(result);
                goto done;
            }
            PyList_SET_ITEM(column, i, value);
        }
    }
done:
    PyBuffer_Release(&encoded);
    return result;
}

/* enc_columns(columns) -> bytes: balances given per asset column (lists of int of equal
 * length m) as m rows of enc(balances), 16 bytes big-endian a value; OverflowError for a
 * value below 0 or of 2^128 or more, as int.to_bytes(16, "big") raises. A Python call
 * per value cost as much as hashing the leaf. */
static int enc_value(PyObject *v, unsigned char out[16]) {
    if (!PyLong_Check(v)) {
        PyErr_SetString(PyExc_TypeError, "enc_columns: a balance that is not an int");
        return 0;
    }
    unsigned long long lo = PyLong_AsUnsignedLongLong(v);
    if (!(lo == (unsigned long long)-1 && PyErr_Occurred())) {
        memset(out, 0, 8);
        be64(out + 8, lo);
        return 1;
    }
    PyErr_Clear(); /* 2^64 or more, or negative: the halves, through Python's arithmetic */
    PyObject *shift = PyLong_FromLong(64), *mask = PyLong_FromUnsignedLongLong(~0ULL);
    PyObject *hi_obj = shift ? PyNumber_Rshift(v, shift) : NULL;
    PyObject *lo_obj = mask ? PyNumber_And(v, mask) : NULL;
    int ok = 0;
    if (hi_obj && lo_obj) {
        unsigned long long hi = PyLong_AsUnsignedLongLong(hi_obj);
        if (!(hi == (unsigned long long)-1 && PyErr_Occurred())) {
            be64(out, hi);
            be64(out + 8, PyLong_AsUnsignedLongLong(lo_obj));
            ok = 1;
        } else {
            PyErr_SetString(PyExc_OverflowError, "a balance below 0 or of 2^128 or more");
        }
    }
    Py_XDECREF(shift);
    Py_XDECREF(mask);
    Py_XDECREF(hi_obj);
    Py_XDECREF(lo_obj);
    return ok;
}

static PyObject *enc_columns(PyObject *Py_UNUSED(self), PyObject *args) {
    PyObject *columns;
    if (!PyArg_ParseTuple(args, "O!", &PyList_Type, &columns)) return NULL;
    Py_ssize_t k = PyList_GET_SIZE(columns), m = -1;
    for (Py_ssize_t j = 0; j < k; j++) {
        PyObject *column = PyList_GET_ITEM(columns, j);
        if (!PyList_Check(column) || (m >= 0 && PyList_GET_SIZE(column) != m)) {
            PyErr_SetString(PyExc_ValueError, "enc_columns: lists of int of one length");
            return NULL;
        }
        m = PyList_GET_SIZE(column);
    }
    if (k == 0) return PyBytes_FromStringAndSize(NULL, 0);
    PyObject *result = PyBytes_FromStringAndSize(NULL, 16 * k * m);
    if (result == NULL) return NULL;
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(result);
    for (Py_ssize_t j = 0; j < k; j++) {
        PyObject *column = PyList_GET_ITEM(columns, j);
        for (Py_ssize_t i = 0; i < m; i++)
            if (!enc_value(PyList_GET_ITEM(column, i), out + 16 * (k * i + j))) {
                Py_DECREF(result);
                return NULL;
            }
    }
    return result;
}

/* ---- spill records: a build's leaves on their way to the reducer -----------------------
 *
 * A spill record is the leaf's u64 tail (its ledger row, or for the audit its stored leaf
 * index), big-endian, then its leaf record as a sparse record (sparse_record: hash,
 * bitmap, the non-zero sums). At 30 assets of which an account holds one to three, that
 * is about 75 bytes where the leaf record is 512: the partitions are written once and
 * read once, and their bytes and the copies of them were most of what a wide build did
 * besides hashing. */

#define SPILL_HEAD 8 /* the tail */

/* pack_records(hashes, sums, tails, parts, count, k) -> (data, bounds): the spill record
 * of each leaf (its hash, its row of enc(balances), its tail: native u64) grouped by its
 * partition number (native u64, below `count`), arrival order within a partition;
 * `bounds` the count + 1 offsets of the partitions in `data` (native u64). */
static PyObject *pack_records(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer hashes, sums, tails, parts;
    Py_ssize_t count, k;
    if (!PyArg_ParseTuple(args, "y*y*y*y*nn", &hashes, &sums, &tails, &parts, &count, &k))
        return NULL;
    PyObject *data = NULL, *bounds = NULL, *result = NULL;
    Py_ssize_t m = hashes.len / 32;
    if (k < 1 || count < 1 || hashes.len != 32 * m || sums.len != 16 * k * m ||
        tails.len != 8 * m || parts.len != 8 * m) {
        PyErr_SetString(PyExc_ValueError, "pack_records: inputs of the wrong size");
        goto done;
    }
    const unsigned long long *part = parts.buf, *tail = tails.buf;
    for (Py_ssize_t i = 0; i < m; i++)
        if (part[i] >= (unsigned long long)count) {
            PyErr_SetString(PyExc_ValueError, "pack_records: a partition number past count");
            goto done;
        }
    bounds = PyBytes_FromStringAndSize(NULL, 8 * (count + 1));
    if (bounds == NULL) goto done;
    unsigned long long *at = (unsigned long long *)PyBytes_AS_STRING(bounds);
    memset(at, 0, 8 * (size_t)(count + 1));
    const unsigned char *enc = sums.buf;
    size_t width = 16 * (size_t)k, fixed = SPILL_HEAD + 32 + ((size_t)k + 7) / 8;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t i = 0; i < m; i++) { /* each partition's size, one further on */
        size_t size = fixed;
        for (const unsigned char *v = enc + width * i, *e = v + width; v < e; v += 16) {
            unsigned long long a, b;
            memcpy(&a, v, 8);
            memcpy(&b, v + 8, 8);
            size += (a | b) ? 16 : 0;
        }
        at[part[i] + 1] += size;
    }
    for (Py_ssize_t p = 0; p < count; p++) at[p + 1] += at[p];
    Py_END_ALLOW_THREADS
    data = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)at[count]);
    if (data == NULL) goto done;
    unsigned char *out = (unsigned char *)PyBytes_AS_STRING(data);
    Py_BEGIN_ALLOW_THREADS
    /* at[p] walks partition p's records; afterwards it is where partition p + 1 starts */
    for (Py_ssize_t i = 0; i < m; i++) {
        unsigned char *rec = out + at[part[i]];
        be64(rec, tail[i]);
        at[part[i]] = (unsigned long long)(
            sparse_record(rec + SPILL_HEAD, (const unsigned char *)hashes.buf + 32 * i,
                          enc + width * i, (size_t)k) -
            out);
    }
    memmove(at + 1, at, 8 * (size_t)count);
    at[0] = 0;
    Py_END_ALLOW_THREADS
    result = PyTuple_Pack(2, data, bounds);
done:
    Py_XDECREF(data);
    Py_XDECREF(bounds);
    PyBuffer_Release(&hashes);
    PyBuffer_Release(&sums);
    PyBuffer_Release(&tails);
    PyBuffer_Release(&parts);
    return result;
}

/* The start of each spill record of `data` into `starts` (NULL: only counted); the number
 * of records, or -1 when the records do not tile `data` exactly or a bitmap marks an asset
 * past k: the partition files are the build's own, so that is a damaged disk. */
static Py_ssize_t spill_starts(const unsigned char *data, size_t len, size_t k,
                               size_t *starts) {
    size_t bitmap = (k + 7) / 8, at = 0;
    Py_ssize_t n = 0;
    while (at < len) {
        const unsigned char *bits = data + at + SPILL_HEAD + 32;
        if (len - at < SPILL_HEAD + 32 + bitmap || (k % 8 && bits[bitmap - 1] & (0xffu >> (k % 8))))
            return -1;
        size_t present = 0;
        for (size_t b = 0; b < bitmap; b++) present += (size_t)__builtin_popcount(bits[b]);
        if (starts != NULL) starts[n] = at;
        n++;
        at += SPILL_HEAD + 32 + bitmap + 16 * present;
    }
    return at == len ? n : -1;
}

/* A spill record's leaf record, whole: hash || enc(balances), the zero sums filled in. */
static void leaf_record(unsigned char *out, const unsigned char *rec, size_t k) {
    size_t bitmap = (k + 7) / 8;
    const unsigned char *bits = rec + SPILL_HEAD + 32, *sums = bits + bitmap;
    memcpy(out, rec + SPILL_HEAD, 32);
    memset(out + 32, 0, 16 * k);
    for (size_t byte = 0; byte < bitmap; byte++)
        for (unsigned set = bits[byte]; set; sums += 16) { /* the highest bit: the next asset */
            int top = 31 - __builtin_clz(set);
            memcpy(out + 32 + 16 * (8 * byte + 7 - (size_t)top), sums, 16);
            set &= ~(1u << top);
        }
}

/* spill_count(data, k) -> int: the number of spill records in `data`, a partition as
 * read; ValueError when it is not a run of spill records of k assets. */
static PyObject *spill_count(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer data;
    Py_ssize_t k, n = -1;
    if (!PyArg_ParseTuple(args, "y*n", &data, &k)) return NULL;
    Py_BEGIN_ALLOW_THREADS
    if (k >= 1) n = spill_starts(data.buf, (size_t)data.len, (size_t)k, NULL);
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&data);
    if (n < 0) {
        PyErr_SetString(PyExc_ValueError, "not a partition of spill records");
        return NULL;
    }
    return PyLong_FromSsize_t(n);
}

/* sort_records(data, k, by_hash, out) -> tails: the spill records of one partition
 * ordered by their leaf hash's first 8 bytes (big-endian) or, `by_hash` false, by their
 * tail, ties in the order they came: their whole leaf records (hash || enc(balances))
 * written to the start of `out`, a buffer the caller keeps from one partition to the
 * next (one of the partition's size, fresh from the system each time, cost a page fault
 * per 4 KiB), and their tails returned (big-endian u64). The keys of a partition are
 * leaf hashes (uniform) or consecutive leaf indices, so a stable counting pass into
 * about n/8 buckets spread over [min key, max key] leaves a few records a bucket, which
 * insertion sort orders: linear time, where numpy's stable argsort and its gather of
 * the rows took most of the build's sorting (and numpy has no sort of rows by a
 * byte-string key). */
static void sort_bucket(unsigned long long *keys, size_t *idx, size_t from, size_t to) {
    for (size_t i = from + 1; i < to; i++) {
        unsigned long long key = keys[i];
        size_t at = idx[i], j = i;
        for (; j > from && keys[j - 1] > key; j--) {
            keys[j] = keys[j - 1];
            idx[j] = idx[j - 1];
        }
        keys[j] = key;
        idx[j] = at;
    }
}

static unsigned long long load_be64(const unsigned char *p) {
    unsigned long long x = 0;
    for (int i = 0; i < 8; i++) x = x << 8 | p[i];
    return x;
}

static PyObject *sort_records(PyObject *Py_UNUSED(self), PyObject *args) {
    Py_buffer data, leaves;
    Py_ssize_t k;
    int by_hash;
    if (!PyArg_ParseTuple(args, "y*npw*", &data, &k, &by_hash, &leaves)) return NULL;
    PyObject *tails = NULL, *result = NULL;
    unsigned long long *keys = NULL, *sorted_keys = NULL;
    size_t *idx = NULL, *starts = NULL, *record_at = NULL;
    const unsigned char *in = data.buf;
    Py_ssize_t counted = -1;
    Py_BEGIN_ALLOW_THREADS
    if (k >= 1) counted = spill_starts(in, (size_t)data.len, (size_t)k, NULL);
    Py_END_ALLOW_THREADS
    size_t n = (size_t)counted, R = 32 + 16 * (size_t)k, key_at = by_hash ? SPILL_HEAD : 0;
    if (counted < 0 || (size_t)leaves.len < n * R) {
        PyErr_SetString(PyExc_ValueError,
                        "sort_records: not a partition of spill records, or out too small");
        goto done;
    }
    tails = PyBytes_FromStringAndSize(NULL, (Py_ssize_t)(n * 8));
    if (tails == NULL) goto done;
    size_t buckets = n / 8 + 1;
    record_at = PyMem_RawMalloc(n * sizeof *record_at + 1);
    keys = PyMem_RawMalloc(n * sizeof *keys + 1);
    sorted_keys = PyMem_RawMalloc(n * sizeof *sorted_keys + 1);
    idx = PyMem_RawMalloc(n * sizeof *idx + 1);
    starts = PyMem_RawCalloc(buckets + 1, sizeof *starts);
    if (record_at == NULL || keys == NULL || sorted_keys == NULL || idx == NULL ||
        starts == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    unsigned char *out = leaves.buf;
    unsigned char *out_tails = (unsigned char *)PyBytes_AS_STRING(tails);
    Py_BEGIN_ALLOW_THREADS
    spill_starts(in, (size_t)data.len, (size_t)k, record_at);
    unsigned long long low = ~0ULL, high = 0;
    for (size_t i = 0; i < n; i++) {
        keys[i] = load_be64(in + record_at[i] + key_at);
        if (keys[i] < low) low = keys[i];
        if (keys[i] > high) high = keys[i];
    }
    u128 span = n ? (u128)(high - low) + 1 : 1;
#define BUCKET(key) ((size_t)((u128)((key) - low) * buckets / span))
    for (size_t i = 0; i < n; i++) starts[BUCKET(keys[i]) + 1]++;
    for (size_t b = 0; b < buckets; b++) starts[b + 1] += starts[b];
    for (size_t i = 0; i < n; i++) { /* stable: arrival order within a bucket */
        size_t at = starts[BUCKET(keys[i])]++;
        sorted_keys[at] = keys[i];
        idx[at] = i;
    }
#undef BUCKET
    /* starts[b] is now the end of bucket b, so bucket b is [starts[b - 1], starts[b]) */
    for (size_t b = 0, from = 0; b < buckets; from = starts[b], b++)
        sort_bucket(sorted_keys, idx, from, starts[b]);
    for (size_t j = 0; j < n; j++) {
        const unsigned char *rec = in + record_at[idx[j]];
        leaf_record(out + R * j, rec, (size_t)k);
        memcpy(out_tails + 8 * j, rec, 8);
    }
    Py_END_ALLOW_THREADS
    result = tails;
    tails = NULL;
done:
    Py_XDECREF(tails);
    PyMem_RawFree(record_at);
    PyMem_RawFree(keys);
    PyMem_RawFree(sorted_keys);
    PyMem_RawFree(idx);
    PyMem_RawFree(starts);
    PyBuffer_Release(&data);
    PyBuffer_Release(&leaves);
    return result;
}

/* bound_heap(): large blocks always from mmap, so that freeing them returns them to the
 * system. glibc raises its mmap threshold to the size of each large block freed (up to
 * 32 MiB), after which blocks of a partition's size come from the heap and stay there:
 * a build's resident memory then grew with every partition it sorted (a peak of 449 MiB
 * instead of 336 MiB at 3M accounts). Called before the ledger is first read, since
 * what the heap holds by then it keeps. A no-op where the C library is not glibc. */
static PyObject *bound_heap(PyObject *Py_UNUSED(self), PyObject *Py_UNUSED(args)) {
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
    Py_RETURN_NONE;
}

static PyMethodDef METHODS[] = {
    {"certify", certify, METH_VARARGS,
     "certify(lines: bytes, published_hex: bytes | None) -> (kinds, ends, indices, accounts)\n"
     "Per line: kind (0 blank, 1 certainly included, 2 ask the Python verifier), the offset\n"
     "past it (u64), and for a certified line its leaf index (u64) and SHA256(account_id)[:16]."},
    {"cut", cut, METH_VARARGS,
     "cut(tree, offsets, counts, empties, k, leaves, nonces, areas=b'', id_hashes=None) -> list[str | None]\n"
     "Each leaf's proof line from \"nonce\" to the end of \"siblings\"."},
    {"id_keys", id_keys, METH_VARARGS, "id_keys(ids) -> bytes\nEach account id's key in lookup.bin, u64 each."},
    {"find", find, METH_VARARGS,
     "find(index, n, width, bits, at, ids) -> (leaves, nonces, id_hashes, status)\n"
     "Each account id looked up in lookup.bin."},
    {"leaf_hashes", leaf_hashes, METH_VARARGS,
     "leaf_hashes(ids, nonces, sums, k) -> bytes\nThe spec's leaf hash of each account, 32 bytes each."},
    {"plain_enc_column", plain_enc_column, METH_VARARGS,
     "plain_enc_column(offsets, data, first, count, decimals, out, column, k) -> bool\n"
     "Plain decimal cells of an Arrow string column as enc(value) into a column of out."},
    {"binary_enc_column", binary_enc_column, METH_VARARGS,
     "binary_enc_column(data, first, count, width, is_signed, exponent, out, column, k) -> bool\n"
     "Fixed-width little-endian integer cells times 10^exponent as enc(value) into a column of out."},
    {"dec_columns", dec_columns, METH_VARARGS,
     "dec_columns(encoded, k) -> list[list[int]]\nRows of enc(balances) as one list of int per asset."},
    {"enc_columns", enc_columns, METH_VARARGS,
     "enc_columns(columns) -> bytes\nBalances per asset column as rows of enc(balances)."},
    {"pack_records", pack_records, METH_VARARGS,
     "pack_records(hashes, sums, tails, parts, count, k) -> (data, bounds)\n"
     "Spill records (tail, sparse leaf record) grouped by partition number."},
    {"spill_count", spill_count, METH_VARARGS,
     "spill_count(data, k) -> int\nThe number of spill records in a partition."},
    {"sort_records", sort_records, METH_VARARGS,
     "sort_records(data, k, by_hash, out) -> tails\n"
     "Spill records ordered by leaf hash or by tail, ties in arrival order, as leaf records in out."},
    {"bound_heap", bound_heap, METH_NOARGS,
     "bound_heap()\nBlocks of 1 MiB or more from mmap, returned to the system when freed."},
    {"hmac_nonces", hmac_nonces, METH_VARARGS,
     "hmac_nonces(key, prefix, ids) -> bytes\nHMAC-SHA256(key, prefix || id) of each id, 32 bytes each."},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef MODULE = {PyModuleDef_HEAD_INIT, "_fastverify", NULL, -1, METHODS, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__fastverify(void) {
    if (PyType_Ready(&REDUCER_TYPE) < 0) return NULL;
    PyObject *module = PyModule_Create(&MODULE);
    if (module == NULL) return NULL;
    Py_INCREF(&REDUCER_TYPE);
    if (PyModule_AddObject(module, "Reducer", (PyObject *)&REDUCER_TYPE) < 0) {
        Py_DECREF(&REDUCER_TYPE);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
