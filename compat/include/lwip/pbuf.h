/* lwip/pbuf.h: packet buffers (lwIP 2.1 API on tern).
 *
 * struct pbuf is tern's own packet buffer (tern_pbuf) under lwIP's name:
 * the same fields in the same order, so buffers pass between an lwIP
 * program and the stack without conversion. */
#ifndef LWIP_HDR_PBUF_H
#define LWIP_HDR_PBUF_H

#include "lwip/opt.h"
#include "lwip/err.h"
#include "lwip/priv/tern_opts.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LWIP_SUPPORT_CUSTOM_PBUF 1
#define PBUF_NEEDS_COPY(p) ((p)->type_internal & PBUF_TYPE_FLAG_DATA_VOLATILE)

#define PBUF_TRANSPORT_HLEN 20
#if LWIP_IPV6
#define PBUF_IP_HLEN 40
#else
#define PBUF_IP_HLEN 20
#endif

/* Where the payload starts: the headroom reserved for the headers below. */
typedef enum {
    PBUF_TRANSPORT = PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN + PBUF_IP_HLEN + PBUF_TRANSPORT_HLEN,
    PBUF_IP = PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN + PBUF_IP_HLEN,
    PBUF_LINK = PBUF_LINK_ENCAPSULATION_HLEN + PBUF_LINK_HLEN,
    PBUF_RAW_TX = PBUF_LINK_ENCAPSULATION_HLEN,
    PBUF_RAW = 0
} pbuf_layer;

#define PBUF_TYPE_FLAG_STRUCT_DATA_CONTIGUOUS 0x80
#define PBUF_TYPE_FLAG_DATA_VOLATILE 0x40
#define PBUF_TYPE_ALLOC_SRC_MASK 0x0F
#define PBUF_ALLOC_FLAG_RX 0x0100
#define PBUF_ALLOC_FLAG_DATA_CONTIGUOUS 0x0200
#define PBUF_TYPE_ALLOC_SRC_MASK_STD_HEAP 0x00
#define PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF 0x01
#define PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF_POOL 0x02
#define PBUF_TYPE_ALLOC_SRC_MASK_APP_MIN 0x03
#define PBUF_TYPE_ALLOC_SRC_MASK_APP_MAX PBUF_TYPE_ALLOC_SRC_MASK

typedef enum {
    PBUF_RAM = (PBUF_ALLOC_FLAG_DATA_CONTIGUOUS | PBUF_TYPE_FLAG_STRUCT_DATA_CONTIGUOUS |
                PBUF_TYPE_ALLOC_SRC_MASK_STD_HEAP),
    PBUF_ROM = PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF,
    PBUF_REF = (PBUF_TYPE_FLAG_DATA_VOLATILE | PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF),
    PBUF_POOL = (PBUF_ALLOC_FLAG_RX | PBUF_TYPE_FLAG_STRUCT_DATA_CONTIGUOUS |
                 PBUF_TYPE_ALLOC_SRC_MASK_STD_MEMP_PBUF_POOL)
} pbuf_type;

#define PBUF_FLAG_PUSH 0x01U
#define PBUF_FLAG_IS_CUSTOM 0x02U
#define PBUF_FLAG_MCASTLOOP 0x04U
#define PBUF_FLAG_LLBCAST 0x08U
#define PBUF_FLAG_LLMCAST 0x10U
#define PBUF_FLAG_TCP_FIN 0x20U

struct pbuf {
    struct pbuf *next;   /* next segment of the chain */
    void *payload;       /* this segment's data */
    u16_t tot_len;       /* bytes in this segment and all following */
    u16_t len;           /* bytes in this segment */
    u8_t type_internal;  /* pbuf_type bits and allocation source */
    u8_t flags;          /* PBUF_FLAG_* */
    u8_t ref;            /* references (u8_t whatever LWIP_PBUF_REF_T: one layout) */
    u8_t if_idx;         /* interface the packet arrived on */
};

/* struct pbuf's layout, checked by lwip_init (lwip/priv/tern_opts.h). */
#define TERN_LAYOUT_PBUF(X, T)                                                                             \
    X(T, next, "") X(T, payload, "") X(T, tot_len, "") X(T, len, "") X(T, type_internal, "")               \
    X(T, flags, "") X(T, ref, "LWIP_PBUF_REF_T") X(T, if_idx, "")
