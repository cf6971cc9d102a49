/* compat/src/def.c: the byte-order and string helpers of lwip/def.h. */
#include <string.h>

#include "lwip/def.h"

#if BYTE_ORDER == LITTLE_ENDIAN

#ifndef lwip_htons
u16_t lwip_htons(u16_t n)
{
    return (u16_t)((n << 8) | (n >> 8));
}
#endif

#ifndef lwip_htonl
u32_t lwip_htonl(u32_t n)
{
    return ((n & 0x000000ffUL) << 24) | ((n & 0x0000ff00UL) << 8) | ((n & 0x00ff0000UL) >> 8) |
           ((n & 0xff000000UL) >> 24);
}
#endif

#endif

#ifndef lwip_strnstr
char *lwip_strnstr(const char *buffer, const char *token, size_t n)
{
    size_t tokenlen = strlen(token);
    if (tokenlen == 0)
        return (char *)(uintptr_t)buffer;
    /* Stop at the buffer's NUL as well as after n bytes. */
    for (const char *p = buffer; *p && (size_t)(p - buffer) + tokenlen <= n; p++) {
        if (*p == *token && strncmp(p, token, tokenlen) == 0)
            return (char *)(uintptr_t)p;
    }
    return NULL;
}
#endif

/* ASCII case folding only, like lwIP (independent of the C locale). */
static char fold(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

#ifndef lwip_stricmp
int lwip_stricmp(const char *str1, const char *str2)
{
    for (;; str1++, str2++) {
        if (fold(*str1) != fold(*str2))
            return 1;
        if (*str1 == '\0')
            return 0;
    }
}
#endif

#ifndef lwip_strnicmp
int lwip_strnicmp(const char *str1, const char *str2, size_t len)
{
    for (; len > 0; len--, str1++, str2++) {
        if (fold(*str1) != fold(*str2))
            return 1;
        if (*str1 == '\0')
            return 0;
    }
    return 0;
}
#endif

#ifndef lwip_itoa
void lwip_itoa(char *result, size_t bufsize, int number)
{
    char digits[12];
    size_t nd = 0;
    /* Work in unsigned so that INT_MIN has a magnitude. */
    unsigned int mag = number < 0 ? 0u - (unsigned int)number : (unsigned int)number;

    if (bufsize == 0)
        return;
    do {
        digits[nd++] = (char)('0' + mag % 10u);
        mag /= 10u;
    } while (mag != 0);

    size_t need = nd + (number < 0) + 1;
    if (need > bufsize) {
        result[0] = '\0';
        return;
    }
    char *out = result;
    if (number < 0)
        *out++ = '-';
    while (nd > 0)
        *out++ = digits[--nd];
    *out = '\0';
}
#endif
