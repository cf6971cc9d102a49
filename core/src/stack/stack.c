/* stack/stack.c: creating, clocking and destroying a stack. */
#include <stdlib.h>

#include "buf/pbuf_cache.h"
#include "iface/ip.h"
#include "socket/udp_impl.h"
#include "stack/stack_impl.h"

#define TERN_REASS_DEFAULT_BYTES (1u << 20)
#define TERN_REASS_DEFAULT_TIMEOUT_MS 15000u
#define TERN_REASS_DEFAULT_DATAGRAMS 64u

tern_stack *tern_stack_new(const tern_config *cfg)
{
    if (!cfg || !cfg->clock)
        return NULL;
    tern_stack *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->cfg = *cfg;
    if (!s->cfg.reass_max_bytes)
        s->cfg.reass_max_bytes = TERN_REASS_DEFAULT_BYTES;
    if (!s->cfg.reass_timeout_ms)
        s->cfg.reass_timeout_ms = TERN_REASS_DEFAULT_TIMEOUT_MS;
    if (!s->cfg.reass_max_datagrams)
        s->cfg.reass_max_datagrams = TERN_REASS_DEFAULT_DATAGRAMS;
    if (!s->cfg.ttl)
        s->cfg.ttl = 255;
    tern_timer_init(&s->pbuf_decay, tern__stack_pbuf_decay, s);
    if (tern__reass_init(s) != 0) {
        free(s);
        return NULL;
    }
    /* Ephemeral ports start at a clock-derived point of the IANA range, so
     * a restarted process does not reuse the previous run's ports first. */
    s->udp_next_port = (uint16_t)(0xc000u + (s->cfg.clock(s->cfg.clock_arg) % 0x3fffu));
    return s;
}

void tern_stack_free(tern_stack *s)
{
    if (!s)
        return;
    tern__tcp_stack_teardown(s);
    tern__udp_stack_teardown(s);
    tern__reass_teardown(s);
    while (s->ifaces)
        tern_iface_remove(s->ifaces);
    free(s->heap);
    free(s);
}

uint32_t tern_stack_now(const tern_stack *s) { return tern__stack_now(s); }

const tern_stats *tern_stack_stats(const tern_stack *s) { return &s->stats; }

const tern_ip_current *tern_ip_current_get(const tern_stack *s) { return &s->current; }
