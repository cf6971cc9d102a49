/* netif.c: the scenario's netif and the capture of everything it sends.
 *
 * A pure IP netif (no NETIF_FLAG_ETHARP, no link header), as a TUN device
 * would be: output and output_ip6 receive finished IP packets. */
#include "stack.h"

#include <stdlib.h>
#include <string.h>

#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"

#include "expect.h"
#include "pcap_file.h"
#include "trace.h"

#define MAX_CAP 4096

struct netif *h_netif;
struct pkt_ctx h_wire_ctx;
static struct netif the_netif;

static struct cap caps[MAX_CAP];
static size_t n_caps, n_taken;
static unsigned n_ignored;
static kit_pcap *pcap;

/* Router solicitations, neighbour discovery and MLD reports are emitted by
 * lwIP's IPv6 autoconfiguration on its own timers; they would make every
 * time-based scenario depend on that machinery. */
static int is_nd_noise(const struct pkt_info *wi)
{
    if (wi->v != 6 || wi->proto != PKT_ICMP6) {
        return 0;
    }
    return (wi->type >= 130 && wi->type <= 137) || wi->type == 143;
}

static void capture(struct pbuf *p, int v, const uint8_t *nexthop)
{
    uint8_t *data = malloc(p->tot_len ? p->tot_len : 1);
    struct cap *c;
    char line[1024];
    u16_t got;

    if (!data) {
        abort();
    }
    got = pbuf_copy_partial(p, data, p->tot_len, 0);
    if (n_caps == MAX_CAP) {
        free(data);
        trace("out DROPPED: capture full");
        return;
    }
    c = &caps[n_caps];
    memset(c, 0, sizeof(*c));
    c->data = data;
    c->len = got;
    c->t = h_now();
    pkt_parse(data, got, &c->wi, 0);
    if (is_nd_noise(&c->wi)) {
        n_ignored++;
        free(data);
        return;
    }
    n_caps++;
    /* On a link without neighbours the next hop is the destination for
     * on-link peers; anything else is worth seeing in the trace. */
    c->nexthop_is_dst = memcmp(nexthop, c->wi.dst.a, v == 4 ? 4 : 16) == 0;
    pkt_describe(data, got, 1, &h_wire_ctx, line, sizeof(line));
    trace("out %s%s%s", line, c->nexthop_is_dst ? "" : " NEXTHOP!=DST",
          (size_t)p->tot_len == got ? "" : " SHORT-COPY");
    if (pcap) {
        kit_pcap_write_bytes(pcap, data, got, (uint64_t)c->t * 1000u);
        kit_pcap_flush(pcap); /* the child may crash later */
    }
}

static err_t out4(struct netif *netif, struct pbuf *p, const ip4_addr_t *nexthop)
{
    (void)netif;
    capture(p, 4, (const uint8_t *)&nexthop->addr);
    return ERR_OK;
}

static err_t out6(struct netif *netif, struct pbuf *p, const ip6_addr_t *nexthop)
{
    (void)netif;
    capture(p, 6, (const uint8_t *)nexthop->addr);
    return ERR_OK;
}

static err_t init_netif(struct netif *netif)
{
    netif->name[0] = 't';
    netif->name[1] = 'n';
    netif->output = out4;
    netif->output_ip6 = out6;
    netif->mtu = 1500;
    return ERR_OK;
}

void h_stack_start(void)
{
    ip4_addr_t ip, mask, gw;
    ip_addr_t ip6 = h_ip(LOCAL6);

    lwip_init();
    IP4_ADDR(&ip, 198, 18, 0, 1);
    IP4_ADDR(&mask, 255, 254, 0, 0);
    IP4_ADDR(&gw, 0, 0, 0, 0);
    h_netif = netif_add(&the_netif, &ip, &mask, &gw, NULL, init_netif, ip_input);
    if (!h_netif) {
        trace("netif_add failed");
        abort();
    }
    netif_ip6_addr_set(h_netif, 0, ip_2_ip6(&ip6));
    netif_ip6_addr_set_state(h_netif, 0, IP6_ADDR_PREFERRED);
    netif_set_default(h_netif);
    netif_set_up(h_netif);
    netif_set_link_up(h_netif);
}

void cap_pcap_open(const char *path)
{
    pcap = kit_pcap_open(path, 0);
    if (pcap) {
        kit_pcap_flush(pcap);
    }
}

size_t cap_pending(void)
{
    return n_caps - n_taken;
}

struct cap *cap_next(void)
{
    return n_taken < n_caps ? &caps[n_taken++] : NULL;
}

unsigned cap_ignored(void)
{
    return n_ignored;
}

struct cap *cap_expect_(const char *file, int line)
{
    struct cap *c = cap_next();
    expect_record(c != NULL, 1, file, line, "expected a packet from the stack, got none");
    expect_record(c->wi.ok, 0, file, line, "packet from the stack is malformed: %s", c->wi.err);
    expect_record(c->wi.ip_csum_ok, 0, file, line, "IPv4 header checksum of sent packet is bad");
    expect_record(c->wi.l4_csum != 0, 0, file, line, "transport checksum of sent packet is bad");
    expect_record(c->nexthop_is_dst, 0, file, line, "output callback's next hop is not the destination");
    return c;
}

void cap_expect_none_(const char *file, int line)
{
    size_t n = cap_pending();
    expect_record(n == 0, 0, file, line, "expected no packet from the stack, got %zu", n);
    n_taken = n_caps;
}
