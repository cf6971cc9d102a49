/* tern/export.h: the one export macro.
 *
 * libtern is built with -fvisibility=hidden: only declarations marked
 * TERN_API (lwIP's public API in compat/include, the tern_* functions of
 * core/include/tern, and what port/ installs) are exported from the shared
 * library.  Internal functions carry the tern__ prefix and stay hidden. */
#ifndef TERN_EXPORT_H
#define TERN_EXPORT_H

#if defined(__GNUC__) || defined(__clang__)
#define TERN_API __attribute__((visibility("default")))
#else
#define TERN_API
#endif

#endif
