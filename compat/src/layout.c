/* compat/src/layout.c: refuses a program whose public structures are laid
 * out differently from libtern's.
 *
 * libtern is compiled once and reads and writes the structures a program
 * allocates (struct netif, the pcbs, pbufs, ip_addr_t).  Every public header
 * registers the program's sizeof and offsetof of its structures from a
 * constructor (TERN_LAYOUT_REGISTER, lwip/priv/tern_opts.h); lwip_init
 * compares them with the same lists expanded here over libtern's own
 * structures.  A difference means headers of another tern version (or
 * edited ones): every field past it would be read and written at the wrong
 * place, so the program is stopped with a message instead. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compat.h"
#include "layout.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/tcp.h"
#include "lwip/udp.h"

/* struct tcp_pcb in its two layouts; the program's LWIP_WND_SCALE picks one
 * (compat/src/tcp.c lays pcbs out the same way). */
struct layout_tcp_pcb_w16 {
    TERN_TCP_PCB_MEMBERS(u16_t);
};
struct layout_tcp_pcb_w32 {
    TERN_TCP_PCB_MEMBERS(u32_t);
};

struct expected_member {
    unsigned short offset, size;
    const char *name, *option;
};

#define EXPECTED_MEMBER(type, member, option) {offsetof(type, member), sizeof(((type *)0)->member), #member, option},

static const struct expected_member ip_addr_members[] = {TERN_LAYOUT_IP_ADDR_T(EXPECTED_MEMBER, ip_addr_t)};
static const struct expected_member pbuf_members[] = {TERN_LAYOUT_PBUF(EXPECTED_MEMBER, struct pbuf)};
static const struct expected_member netif_members[] = {TERN_LAYOUT_NETIF(EXPECTED_MEMBER, struct netif)};
static const struct expected_member udp_pcb_members[] = {TERN_LAYOUT_UDP_PCB(EXPECTED_MEMBER, struct udp_pcb)};
static const struct expected_member tcp_pcb_w16_members[] = {
    TERN_LAYOUT_TCP_PCB(EXPECTED_MEMBER, struct layout_tcp_pcb_w16)};
static const struct expected_member tcp_pcb_w32_members[] = {
    TERN_LAYOUT_TCP_PCB(EXPECTED_MEMBER, struct layout_tcp_pcb_w32)};
static const struct expected_member tcp_pcb_listen_members[] = {
    TERN_LAYOUT_TCP_PCB_LISTEN(EXPECTED_MEMBER, struct tcp_pcb_listen)};

#define COUNT(a) ((unsigned)(sizeof(a) / sizeof((a)[0])))

struct expected_layout {
    const char *name;
    size_t size;
    const struct expected_member *members;
    unsigned count;
};

static struct expected_layout expected(int which)
{
    switch (which) {
    case TERN_LAYOUT_IP_ADDR:
        return (struct expected_layout){"ip_addr_t", sizeof(ip_addr_t), ip_addr_members, COUNT(ip_addr_members)};
    case TERN_LAYOUT_PBUF:
        return (struct expected_layout){"struct pbuf", sizeof(struct pbuf), pbuf_members, COUNT(pbuf_members)};
    case TERN_LAYOUT_NETIF:
        return (struct expected_layout){"struct netif", sizeof(struct netif), netif_members, COUNT(netif_members)};
    case TERN_LAYOUT_UDP_PCB:
        return (struct expected_layout){"struct udp_pcb", sizeof(struct udp_pcb), udp_pcb_members,
                                        COUNT(udp_pcb_members)};
    case TERN_LAYOUT_TCP_PCB:
        if (tern__compat_opts.wnd_scale)
            return (struct expected_layout){"struct tcp_pcb (LWIP_WND_SCALE 1)", sizeof(struct layout_tcp_pcb_w32),
                                            tcp_pcb_w32_members, COUNT(tcp_pcb_w32_members)};
        return (struct expected_layout){"struct tcp_pcb (LWIP_WND_SCALE 0)", sizeof(struct layout_tcp_pcb_w16),
                                        tcp_pcb_w16_members, COUNT(tcp_pcb_w16_members)};
    case TERN_LAYOUT_TCP_PCB_LISTEN:
        return (struct expected_layout){"struct tcp_pcb_listen", sizeof(struct tcp_pcb_listen),
                                        tcp_pcb_listen_members, COUNT(tcp_pcb_listen_members)};
    default:
        return (struct expected_layout){NULL, 0, NULL, 0};
    }
}

