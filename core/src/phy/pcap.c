/* phy/pcap.c: writing packets to a pcap file (LINKTYPE_RAW: IPv4 and IPv6
 * packets without a link header), the format tshark and Wireshark read. */
#include <stdlib.h>

#include "tern/phy.h"

struct tern_pcap {
    FILE *f;
};

tern_pcap *tern_pcap_open(const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return NULL;
    tern_pcap *pc = malloc(sizeof(*pc));
    if (!pc) {
        fclose(f);
        return NULL;
    }
    pc->f = f;
    /* magic, version 2.4, thiszone, sigfigs, snaplen, linktype 101 (raw IP) */
    uint32_t hdr[6] = {0xa1b2c3d4u, 0x00040002u, 0, 0, 65535, 101};
    if (fwrite(hdr, sizeof(hdr), 1, f) != 1) {
        tern_pcap_close(pc);
        return NULL;
    }
    return pc;
}

int tern_pcap_write_bytes(tern_pcap *pc, const void *data, uint32_t len, uint64_t ts_us)
{
    uint32_t rec[4] = {(uint32_t)(ts_us / 1000000u), (uint32_t)(ts_us % 1000000u), len, len};
    if (fwrite(rec, sizeof(rec), 1, pc->f) != 1 || (len && fwrite(data, len, 1, pc->f) != 1))
        return -1;
    return 0;
}

int tern_pcap_write(tern_pcap *pc, const tern_pbuf *p, uint64_t ts_us)
{
    uint32_t rec[4] = {(uint32_t)(ts_us / 1000000u), (uint32_t)(ts_us % 1000000u), p->tot_len, p->tot_len};
    if (fwrite(rec, sizeof(rec), 1, pc->f) != 1)
        return -1;
    for (const tern_pbuf *q = p; q; q = q->next)
        if (q->len && fwrite(q->payload, q->len, 1, pc->f) != 1)
            return -1;
    return 0;
}

void tern_pcap_close(tern_pcap *pc)
{
    if (!pc)
        return;
    fclose(pc->f);
    free(pc);
}
