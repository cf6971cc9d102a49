/* pcap.c: classic pcap format, host byte order (the magic tells readers). */
#include "pcap.h"

#include <stdio.h>

static FILE *out;

int pcap_open(const char *path)
{
    const struct {
        uint32_t magic;
        uint16_t major, minor;
        int32_t zone;
        uint32_t sigfigs, snaplen, linktype;
    } hdr = {0xa1b2c3d4u, 2, 4, 0, 0, 65535, 101 /* LINKTYPE_RAW */};
    out = fopen(path, "wb");
    if (!out) {
        return -1;
    }
    fwrite(&hdr, sizeof(hdr), 1, out);
    fflush(out);
    return 0;
}

void pcap_write(const uint8_t *data, size_t len, uint32_t t_ms)
{
    const uint32_t rec[4] = {t_ms / 1000, (t_ms % 1000) * 1000, (uint32_t)len, (uint32_t)len};
    if (!out) {
        return;
    }
    fwrite(rec, sizeof(rec), 1, out);
    fwrite(data, len, 1, out);
    fflush(out); /* the child may crash later */
}