/* What the program's constructors registered (one per source file that
 * includes the header: all must agree).  Copied, so that a registering
 * object unloaded later (dlclose) leaves nothing dangling. */
#define MAX_MEMBERS 128
static struct registered_layout {
    int seen, conflicting;
    size_t size;
    struct tern_layout_member members[MAX_MEMBERS];
    unsigned count; /* as registered; above MAX_MEMBERS, only that many kept */
} registered[TERN_LAYOUT_COUNT];

void tern_compat_register_layout(int which, size_t size, const struct tern_layout_member *members, unsigned count)
{
    if (which < 0 || which >= TERN_LAYOUT_COUNT || !members)
        return;
    struct registered_layout *r = &registered[which];
    unsigned kept = count < MAX_MEMBERS ? count : MAX_MEMBERS;
    if (r->seen) {
        if (r->size != size || r->count != count || memcmp(r->members, members, kept * sizeof(*members)))
            r->conflicting = 1;
        return;
    }
    r->seen = 1;
    r->size = size;
    r->count = count;
    memcpy(r->members, members, kept * sizeof(*members));
}

/* The option named for member i: its own, or the nearest before it (a
 * member that moved was pushed by an earlier one that grew or shrank). */
static const char *option_at(const struct expected_layout *e, unsigned i)
{
    for (unsigned j = i + 1; j-- > 0;)
        if (e->members[j].option[0])
            return e->members[j].option;
    return "none";
}

static void refuse(const char *what, const char *detail, const char *option)
{
    fprintf(stderr,
            "tern: lwip_init: %s is laid out differently in the program and in libtern (%s; option %s). "
            "The program was compiled with headers of another tern version or edited headers: "
            "rebuild it against this libtern's headers.\n",
            what, detail, option);
    fflush(stderr);
    abort();
}

static void check_one(int which)
{
    const struct registered_layout *r = &registered[which];
    struct expected_layout e = expected(which);
    char detail[200];
    if (!r->seen || !e.name)
        return;
    if (r->conflicting)
        refuse(e.name, "the program's source files registered different layouts", "any layout option");
    _Static_assert(sizeof(tcp_pcb_w32_members) / sizeof(tcp_pcb_w32_members[0]) <= MAX_MEMBERS, "MAX_MEMBERS");
    if (r->count != e.count) {
        snprintf(detail, sizeof(detail), "%u members in the program's header, %u in libtern's", r->count, e.count);
        refuse(e.name, detail, "none");
    }
    for (unsigned i = 0; i < e.count; i++) {
        const struct tern_layout_member *m = &r->members[i];
        const struct expected_member *x = &e.members[i];
        if (m->size == x->size && m->offset == x->offset)
            continue;
        snprintf(detail, sizeof(detail), "member %s: offset %u size %u in the program, offset %u size %u in libtern",
                 x->name, m->offset, m->size, x->offset, x->size);
        refuse(e.name, detail, m->size != x->size && x->option[0] ? x->option : option_at(&e, i));
    }
    if (r->size != e.size) {
        snprintf(detail, sizeof(detail), "sizeof %zu in the program, %zu in libtern", r->size, e.size);
        refuse(e.name, detail, option_at(&e, e.count - 1));
    }
}

void tern__compat_check_layouts(void)
{
    for (int which = 0; which < TERN_LAYOUT_COUNT; which++)
        check_one(which);
}
