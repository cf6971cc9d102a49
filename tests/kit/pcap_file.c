/* tests/kit/pcap_file.c: classic pcap files (see pcap_file.h). */
#include "pcap_file.h"

#include <stdio.h>
#include <stdlib.h>

#define SNAPLEN 65535u

struct kit_pcap {
    FILE *f;
};

struct file_header {
    uint32_t magic;
    uint16_t major, minor;
    int32_t zone;
    uint32_t sigfigs, snaplen, linktype;
};

static const struct file_header header = {0xa1b2c3d4u, 2, 4, 0, 0, SNAPLEN, 101 /* LINKTYPE_RAW */};

kit_pcap *kit_pcap_open(const char *path, size_t buffer_bytes)
{
    kit_pcap *pc = malloc(sizeof(*pc));
    if (!pc)
        return NULL;
    pc->f = fopen(path, "wb");
    if (!pc->f) {
        free(pc);
        return NULL;
    }
    if (buffer_bytes)
        setvbuf(pc->f, NULL, _IOFBF, buffer_bytes);
    if (fwrite(&header, sizeof(header), 1, pc->f) != 1) {
        kit_pcap_close(pc);
        return NULL;
    }
    return pc;
}

int kit_pcap_write(kit_pcap *pc, const struct iovec *iov, int n, uint64_t ts_us)
{
    size_t len = 0;
    for (int i = 0; i < n; i++)
        len += iov[i].iov_len;
    size_t cap = len > SNAPLEN ? SNAPLEN : len;
    const uint32_t rec[4] = {(uint32_t)(ts_us / 1000000u), (uint32_t)(ts_us % 1000000u), (uint32_t)cap,
                             (uint32_t)len};
    if (fwrite(rec, sizeof(rec), 1, pc->f) != 1)
        return -1;
    for (int i = 0; i < n && cap; i++) {
        size_t l = iov[i].iov_len < cap ? iov[i].iov_len : cap;
        if (l && fwrite(iov[i].iov_base, l, 1, pc->f) != 1)
            return -1;
        cap -= l;
    }
    return 0;
}

int kit_pcap_write_bytes(kit_pcap *pc, const void *data, size_t len, uint64_t ts_us)
{
    struct iovec v = {(void *)(uintptr_t)data, len};
    return kit_pcap_write(pc, &v, 1, ts_us);
}

int kit_pcap_flush(kit_pcap *pc)
{
    return fflush(pc->f) == 0 ? 0 : -1;
}

void kit_pcap_close(kit_pcap *pc)
{
    if (!pc)
        return;
    fclose(pc->f);
    free(pc);
}

int kit_pcap_concat(const char *path, const char *const *in, size_t n, unsigned *counts)
{
    static uint8_t buf[SNAPLEN];
    FILE *o = fopen(path, "wb");
    if (!o)
        return -1;
    int rc = fwrite(&header, sizeof(header), 1, o) == 1 ? 0 : -1;
    for (size_t i = 0; i < n; i++) {
        struct file_header h;
        uint32_t rec[4];
        FILE *f = fopen(in[i], "rb");
        counts[i] = 0;
        if (!f)
            continue;
        if (fread(&h, sizeof(h), 1, f) == 1) {
            /* a record cut short by a crash ends the file */
            while (fread(rec, sizeof(rec), 1, f) == 1 && rec[2] <= sizeof(buf) &&
                   fread(buf, 1, rec[2], f) == rec[2]) {
                if (fwrite(rec, sizeof(rec), 1, o) != 1 || (rec[2] && fwrite(buf, rec[2], 1, o) != 1))
                    rc = -1;
                counts[i]++;
            }
        }
        fclose(f);
    }
    return fclose(o) == 0 ? rc : -1;
}
