/* inject.c: handing packets to the netif the way drivers do.
 *
 * INJ_REF wraps an exact-size copy of the packet in a custom PBUF_REF pbuf
 * (pbuf_alloced_custom); its free callback releases the memory, so the
 * stack's reference counting is observable.  The bytes end right where an
 * inaccessible guard page begins, so any read past the end of the packet
 * faults, in every build: AddressSanitizer alone would miss over-reads by
 * an uninstrumented library such as Debian's liblwip.  The start of the
 * packet is therefore not aligned for odd lengths; lwIP reads headers
 * through packed structs and copes, and so must a replacement. */
#include "stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "crash.h"
#include "expect.h"
#include "trace.h"

struct ref_pbuf {
    struct pbuf_custom pc; /* first: the stack sees a struct pbuf */
    void *map;             /* data pages followed by the guard page */
    size_t map_len;
};

static int outstanding;

static void ref_free(struct pbuf *p)
{
    struct ref_pbuf *r = (struct ref_pbuf *)p;
    crash_guard_remove((uint8_t *)r->map + r->map_len - (size_t)sysconf(_SC_PAGESIZE));
    munmap(r->map, r->map_len);
    free(r);
    outstanding--;
}

/* Returns n bytes of memory whose end is the end of accessible memory. */
static uint8_t *exact_buffer(struct ref_pbuf *r, size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t data_pages = n ? (n + page - 1) / page : 1;
    uint8_t *m;
    r->map_len = (data_pages + 1) * page;
    m = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        abort();
    }
    mprotect(m + data_pages * page, page, PROT_NONE);
    crash_guard_add(m + data_pages * page, page, m + data_pages * page);
    r->map = m;
    return m + data_pages * page - n;
}

static struct pbuf *ref_pbuf(const uint8_t *data, size_t n)
{
    struct ref_pbuf *r = calloc(1, sizeof(*r));
    uint8_t *buf;
    struct pbuf *p;
    if (!r) {
        abort();
    }
    buf = exact_buffer(r, n);
    memcpy(buf, data, n);
    r->pc.custom_free_function = ref_free;
    p = pbuf_alloced_custom(PBUF_RAW, (u16_t)n, PBUF_REF, &r->pc, buf, (u16_t)n);
    if (!p) {
        trace("pbuf_alloced_custom failed");
        abort();
    }
    outstanding++;
    return p;
}

/* TERN_DUMP_INJECTED=DIR: every injected packet is also written to
 * DIR/inj-<FNV-1a hash of the bytes> (fuzz seeds: fuzz/Makefile's `seeds`). */
static void dump_injected(const uint8_t *pkt, size_t n)
{
    static int checked;
    static const char *dir;
    char path[4096];
    uint64_t h = 14695981039346656037u;
    size_t i;
    FILE *f;

    if (!checked) {
        dir = getenv("TERN_DUMP_INJECTED");
        checked = 1;
    }
    if (!dir || !*dir) {
        return;
    }
    for (i = 0; i < n; i++) {
        h = (h ^ pkt[i]) * 1099511628211u;
    }
    snprintf(path, sizeof(path), "%s/inj-%016llx", dir, (unsigned long long)h);
    f = fopen(path, "wb");
    if (f) {
        if (n) {
            fwrite(pkt, 1, n, f);
        }
        fclose(f);
    }
}

err_t inject_mode(const uint8_t *pkt, size_t n, enum inj_mode mode, size_t split)
{
    struct pbuf *p;
    char line[1024];
    err_t err;

    dump_injected(pkt, n);
    pkt_describe(pkt, n, 0, &h_wire_ctx, line, sizeof(line));
    switch (mode) {
    case INJ_RAM:
        p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
        if (!p) {
            abort();
        }
        pbuf_take(p, pkt, (u16_t)n);
        trace("in %s [ram]", line);
        break;
    case INJ_CHAIN:
        if (split > n) {
            split = n;
        }
        p = ref_pbuf(pkt, split);
        pbuf_cat(p, ref_pbuf(pkt + split, n - split));
        trace("in %s [chain %zu+%zu]", line, split, n - split);
        break;
    case INJ_REF:
    default:
        p = ref_pbuf(pkt, n);
        trace("in %s [ref]", line);
        break;
    }
    err = h_netif->input(p, h_netif);
    if (err != ERR_OK) {
        /* netif_input_fn contract: on error the caller still owns p */
        trace("input -> %s", expect_errname(err));
        pbuf_free(p);
    }
    return err;
}

err_t inject(const uint8_t *pkt, size_t n)
{
    return inject_mode(pkt, n, INJ_REF, 0);
}

int inject_outstanding(void)
{
    return outstanding;
}
