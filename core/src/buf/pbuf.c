/* buf/pbuf.c: operations on pbuf chains: lengths, headers, chaining, copying,
 * searching.  (Allocation and freeing live in pbuf_alloc.c.)
 *
 * Each function behaves as lwIP 2.1.3's function of the same name.  Where lwIP
 * asserts on misuse (NULL pointers, chains shorter than tot_len claims), these
 * return an error or do nothing; the differences are noted where they are. */
#include "tern/pbuf.h"

#include "tern/err.h"

#include <string.h>

#define NOT_FOUND 0xffffu

/* memcpy is declared nonnull even for zero lengths; a zero-length pbuf may
 * have a NULL payload. */
static void copy_bytes(void *dst, const void *src, size_t n)
{
    if (n > 0)
        memcpy(dst, src, n);
}

/* ------------------------------------------------------------------ refs */

void tern_pbuf_ref(tern_pbuf *p)
{
    /* lwIP asserts on overflow.  A count that wrapped to 0 would let the next
     * free release the pbuf under its other holders; a saturated one can only
     * leak it. */
    if (p != NULL && p->ref < UINT8_MAX)
        p->ref++;
}

uint16_t tern_pbuf_clen(const tern_pbuf *p)
{
    uint16_t n = 0;
    for (; p != NULL; p = p->next)
        n++;
    return n;
}

/* ---------------------------------------------------------------- chains */

/* pbuf_cat; false when nothing was linked.  Refusing a tail that is already
 * in the head's chain keeps a misuse from making a cycle every later walk
 * would spin on.  Like lwIP, tot_len is not checked for overflow:
 * tern_pbuf_split_64k cuts such chains apart again. */
static int cat(tern_pbuf *h, tern_pbuf *t)
{
    if (h == NULL || t == NULL)
        return 0;
    tern_pbuf *last = h;
    for (;; last = last->next) {
        if (last == t)
            return 0;
        if (last->next == NULL)
            break;
    }
    for (tern_pbuf *p = h; p != NULL; p = p->next)
        p->tot_len = (uint16_t)(p->tot_len + t->tot_len);
    last->next = t;
    return 1;
}

void tern_pbuf_cat(tern_pbuf *head, tern_pbuf *tail) { (void)cat(head, tail); }

void tern_pbuf_chain(tern_pbuf *head, tern_pbuf *tail)
{
    if (cat(head, tail))
        tern_pbuf_ref(tail); /* the caller keeps its own reference */
}

tern_pbuf *tern_pbuf_dechain(tern_pbuf *p)
{
    if (p == NULL || p->next == NULL)
        return NULL;
    tern_pbuf *q = p->next;
    q->tot_len = (uint16_t)(p->tot_len - p->len);
    p->next = NULL;
    p->tot_len = p->len;
    /* p's reference to q is gone; q survives only if someone else holds it. */
    return tern_pbuf_free(q) > 0 ? NULL : q;
}

void tern_pbuf_realloc(tern_pbuf *p, uint16_t size)
{
    if (p == NULL || size >= p->tot_len)
        return; /* cannot grow */
    /* Find the new last segment before changing anything, so a chain shorter
     * than its tot_len claims is left alone (lwIP asserts). */
    tern_pbuf *q = p;
    uint16_t rem = size;
    while (rem > q->len) {
        rem = (uint16_t)(rem - q->len);
        q = q->next;
        if (q == NULL)
            return;
    }
    uint16_t shrink = (uint16_t)(p->tot_len - size);
    for (tern_pbuf *r = p; r != q; r = r->next)
        r->tot_len = (uint16_t)(r->tot_len - shrink);
    /* lwIP also trims a RAM block in place; tern keeps the block's size class
     * (the memory returns when the pbuf is freed). */
    q->len = rem;
    q->tot_len = rem;
    if (q->next != NULL)
        tern_pbuf_free(q->next);
    q->next = NULL;
}

