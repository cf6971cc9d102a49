/* compat/src/pbuf.c: lwIP's pbuf_* functions on tern's buffers.
 *
 * struct pbuf and tern_pbuf are the same layout (checked below), so every
 * function is a cast and a call; lwIP's layer names become headroom bytes. */
#include <stddef.h>

#include "lwip/pbuf.h"
#include "tern/pbuf.h"

_Static_assert(sizeof(struct pbuf) == sizeof(tern_pbuf), "pbuf layout");
_Static_assert(offsetof(struct pbuf, payload) == offsetof(tern_pbuf, payload), "pbuf layout");
_Static_assert(offsetof(struct pbuf, tot_len) == offsetof(tern_pbuf, tot_len), "pbuf layout");
_Static_assert(offsetof(struct pbuf, len) == offsetof(tern_pbuf, len), "pbuf layout");
_Static_assert(offsetof(struct pbuf, type_internal) == offsetof(tern_pbuf, type_internal), "pbuf layout");
_Static_assert(offsetof(struct pbuf, ref) == offsetof(tern_pbuf, ref), "pbuf layout");
_Static_assert(offsetof(struct pbuf, if_idx) == offsetof(tern_pbuf, if_idx), "pbuf layout");
_Static_assert(sizeof(struct pbuf_custom) == sizeof(tern_pbuf_custom), "pbuf_custom layout");
_Static_assert(PBUF_RAM == TERN_PBUF_RAM && PBUF_POOL == TERN_PBUF_POOL && PBUF_REF == TERN_PBUF_REF &&
                   PBUF_ROM == TERN_PBUF_ROM,
               "pbuf types");

#define T(p) ((tern_pbuf *)(p))
#define CT(p) ((const tern_pbuf *)(p))
#define L(p) ((struct pbuf *)(p))

struct pbuf *pbuf_alloc(pbuf_layer l, u16_t length, pbuf_type type)
{
    return L(tern_pbuf_alloc((u16_t)l, length, (unsigned)type));
}

struct pbuf *pbuf_alloc_reference(void *payload, u16_t length, pbuf_type type)
{
    return L(tern_pbuf_alloc_reference(payload, length, (unsigned)type));
}

struct pbuf *pbuf_alloced_custom(pbuf_layer l, u16_t length, pbuf_type type, struct pbuf_custom *p,
                                 void *payload_mem, u16_t payload_mem_len)
{
    return L(tern_pbuf_alloced_custom((u16_t)l, length, (unsigned)type, (tern_pbuf_custom *)p, payload_mem,
                                      payload_mem_len));
}

void pbuf_realloc(struct pbuf *p, u16_t size) { tern_pbuf_realloc(T(p), size); }
u8_t pbuf_header(struct pbuf *p, s16_t n) { return tern_pbuf_header(T(p), n) != 0; }
u8_t pbuf_header_force(struct pbuf *p, s16_t n) { return tern_pbuf_header_force(T(p), n) != 0; }
u8_t pbuf_add_header(struct pbuf *p, size_t n) { return tern_pbuf_add_header(T(p), n) != 0; }
u8_t pbuf_add_header_force(struct pbuf *p, size_t n) { return tern_pbuf_add_header_force(T(p), n) != 0; }
u8_t pbuf_remove_header(struct pbuf *p, size_t n) { return tern_pbuf_remove_header(T(p), n) != 0; }
struct pbuf *pbuf_free_header(struct pbuf *q, u16_t size) { return L(tern_pbuf_free_header(T(q), size)); }
void pbuf_ref(struct pbuf *p) { tern_pbuf_ref(T(p)); }
u8_t pbuf_free(struct pbuf *p) { return tern_pbuf_free(T(p)); }
u16_t pbuf_clen(const struct pbuf *p) { return tern_pbuf_clen(CT(p)); }
void pbuf_cat(struct pbuf *h, struct pbuf *t) { tern_pbuf_cat(T(h), T(t)); }
void pbuf_chain(struct pbuf *h, struct pbuf *t) { tern_pbuf_chain(T(h), T(t)); }
struct pbuf *pbuf_dechain(struct pbuf *p) { return L(tern_pbuf_dechain(T(p))); }
err_t pbuf_copy(struct pbuf *to, const struct pbuf *from) { return (err_t)tern_pbuf_copy(T(to), CT(from)); }

u16_t pbuf_copy_partial(const struct pbuf *p, void *dataptr, u16_t len, u16_t offset)
{
    return tern_pbuf_copy_partial(CT(p), dataptr, len, offset);
}

void *pbuf_get_contiguous(const struct pbuf *p, void *buffer, size_t bufsize, u16_t len, u16_t offset)
{
    return tern_pbuf_get_contiguous(CT(p), buffer, bufsize, len, offset);
}

err_t pbuf_take(struct pbuf *buf, const void *data, u16_t len) { return (err_t)tern_pbuf_take(T(buf), data, len); }

err_t pbuf_take_at(struct pbuf *buf, const void *data, u16_t len, u16_t offset)
{
    return (err_t)tern_pbuf_take_at(T(buf), data, len, offset);
}

struct pbuf *pbuf_skip(struct pbuf *in, u16_t in_offset, u16_t *out_offset)
{
    return L(tern_pbuf_skip(T(in), in_offset, out_offset));
}

struct pbuf *pbuf_coalesce(struct pbuf *p, pbuf_layer layer) { return L(tern_pbuf_coalesce(T(p), (u16_t)layer)); }

struct pbuf *pbuf_clone(pbuf_layer l, pbuf_type type, struct pbuf *p)
{
    return L(tern_pbuf_clone((u16_t)l, (unsigned)type, T(p)));
}

u8_t pbuf_get_at(const struct pbuf *p, u16_t offset) { return tern_pbuf_get_at(CT(p), offset); }
int pbuf_try_get_at(const struct pbuf *p, u16_t offset) { return tern_pbuf_try_get_at(CT(p), offset); }
void pbuf_put_at(struct pbuf *p, u16_t offset, u8_t data) { tern_pbuf_put_at(T(p), offset, data); }

u16_t pbuf_memcmp(const struct pbuf *p, u16_t offset, const void *s2, u16_t n)
{
    return tern_pbuf_memcmp(CT(p), offset, s2, n);
}

u16_t pbuf_memfind(const struct pbuf *p, const void *mem, u16_t mem_len, u16_t start_offset)
{
    return tern_pbuf_memfind(CT(p), mem, mem_len, start_offset);
}

u16_t pbuf_strstr(const struct pbuf *p, const char *substr) { return tern_pbuf_strstr(CT(p), substr); }

err_t pbuf_copy_partial_pbuf(struct pbuf *p_to, const struct pbuf *p_from, u16_t copy_len, u16_t offset)
{
    return (err_t)tern_pbuf_copy_partial_pbuf(T(p_to), CT(p_from), copy_len, offset);
}

void pbuf_split_64k(struct pbuf *p, struct pbuf **rest) { tern_pbuf_split_64k(T(p), (tern_pbuf **)rest); }
