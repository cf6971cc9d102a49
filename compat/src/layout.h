/* compat/src/layout.h: the program's structure layouts against libtern's
 * (the ABI rule of lwip/priv/tern_opts.h). */
#ifndef TERN_COMPAT_LAYOUT_H
#define TERN_COMPAT_LAYOUT_H

/* Compares every layout the program registered with libtern's; on the
 * first difference prints the structure, member and option to stderr and
 * calls abort().  lwip_init runs it before creating the stack. */
void tern__compat_check_layouts(void);

#endif
