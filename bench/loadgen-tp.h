/*
 * Tracepoint provider "loadgen" for bench/loadgen.c (the data-path benchmark,
 * bench/run-trace-bench.sh). Read several times by <lttng/tracepoint-event.h>,
 * hence the guard that lets TRACEPOINT_HEADER_MULTI_READ through.
 */
#undef TRACEPOINT_PROVIDER
#define TRACEPOINT_PROVIDER loadgen

#undef TRACEPOINT_INCLUDE
#define TRACEPOINT_INCLUDE "./loadgen-tp.h"

#if !defined(LOADGEN_TP_H) || defined(TRACEPOINT_HEADER_MULTI_READ)
#define LOADGEN_TP_H

#include <stdint.h>
#include <lttng/tracepoint.h>

/* One per started application (start-up measures): who, and how long it took. */
TRACEPOINT_EVENT(loadgen, started,
	TP_ARGS(int32_t, pid, int64_t, startup_ns),
	TP_FIELDS(
		ctf_integer(int32_t, pid, pid)
		ctf_integer(int64_t, startup_ns, startup_ns)
	)
)

/* The load: 24 bytes of payload, a typical small event. */
TRACEPOINT_EVENT(loadgen, event,
	TP_ARGS(uint64_t, seq, uint32_t, thread, uint32_t, value, uint64_t, data),
	TP_FIELDS(
		ctf_integer(uint64_t, seq, seq)
		ctf_integer(uint32_t, thread, thread)
		ctf_integer(uint32_t, value, value)
		ctf_integer_hex(uint64_t, data, data)
	)
)

#endif /* LOADGEN_TP_H */

#include <lttng/tracepoint-event.h>
