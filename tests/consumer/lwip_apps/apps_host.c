/* tests/consumer/lwip_apps/apps_host.c: runs lwIP 2.1.3's own apps
 * (lwiperf, httpd, tftp server, SNTP client over DNS, mDNS responder), built
 * unchanged from lwIP's source, on tern behind a TUN device, so the kernel
 * on the other side can talk to them.  Reports what the apps report on
 * stdout, one line each, for run.sh to check.
 *
 * usage: apps_host TUN_NAME TFTP_DIR SECONDS
 * The TUN device exists already (run.sh creates and addresses it); tern
 * is 198.18.0.1 / fd00:18::1 behind it, the kernel 198.18.0.2. */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "lwip/apps/httpd.h"
#include "lwip/apps/lwiperf.h"
#include "lwip/apps/mdns.h"
#include "lwip/apps/sntp.h"
#include "lwip/apps/tftp_server.h"
#include "lwip/dns.h"
#include "lwip/init.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

static int tun_fd = -1;
static const char *tftp_dir;
static volatile sig_atomic_t stop;
static int sntp_done;

void apps_host_sntp_set(unsigned long sec)
{
    printf("SNTP sec=%lu\n", sec);
    sntp_done = 1;
    fflush(stdout);
}

static void iperf_report(void *arg, enum lwiperf_report_type type, const ip_addr_t *local_addr, u16_t local_port,
                         const ip_addr_t *remote_addr, u16_t remote_port, u32_t bytes, u32_t ms, u32_t kbps)
{
    (void)arg, (void)local_addr, (void)local_port, (void)remote_addr, (void)remote_port, (void)ms, (void)kbps;
    printf("LWIPERF type=%d bytes=%u\n", (int)type, (unsigned)bytes);
    fflush(stdout);
}

/* ---- lwIP's DNS API beyond SNTP's use: unknown and malformed answers ---- */
static void dns_found(const char *name, const ip_addr_t *addr, void *arg)
{
    (void)arg;
    printf("DNS %s -> %s\n", name, addr ? ipaddr_ntoa(addr) : "none");
    fflush(stdout);
}

static void dns_lookup(const char *name)
{
    ip_addr_t a;
    err_t e = dns_gethostbyname_addrtype(name, &a, dns_found, NULL, LWIP_DNS_ADDRTYPE_IPV4);
    if (e == ERR_OK)
        printf("DNS %s -> %s (at once)\n", name, ipaddr_ntoa(&a));
    else if (e != ERR_INPROGRESS)
        printf("DNS %s -> error %d\n", name, (int)e);
    fflush(stdout);
}

/* ---- tftp: files in tftp_dir, names without '/' ---- */
static void *tftp_open(const char *fname, const char *mode, u8_t write)
{
    (void)mode;
    if (strchr(fname, '/') || fname[0] == '.')
        return NULL;
    char path[512];
    snprintf(path, sizeof(path), "%s/%s", tftp_dir, fname);
    return fopen(path, write ? "wb" : "rb");
}

static void tftp_close(void *handle)
{
    fclose(handle);
    printf("TFTP closed\n");
    fflush(stdout);
}

static int tftp_read(void *handle, void *buf, int bytes) { return (int)fread(buf, 1, (size_t)bytes, handle); }

static int tftp_write(void *handle, struct pbuf *p)
{
    for (struct pbuf *q = p; q; q = q->next)
        if (fwrite(q->payload, 1, q->len, handle) != q->len)
            return -1;
    return 0;
}

static const struct tftp_context tftp_ctx = {tftp_open, tftp_close, tftp_read, tftp_write};

/* ---- the TUN ---- */
static err_t tun_output(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    static unsigned char buf[65536];
    u16_t n = pbuf_copy_partial(p, buf, p->tot_len, 0);
    if (write(tun_fd, buf, n) != (ssize_t)n)
        return ERR_IF;
    return ERR_OK;
}

static err_t out4(struct netif *netif, struct pbuf *p, const ip4_addr_t *a)
{
    (void)a;
    return tun_output(netif, p);
}