TERN_LAYOUT_REGISTER(TERN_LAYOUT_PBUF, struct pbuf, TERN_LAYOUT_PBUF)

#define PBUF_POOL_FREE_OOSEQ 0
#define pbuf_free_ooseq()

typedef void (*pbuf_free_custom_fn)(struct pbuf *p);

struct pbuf_custom {
    struct pbuf pbuf;
    pbuf_free_custom_fn custom_free_function;
};

TERN_API struct pbuf *pbuf_alloc(pbuf_layer l, u16_t length, pbuf_type type);
TERN_API struct pbuf *pbuf_alloc_reference(void *payload, u16_t length, pbuf_type type);
TERN_API struct pbuf *pbuf_alloced_custom(pbuf_layer l, u16_t length, pbuf_type type, struct pbuf_custom *p,
                                 void *payload_mem, u16_t payload_mem_len);
TERN_API void pbuf_realloc(struct pbuf *p, u16_t size);
#define pbuf_get_allocsrc(p) ((p)->type_internal & PBUF_TYPE_ALLOC_SRC_MASK)
#define pbuf_match_allocsrc(p, type) (pbuf_get_allocsrc(p) == ((type) & PBUF_TYPE_ALLOC_SRC_MASK))
#define pbuf_match_type(p, type) pbuf_match_allocsrc(p, type)
TERN_API u8_t pbuf_header(struct pbuf *p, s16_t header_size);
TERN_API u8_t pbuf_header_force(struct pbuf *p, s16_t header_size);
TERN_API u8_t pbuf_add_header(struct pbuf *p, size_t header_size_increment);
TERN_API u8_t pbuf_add_header_force(struct pbuf *p, size_t header_size_increment);
TERN_API u8_t pbuf_remove_header(struct pbuf *p, size_t header_size);
TERN_API struct pbuf *pbuf_free_header(struct pbuf *q, u16_t size);
TERN_API void pbuf_ref(struct pbuf *p);
TERN_API u8_t pbuf_free(struct pbuf *p);
TERN_API u16_t pbuf_clen(const struct pbuf *p);
TERN_API void pbuf_cat(struct pbuf *head, struct pbuf *tail);
TERN_API void pbuf_chain(struct pbuf *head, struct pbuf *tail);
TERN_API struct pbuf *pbuf_dechain(struct pbuf *p);
TERN_API err_t pbuf_copy(struct pbuf *p_to, const struct pbuf *p_from);
TERN_API u16_t pbuf_copy_partial(const struct pbuf *p, void *dataptr, u16_t len, u16_t offset);
TERN_API err_t pbuf_copy_partial_pbuf(struct pbuf *p_to, const struct pbuf *p_from, u16_t copy_len, u16_t offset);
TERN_API void pbuf_split_64k(struct pbuf *p, struct pbuf **rest);
TERN_API void *pbuf_get_contiguous(const struct pbuf *p, void *buffer, size_t bufsize, u16_t len, u16_t offset);
TERN_API err_t pbuf_take(struct pbuf *buf, const void *dataptr, u16_t len);
TERN_API err_t pbuf_take_at(struct pbuf *buf, const void *dataptr, u16_t len, u16_t offset);
TERN_API struct pbuf *pbuf_skip(struct pbuf *in, u16_t in_offset, u16_t *out_offset);
TERN_API struct pbuf *pbuf_coalesce(struct pbuf *p, pbuf_layer layer);
TERN_API struct pbuf *pbuf_clone(pbuf_layer l, pbuf_type type, struct pbuf *p);
TERN_API u8_t pbuf_get_at(const struct pbuf *p, u16_t offset);
TERN_API int pbuf_try_get_at(const struct pbuf *p, u16_t offset);
TERN_API void pbuf_put_at(struct pbuf *p, u16_t offset, u8_t data);
TERN_API u16_t pbuf_memcmp(const struct pbuf *p, u16_t offset, const void *s2, u16_t n);
TERN_API u16_t pbuf_memfind(const struct pbuf *p, const void *mem, u16_t mem_len, u16_t start_offset);
TERN_API u16_t pbuf_strstr(const struct pbuf *p, const char *substr);

#ifdef __cplusplus
}
#endif

#endif
