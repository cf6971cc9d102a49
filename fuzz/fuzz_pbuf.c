/* fuzz/fuzz_pbuf.c: pbuf API operation sequences against a byte model. */
#define FUZZ_NAME "fuzz_pbuf"
#define FUZZ_RUN hf_pbuf
#include "fuzz_common.h"
