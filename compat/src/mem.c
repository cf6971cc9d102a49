/* compat/src/mem.c: lwIP's mem_* heap on the C library's allocator. */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

#include "lwip/mem.h"

void mem_init(void) {}

void *mem_malloc(mem_size_t size) { return malloc(size ? size : 1); }

void *mem_calloc(mem_size_t count, mem_size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    return calloc(count ? count : 1, size ? size : 1);
}

void mem_free(void *mem) { free(mem); }

void *mem_trim(void *mem, mem_size_t size)
{
    /* lwIP shrinks in place and never moves the block: keep the pointer
     * valid and refuse growth, as its heap does. */
    if (!mem || size == 0 || size > malloc_usable_size(mem))
        return NULL;
    return mem;
}
