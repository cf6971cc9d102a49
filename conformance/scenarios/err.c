/* err.c: err_t values and conversions (binding generators and socket
 * layers depend on the exact numbers). */
#include "conformance.h"

#include <errno.h>

SCENARIO(err_values, "err_t is a signed byte and every code has lwIP's value")
{
    EXPECT_EQ(sizeof(err_t), 1);
    EXPECT_EQ((err_t)-1 < 0, 1);
    EXPECT_EQ(ERR_OK, 0);
    EXPECT_EQ(ERR_MEM, -1);
    EXPECT_EQ(ERR_BUF, -2);
    EXPECT_EQ(ERR_TIMEOUT, -3);
    EXPECT_EQ(ERR_RTE, -4);
    EXPECT_EQ(ERR_INPROGRESS, -5);
    EXPECT_EQ(ERR_VAL, -6);
    EXPECT_EQ(ERR_WOULDBLOCK, -7);
    EXPECT_EQ(ERR_USE, -8);
    EXPECT_EQ(ERR_ALREADY, -9);
    EXPECT_EQ(ERR_ISCONN, -10);
    EXPECT_EQ(ERR_CONN, -11);
    EXPECT_EQ(ERR_IF, -12);
    EXPECT_EQ(ERR_ABRT, -13);
    EXPECT_EQ(ERR_RST, -14);
    EXPECT_EQ(ERR_CLSD, -15);
    EXPECT_EQ(ERR_ARG, -16);
}

SCENARIO(err_strerr, "lwip_strerr gives a string for every code, known or not")
{
    int e;
    for (e = 1; e >= -17; e--) {
        const char *s = lwip_strerr((err_t)e);
        EXPECT(s != NULL);
    }
    trace("lwip_strerr(ERR_MEM) = \"%s\"", lwip_strerr(ERR_MEM));
}

#if !NO_SYS
/* err_to_errno exists only with an OS layer (err.h). */
SCENARIO(err_to_errno_map, "err_to_errno maps each code to its errno")
{
    EXPECT_EQ(err_to_errno(ERR_OK), 0);
    EXPECT_EQ(err_to_errno(ERR_MEM), ENOMEM);
    EXPECT_EQ(err_to_errno(ERR_BUF), ENOBUFS);
    EXPECT_EQ(err_to_errno(ERR_TIMEOUT), EWOULDBLOCK);
    EXPECT_EQ(err_to_errno(ERR_RTE), EHOSTUNREACH);
    EXPECT_EQ(err_to_errno(ERR_INPROGRESS), EINPROGRESS);
    EXPECT_EQ(err_to_errno(ERR_VAL), EINVAL);
    EXPECT_EQ(err_to_errno(ERR_WOULDBLOCK), EWOULDBLOCK);
    EXPECT_EQ(err_to_errno(ERR_USE), EADDRINUSE);
    EXPECT_EQ(err_to_errno(ERR_ALREADY), EALREADY);
    EXPECT_EQ(err_to_errno(ERR_ISCONN), EISCONN);
    EXPECT_EQ(err_to_errno(ERR_CONN), ENOTCONN);
    EXPECT_EQ(err_to_errno(ERR_IF), -1);
    EXPECT_EQ(err_to_errno(ERR_ABRT), ECONNABORTED);
    EXPECT_EQ(err_to_errno(ERR_RST), ECONNRESET);
    EXPECT_EQ(err_to_errno(ERR_CLSD), ENOTCONN);
    EXPECT_EQ(err_to_errno(ERR_ARG), EIO);
    EXPECT_EQ(err_to_errno(-100), EIO); /* out of range */
}
#endif

/* lwIP's test_def: lwip_itoa writes the number and its terminator and
 * never a byte past bufsize. */
static void itoa_case(int number, const char *expected)
{
    char buf[32];
    char *out = buf + 4;
    size_t n = strlen(expected), i;
    memset(buf, 0x7a, sizeof(buf));
    lwip_itoa(out, n + 1, number);
    EXPECT_STR(out, expected);
    for (i = n + 1; i < sizeof(buf) - 4; i++) {
        EXPECT_EQ(out[i], 0x7a);
    }
    for (i = 0; i < 4; i++) {
        EXPECT_EQ(buf[i], 0x7a);
    }
    memset(buf, 0x7a, sizeof(buf)); /* too small: no overrun */
    lwip_itoa(out, n, number);
    for (i = n + 1; i < sizeof(buf) - 4; i++) {
        EXPECT_EQ(out[i], 0x7a);
    }
}

SCENARIO(def_itoa, "lwip_itoa formats integers within the given buffer size")
{
    itoa_case(0, "0");
    itoa_case(1, "1");
    itoa_case(-1, "-1");
    itoa_case(15, "15");
    itoa_case(-15, "-15");
    itoa_case(156, "156");
    itoa_case(1192, "1192");
    itoa_case(-156, "-156");
}

SCENARIO(def_byte_order, "lwip_htons/lwip_htonl/PP_HTONS convert to network order")
{
    uint8_t b[4];
    u16_t s = lwip_htons(0x1234);
    u32_t l = lwip_htonl(0x12345678u);
    memcpy(b, &s, 2);
    EXPECT_EQ(b[0], 0x12);
    EXPECT_EQ(b[1], 0x34);
    memcpy(b, &l, 4);
    EXPECT_EQ(b[0], 0x12);
    EXPECT_EQ(b[3], 0x78);
    EXPECT_EQ(lwip_ntohs(s), 0x1234);
    EXPECT_EQ(lwip_ntohl(l), 0x12345678u);
    EXPECT_EQ(PP_HTONS(0x1234), s);
    EXPECT_EQ(PP_HTONL(0x12345678u), l);
}
