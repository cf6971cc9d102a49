/* lwip/priv/tern_abi.h: link-time selection of option-dependent entry points.
 *
 * A few options in the consumer's lwipopts.h change what a function must do
 * (TUN2SOCKS changes the UDP callback's arguments; LWIP_HAVE_LOOPIF decides
 * whether lwip_init creates a loopback interface).  libtern is built once,
 * so it exports one variant per setting and these headers bind each call
 * to the right one with an assembler label.  Names in C stay lwIP's, so
 * cgo and bindgen see the same API. */
#ifndef LWIP_HDR_PRIV_TERN_ABI_H
#define LWIP_HDR_PRIV_TERN_ABI_H

#define TERN_ABI_STR2(x) #x
#define TERN_ABI_STR(x) TERN_ABI_STR2(x)

#if TUN2SOCKS
#define TERN_ABI_T2S(name) __asm__(TERN_ABI_STR(tern_t2s_##name))
#else
#define TERN_ABI_T2S(name)
#endif

#if TUN2SOCKS && LWIP_HAVE_LOOPIF
#define TERN_ABI_INIT __asm__("tern_lwip_init_loopif_t2s")
#elif TUN2SOCKS
#define TERN_ABI_INIT __asm__("tern_lwip_init_t2s")
#elif LWIP_HAVE_LOOPIF
#define TERN_ABI_INIT __asm__("tern_lwip_init_loopif")
#else
#define TERN_ABI_INIT
#endif

#endif
