/* api_list.h: every lwIP API function and global the harness and the
 * scenarios use, one API(name) per line.  The tern build declares them weak
 * (weak_api.h) and reports the ones its library lacks (api_check.c); a name
 * the stack's headers provide as a macro is legitimately absent.
 *
 * After linking conformance-lwip, check_api_list.sh fails the build if the
 * binary imports an lwIP function that is not listed here.  Globals (used
 * through macros such as ip_current_src_addr() and IP_ANY_TYPE) and names
 * that are macros in Debian's lwIP (lwip_strerr) must be added by hand.
 * API_TLS names a global that is thread-local in tern (tern/stack.h: one
 * stack per thread): a weak reference to it must say so. */
#ifndef API_TLS
#define API_TLS(name) API(name)
#endif

/* init and timers */
API(lwip_init)
API(sys_check_timeouts)
API(sys_timeout)
API(sys_timeouts_sleeptime)
API(sys_untimeout)

/* netif */
API(ip_input)
API(netif_add)
API_TLS(netif_default) /* thread-local in tern (one stack per thread) */
API(netif_find)
API(netif_ip6_addr_set)
API(netif_ip6_addr_set_state)
API(netif_set_default)
API(netif_set_down)
API(netif_set_ipaddr)
API(netif_set_link_up)
API(netif_set_up)

/* pbuf */
API(pbuf_add_header)
API(pbuf_add_header_force)
API(pbuf_alloc)
API(pbuf_alloc_reference)
API(pbuf_alloced_custom)
API(pbuf_cat)
API(pbuf_chain)
API(pbuf_clen)
API(pbuf_clone)
API(pbuf_coalesce)
API(pbuf_copy)
API(pbuf_copy_partial)
API(pbuf_copy_partial_pbuf)
API(pbuf_dechain)
API(pbuf_free)
API(pbuf_free_header)
API(pbuf_get_at)
API(pbuf_get_contiguous)
API(pbuf_header)
API(pbuf_memcmp)
API(pbuf_memfind)
API(pbuf_put_at)
API(pbuf_realloc)
API(pbuf_ref)
API(pbuf_remove_header)
API(pbuf_skip)
API(pbuf_split_64k)
API(pbuf_strstr)
API(pbuf_take)
API(pbuf_take_at)
API(pbuf_try_get_at)

/* udp */
API(udp_bind)
API(udp_connect)
API(udp_disconnect)
API(udp_new)
API(udp_new_ip_type)
API(udp_recv)
API(udp_remove)
API(udp_send)
API(udp_sendto)
API(udp_sendto_if)
API(udp_sendto_if_src)

/* tcp */
API(tcp_abort)
API(tcp_accept)
API(tcp_arg)
API(tcp_bind)
API(tcp_close)
API(tcp_connect)
API(tcp_err)
API(tcp_listen_with_backlog)
API(tcp_listen_with_backlog_and_err)
API(tcp_new)
API(tcp_new_ip_type)
API(tcp_output)
API(tcp_poll)
API(tcp_process_refused_data)
API(tcp_recv)
API(tcp_recv_null)
API(tcp_recved)
API(tcp_sent)
API(tcp_setprio)
API(tcp_shutdown)
API(tcp_tcp_get_tcp_addrinfo)
API(tcp_write)

/* addresses and IP state */
API(ip4_addr_isbroadcast_u32)
API(ip4addr_aton)
API(ip4addr_ntoa)
API(ip4addr_ntoa_r)
API(ip6_addr_any)
API(ip6addr_aton)
API(ip6addr_ntoa_r)
API(ip_addr_any)
API(ip_addr_any_type)
API(ip_data)
API(ipaddr_aton)
API(ipaddr_ntoa)
API(ipaddr_ntoa_r)

/* err and def */
API(err_to_errno)
API(lwip_htonl)
API(lwip_htons)
API(lwip_itoa)
API(lwip_strerr)
