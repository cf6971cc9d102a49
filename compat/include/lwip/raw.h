/* lwip/raw.h: lwIP's raw pcbs (raw_new, raw_recv, raw_sendto ...) are not
 * implemented by tern.  LWIP_RAW may be 1 in lwipopts.h, as long as the
 * program does not use them. */
#ifndef LWIP_HDR_RAW_H
#define LWIP_HDR_RAW_H

#error "tern does not implement lwIP raw pcbs (lwip/raw.h): use udp or tcp pcbs, or a TUN/packet socket directly"

#endif /* LWIP_HDR_RAW_H */
