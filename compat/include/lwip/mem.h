/* lwip/mem.h: lwIP's heap (mem_malloc and friends) on the C library's
 * allocator.  Every program gets MEM_LIBC_MALLOC's behaviour whatever
 * MEM_SIZE says: tern keeps no fixed heap, so there is nothing to run out
 * of before malloc does. */
#ifndef LWIP_HDR_MEM_H
#define LWIP_HDR_MEM_H

#include <stddef.h>

#include "lwip/opt.h"
#include "lwip/arch.h"
#include "tern/export.h"

#ifdef __cplusplus
extern "C" {
#endif

/* size_t, so one libtern serves programs built with any MEM_SIZE. */
typedef size_t mem_size_t;
#define MEM_SIZE_F SZT_F

/* Nothing to set up; lwip_init() calls it in lwIP. */
TERN_API void mem_init(void);
/* Shrinks an allocation in place (lwIP never moves it): returns mem, or
 * NULL when size is 0 or larger than the allocation. */
TERN_API void *mem_trim(void *mem, mem_size_t size);
/* Memory aligned for any object, or NULL. */
TERN_API void *mem_malloc(mem_size_t size);
/* Zeroed count * size bytes, or NULL (also on overflow). */
TERN_API void *mem_calloc(mem_size_t count, mem_size_t size);
TERN_API void mem_free(void *mem);

#ifdef __cplusplus
}
#endif

#endif
