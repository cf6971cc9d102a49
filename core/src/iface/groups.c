/* iface/groups.c: multicast group membership of an interface (the
 * receiving half of RFC 1112 level 2 and RFC 4291 2.7; no reports are
 * sent on tern's point-to-point links). */
#include <string.h>

#include "iface/ip.h"
#include "stack/stack_impl.h"
#include "tern/iface.h"

static bool is_multicast(const tern_addr *g)
{
    if (g->type == TERN_ADDR_V4)
        return (((const uint8_t *)&g->u.v4)[0] & 0xf0u) == 0xe0u; /* 224.0.0.0/4 */
    if (g->type == TERN_ADDR_V6)
        return ((const uint8_t *)g->u.v6.w)[0] == 0xff;
    return false;
}

static int find(const tern_iface *ifc, const tern_addr *g)
{
    for (int k = 0; k < ifc->n_groups; k++)
        if (tern_addr_eq(&ifc->groups[k], g))
            return k;
    return -1;
}

bool tern__iface_in_group(const tern_iface *ifc, const tern_addr *dst) { return find(ifc, dst) >= 0; }

int tern_iface_join_group(tern_iface *ifc, const tern_addr *group)
{
    if (!ifc || !group || !is_multicast(group))
        return TERN_ERR_VAL;
    if (find(ifc, group) >= 0)
        return TERN_OK;
    if (ifc->n_groups >= TERN_IFACE_MAX_GROUPS)
        return TERN_ERR_MEM;
    tern_addr g = {.type = group->type};
    memcpy(&g.u, &group->u, sizeof(g.u)); /* no zone or padding carried over */
    ifc->groups[ifc->n_groups++] = g;
    ifc->stack->iface_gen++;
    return TERN_OK;
}

int tern_iface_leave_group(tern_iface *ifc, const tern_addr *group)
{
    int k = ifc && group ? find(ifc, group) : -1;
    if (k < 0)
        return TERN_ERR_VAL;
    ifc->groups[k] = ifc->groups[--ifc->n_groups];
    ifc->stack->iface_gen++;
    return TERN_OK;
}