/* Cuts after the longest prefix whose length fits 16 bits. */
void tern_pbuf_split_64k(tern_pbuf *p, tern_pbuf **rest)
{
    if (rest == NULL)
        return;
    *rest = NULL;
    if (p == NULL || p->next == NULL)
        return;
    uint16_t front = p->len;
    tern_pbuf *i = p, *r = p->next;
    while (r != NULL && (uint16_t)(front + r->len) >= front) {
        front = (uint16_t)(front + r->len);
        i = r;
        r = r->next;
    }
    i->next = NULL;
    if (r == NULL)
        return;
    for (i = p; i != NULL; i = i->next)
        i->tot_len = (uint16_t)(i->tot_len - r->tot_len);
    if (p->flags & TERN_PBUF_FLAG_TCP_FIN)
        r->flags |= TERN_PBUF_FLAG_TCP_FIN;
    *rest = r; /* refs unchanged: the caller's one reference now covers both */
}

/* --------------------------------------------------------------- headers */

static int add_header(tern_pbuf *p, size_t n, int force)
{
    if (p == NULL || n > 0xffff)
        return 1;
    if (n == 0)
        return 0;
    if ((uint16_t)(p->tot_len + n) < n)
        return 1; /* tot_len would wrap */
    uintptr_t payload = (uintptr_t)p->payload;
    if (p->type_internal & TERN_PBUF_TYPE_FLAG_STRUCT_DATA_CONTIGUOUS) {
        /* The headroom is what lies between the struct and the payload. */
        if (payload < n || payload - n < (uintptr_t)(p + 1))
            return 1;
    } else if (!force) {
        return 1; /* ROM/REF: the memory in front is not ours */
    }
    p->payload = (void *)(payload - n);
    p->len = (uint16_t)(p->len + n);
    p->tot_len = (uint16_t)(p->tot_len + n);
    return 0;
}

int tern_pbuf_add_header(tern_pbuf *p, size_t n) { return add_header(p, n, 0); }

int tern_pbuf_add_header_force(tern_pbuf *p, size_t n) { return add_header(p, n, 1); }

int tern_pbuf_remove_header(tern_pbuf *p, size_t n)
{
    if (p == NULL || n > 0xffff || n > p->len)
        return 1;
    if (n == 0)
        return 0;
    p->payload = (uint8_t *)p->payload + n;
    p->len = (uint16_t)(p->len - n);
    p->tot_len = (uint16_t)(p->tot_len - n);
    return 0;
}

int tern_pbuf_header(tern_pbuf *p, int16_t delta)
{
    return delta < 0 ? tern_pbuf_remove_header(p, (size_t)(-(int)delta)) : add_header(p, (size_t)delta, 0);
}

int tern_pbuf_header_force(tern_pbuf *p, int16_t delta)
{
    return delta < 0 ? tern_pbuf_remove_header(p, (size_t)(-(int)delta)) : add_header(p, (size_t)delta, 1);
}

/* Drops `size` bytes from the front, freeing the segments they cover entirely
 * (one reference each; the chain behind is not touched by those frees). */
tern_pbuf *tern_pbuf_free_header(tern_pbuf *q, uint16_t size)
{
    tern_pbuf *p = q;
    uint16_t left = size;
    while (left > 0 && p != NULL) {
        if (left >= p->len) {
            tern_pbuf *f = p;
            left = (uint16_t)(left - p->len);
            p = p->next;
            f->next = NULL;
            tern_pbuf_free(f);
        } else {
            /* tern_pbuf_remove_header in place (left < p->len here). */
            p->payload = (uint8_t *)p->payload + left;
            p->len = (uint16_t)(p->len - left);
            p->tot_len = (uint16_t)(p->tot_len - left);
            left = 0;
        }
    }
    return p;
}

/* ---------------------------------------------------------------- lookup */

static const tern_pbuf *skip_const(const tern_pbuf *in, uint16_t in_offset, uint16_t *out_offset)
{
    const tern_pbuf *q = in;
    uint16_t left = in_offset;
    while (q != NULL && q->len <= left) {
        left = (uint16_t)(left - q->len);
        q = q->next;
    }
    if (out_offset != NULL)
        *out_offset = left;
    return q;
}

tern_pbuf *tern_pbuf_skip(tern_pbuf *in, uint16_t in_offset, uint16_t *out_offset)
{
    return (tern_pbuf *)skip_const(in, in_offset, out_offset);
}

int tern_pbuf_try_get_at(const tern_pbuf *p, uint16_t offset)
{
    uint16_t i;
    const tern_pbuf *q = skip_const(p, offset, &i);
    return q != NULL ? ((const uint8_t *)q->payload)[i] : -1;
}

uint8_t tern_pbuf_get_at(const tern_pbuf *p, uint16_t offset)
{
    int b = tern_pbuf_try_get_at(p, offset);
    return b >= 0 ? (uint8_t)b : 0;
}