static err_t out6(struct netif *netif, struct pbuf *p, const ip6_addr_t *a)
{
    (void)a;
    return tun_output(netif, p);
}

static err_t tunif_init(struct netif *netif)
{
    netif->name[0] = 't';
    netif->name[1] = 'n';
    netif->output = out4;
    netif->output_ip6 = out6;
    netif->mtu = 1500;
    netif->flags |= NETIF_FLAG_IGMP | NETIF_FLAG_MLD6;
    return ERR_OK;
}

static int tun_open(const char *name)
{
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK);
    if (fd < 0)
        return -1;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
    snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void on_signal(int sig)
{
    (void)sig;
    stop = 1;
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s TUN_NAME TFTP_DIR SECONDS\n", argv[0]);
        return 2;
    }
    tftp_dir = argv[2];
    int secs = atoi(argv[3]);
    tun_fd = tun_open(argv[1]);
    if (tun_fd < 0) {
        fprintf(stderr, "apps_host: cannot attach to TUN %s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);

    lwip_init();
    static struct netif nif;
    ip4_addr_t addr, mask, gw;
    IP4_ADDR(&addr, 198, 18, 0, 1);
    IP4_ADDR(&mask, 255, 255, 255, 0);
    IP4_ADDR(&gw, 198, 18, 0, 2);
    if (!netif_add(&nif, &addr, &mask, &gw, NULL, tunif_init, ip_input)) {
        fprintf(stderr, "apps_host: netif_add failed\n");
        return 1;
    }
    ip6_addr_t a6;
    IP6_ADDR(&a6, PP_HTONL(0xfd000018), 0, 0, PP_HTONL(1));
    netif_add_ip6_address(&nif, &a6, NULL);
    netif_set_default(&nif);
    netif_set_link_up(&nif);
    netif_set_up(&nif);

    if (!lwiperf_start_tcp_server_default(iperf_report, NULL)) {
        fprintf(stderr, "apps_host: lwiperf failed\n");
        return 1;
    }
    httpd_init();
    if (tftp_init(&tftp_ctx) != ERR_OK) {
        fprintf(stderr, "apps_host: tftp_init failed\n");
        return 1;
    }
    mdns_resp_init();
    if (mdns_resp_add_netif(&nif, "ternapps", 60) != ERR_OK) {
        fprintf(stderr, "apps_host: mdns_resp_add_netif failed\n");
        return 1;
    }
    ip_addr_t dns;
    IP_ADDR4(&dns, 198, 18, 0, 2);
    dns_setserver(0, &dns);
    sntp_setoperatingmode(SNTP_OPMODE_POLL);
    sntp_setservername(0, "ntp.tern.test");
    sntp_init();
    printf("READY\n");
    fflush(stdout);

    time_t end = time(NULL) + secs;
    int dns_done = 0;
    static unsigned char buf[65536];
    while (!stop && time(NULL) < end) {
        u32_t wait = sys_timeouts_sleeptime();
        struct pollfd pfd = {.fd = tun_fd, .events = POLLIN};
        poll(&pfd, 1, wait > 50 ? 50 : (int)wait);
        for (int i = 0; i < 256; i++) {
            ssize_t n = read(tun_fd, buf, sizeof(buf));
            if (n <= 0)
                break;
            struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)n, PBUF_RAM);
            if (!p)
                break;
            pbuf_take(p, buf, (u16_t)n);
            if (nif.input(p, &nif) != ERR_OK)
                pbuf_free(p);
        }
        sys_check_timeouts();
        if (!dns_done && sntp_done) { /* SNTP's lookup has filled the cache */
            dns_done = 1;
            dns_lookup("nx.tern.test");  /* NXDOMAIN */
            dns_lookup("bad.tern.test"); /* answered with a malformed message */
            dns_lookup("ntp.tern.test"); /* cached from SNTP's lookup */
            dns_lookup("198.18.0.7");    /* numeric */
        }
    }
    sntp_stop();
    tftp_cleanup();
    mdns_resp_remove_netif(&nif);
    netif_remove(&nif);
    printf("DONE\n");
    return 0;
}
