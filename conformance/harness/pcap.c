/* pcap.c: classic pcap format, host byte order (the magic tells readers). */
#include "pcap.h"

#include <stdio.h>

struct file_header {
    uint32_t magic;
    uint16_t major, minor;
    int32_t zone;
    uint32_t sigfigs, snaplen, linktype;
};

static const struct file_header header = {0xa1b2c3d4u, 2, 4, 0, 0, 65535, 101 /* LINKTYPE_RAW */};

static FILE *out;

int pcap_open(const char *path)
{
    out = fopen(path, "wb");
    if (!out) {
        return -1;
    }
    fwrite(&header, sizeof(header), 1, out);
    fflush(out);
    return 0;
}

int pcap_concat(const char *path, const char *const *in, size_t n, unsigned *counts)
{
    static uint8_t buf[65536];
    FILE *o = fopen(path, "wb");
    size_t i;
    if (!o) {
        return -1;
    }
    fwrite(&header, sizeof(header), 1, o);
    for (i = 0; i < n; i++) {
        struct file_header h;
        uint32_t rec[4];
        FILE *f = fopen(in[i], "rb");
        counts[i] = 0;
        if (!f) {
            continue;
        }
        if (fread(&h, sizeof(h), 1, f) == 1) {
            /* a record cut short by a crash ends the file */
            while (fread(rec, sizeof(rec), 1, f) == 1 && rec[2] <= sizeof(buf) &&
                   fread(buf, 1, rec[2], f) == rec[2]) {
                fwrite(rec, sizeof(rec), 1, o);
                fwrite(buf, 1, rec[2], o);
                counts[i]++;
            }
        }
        fclose(f);
    }
    return fclose(o);
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