void tern_pbuf_put_at(tern_pbuf *p, uint16_t offset, uint8_t data)
{
    uint16_t i;
    tern_pbuf *q = tern_pbuf_skip(p, offset, &i);
    if (q != NULL)
        ((uint8_t *)q->payload)[i] = data;
}

/* ---------------------------------------------------------------- copies */

int tern_pbuf_copy_partial_pbuf(tern_pbuf *to, const tern_pbuf *from, uint16_t copy_len, uint16_t offset)
{
    if (from == NULL || from->tot_len < copy_len)
        return TERN_ERR_ARG;
    if (to == NULL || to->tot_len < (uint32_t)offset + copy_len)
        return TERN_ERR_ARG;
    /* Start in the segment of `to` that holds offset: lwIP 2.1.3 applies the
     * offset to the first segment and overruns it when offset >= its len. */
    size_t off_to = offset, off_from = 0;
    while (off_to > 0 && off_to >= to->len && to->next != NULL) {
        off_to -= to->len;
        to = to->next;
    }
    if (off_to > to->len)
        return TERN_ERR_ARG; /* the chain is shorter than its tot_len */
    do {
        size_t n = to->len - off_to;
        if (n > from->len - off_from)
            n = from->len - off_from;
        if (n > copy_len)
            n = copy_len;
        copy_bytes((uint8_t *)to->payload + off_to, (const uint8_t *)from->payload + off_from, n);
        off_to += n;
        off_from += n;
        copy_len = (uint16_t)(copy_len - n);
        if (off_from >= from->len) {
            off_from = 0;
            from = from->next;
            if (from == NULL && copy_len > 0)
                return TERN_ERR_ARG;
        }
        if (off_to == to->len) {
            off_to = 0;
            to = to->next;
            if (to == NULL && copy_len > 0)
                return TERN_ERR_ARG;
        }
        /* A segment whose len is its tot_len ends a packet; anything behind
         * it is another packet of a queue, which one copy must not cross. */
        if (from != NULL && from->len == from->tot_len && from->next != NULL)
            return TERN_ERR_VAL;
        if (to != NULL && to->len == to->tot_len && to->next != NULL)
            return TERN_ERR_VAL;
    } while (copy_len > 0);
    return TERN_OK;
}

int tern_pbuf_copy(tern_pbuf *to, const tern_pbuf *from)
{
    if (from == NULL)
        return TERN_ERR_ARG;
    return tern_pbuf_copy_partial_pbuf(to, from, from->tot_len, 0);
}

uint16_t tern_pbuf_copy_partial(const tern_pbuf *p, void *dst, uint16_t len, uint16_t offset)
{
    if (p == NULL || dst == NULL)
        return 0;
    uint16_t done = 0;
    for (; len > 0 && p != NULL; p = p->next) {
        if (offset != 0 && offset >= p->len) {
            offset = (uint16_t)(offset - p->len);
            continue;
        }
        uint16_t n = (uint16_t)(p->len - offset);
        if (n > len)
            n = len;
        copy_bytes((uint8_t *)dst + done, (const uint8_t *)p->payload + offset, n);
        done = (uint16_t)(done + n);
        len = (uint16_t)(len - n);
        offset = 0;
    }
    return done;
}

void *tern_pbuf_get_contiguous(const tern_pbuf *p, void *buffer, size_t bufsize, uint16_t len, uint16_t offset)
{
    if (p == NULL || buffer == NULL || bufsize < len)
        return NULL;
    uint16_t off;
    const tern_pbuf *q = skip_const(p, offset, &off);
    if (q == NULL)
        return NULL;
    if (q->len >= (uint32_t)off + len)
        return (uint8_t *)q->payload + off; /* zero copy */
    return tern_pbuf_copy_partial(q, buffer, len, off) == len ? buffer : NULL;
}

int tern_pbuf_take(tern_pbuf *p, const void *src, uint16_t len)
{
    if (p == NULL || src == NULL)
        return TERN_ERR_ARG;
    if (p->tot_len < len)
        return TERN_ERR_MEM;
    size_t done = 0;
    for (; done < len && p != NULL; p = p->next) {
        size_t n = len - done;
        if (n > p->len)
            n = p->len;
        copy_bytes(p->payload, (const uint8_t *)src + done, n);
        done += n;
    }
    /* Short only if the chain holds less than its tot_len says. */
    return done == len ? TERN_OK : TERN_ERR_MEM;
}

int tern_pbuf_take_at(tern_pbuf *p, const void *src, uint16_t len, uint16_t offset)
{
    if (src == NULL)
        return TERN_ERR_ARG;
    uint16_t off;
    tern_pbuf *q = tern_pbuf_skip(p, offset, &off);
    if (q == NULL || q->tot_len < (uint32_t)off + len)
        return TERN_ERR_MEM;
    uint16_t first = (uint16_t)(q->len - off);
    if (first > len)
        first = len;
    copy_bytes((uint8_t *)q->payload + off, src, first);
    if (len > first)
        return tern_pbuf_take(q->next, (const uint8_t *)src + first, (uint16_t)(len - first));
    return TERN_OK;
}

tern_pbuf *tern_pbuf_clone(uint16_t headroom, unsigned type, tern_pbuf *p)
{
    /* lwIP would copy into a ROM/REF pbuf's NULL payload; refuse instead. */
    if (p == NULL || (type != TERN_PBUF_RAM && type != TERN_PBUF_POOL))
        return NULL;
    tern_pbuf *q = tern_pbuf_alloc(headroom, p->tot_len, type);
    if (q == NULL)
        return NULL;
    /* Fails only for a packet queue or a chain shorter than its tot_len;
     * lwIP asserts and returns the partial copy, tern returns nothing. */
    if (tern_pbuf_copy(q, p) != TERN_OK) {
        tern_pbuf_free(q);
        return NULL;
    }
    return q;
}

tern_pbuf *tern_pbuf_coalesce(tern_pbuf *p, uint16_t headroom)
{
    if (p == NULL || p->next == NULL)
        return p;
    tern_pbuf *q = tern_pbuf_clone(headroom, TERN_PBUF_RAM, p);
    if (q == NULL)
        return p;
    tern_pbuf_free(p);
    return q;
}

/* ---------------------------------------------------------------- search */

/* Compares n bytes starting at byte `off` of segment q; returns the 1-based
 * index of the first difference, 0 when equal, NOT_FOUND when the chain ends
 * early. */
static uint16_t compare_from(const tern_pbuf *q, uint16_t off, const uint8_t *s, uint16_t n)
{
    uint16_t i = 0;
    while (i < n) {
        if (q == NULL)
            return NOT_FOUND;
        const uint8_t *a = q->payload;
        for (; off < q->len && i < n; off++, i++)
            if (a[off] != s[i])
                return (uint16_t)(i + 1);
        q = q->next;
        off = 0;
    }
    return 0;
}

uint16_t tern_pbuf_memcmp(const tern_pbuf *p, uint16_t offset, const void *s2, uint16_t n)
{
    if (p == NULL || p->tot_len < (uint32_t)offset + n || (s2 == NULL && n > 0))
        return NOT_FOUND;
    uint16_t off;
    const tern_pbuf *q = skip_const(p, offset, &off);
    return compare_from(q, off, s2, n);
}

uint16_t tern_pbuf_memfind(const tern_pbuf *p, const void *mem, uint16_t mem_len, uint16_t start_offset)
{
    if (p == NULL || p->tot_len < (uint32_t)mem_len + start_offset || (mem == NULL && mem_len > 0))
        return NOT_FOUND;
    uint32_t last_start = (uint32_t)p->tot_len - mem_len;
    uint16_t off;
    const tern_pbuf *q = skip_const(p, start_offset, &off);
    /* Walk a cursor (q, off) along with i rather than re-skipping from the
     * head for every candidate position. */
    for (uint32_t i = start_offset; i <= last_start; i++) {
        while (q != NULL && off >= q->len) {
            off = (uint16_t)(off - q->len);
            q = q->next;
        }
        if (compare_from(q, off, mem, mem_len) == 0)
            return (uint16_t)i;
        off++;
    }
    return NOT_FOUND;
}

uint16_t tern_pbuf_strstr(const tern_pbuf *p, const char *substr)
{
    if (p == NULL || substr == NULL || substr[0] == '\0' || p->tot_len == 0xffff)
        return NOT_FOUND;
    size_t n = strlen(substr);
    if (n >= 0xffff)
        return NOT_FOUND;
    return tern_pbuf_memfind(p, substr, (uint16_t)n, 0);
}
