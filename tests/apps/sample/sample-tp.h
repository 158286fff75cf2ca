/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoint provider "sample": one event per lttng-ust 2.13 field type, an
 * event class instantiated at every log level, and an event carrying a model
 * EMF URI.
 *
 * This header is read several times by <lttng/tracepoint-event.h> (hence the
 * guard that lets TRACEPOINT_HEADER_MULTI_READ through); sample-tp.c compiles
 * the probes, sample-app.c fires the tracepoints.
 *
 * lttng-ust 2.13 has no nested structures or variants in its field macros, and
 * arrays/sequences only accept integer (or pointer) elements: none of those
 * appear here.
 */
#undef TRACEPOINT_PROVIDER
#define TRACEPOINT_PROVIDER sample

#undef TRACEPOINT_INCLUDE
#define TRACEPOINT_INCLUDE "./sample-tp.h"

#if !defined(SAMPLE_TP_H) || defined(TRACEPOINT_HEADER_MULTI_READ)
#define SAMPLE_TP_H

#include <lttng/tracepoint.h>

#include "sample-values.h"

/* Signed container; a single value, a range, an automatic value. */
TRACEPOINT_ENUM(sample, state,
	TP_ENUM_VALUES(
		ctf_enum_value("IDLE", 0)
		ctf_enum_value("RUNNING", 1)
		ctf_enum_range("BUSY", 10, 19)
		ctf_enum_auto("AFTER_BUSY")
		ctf_enum_value("NEGATIVE", -5)
	)
)

/* Unsigned container covering its whole range with two ranges and a value. */
TRACEPOINT_ENUM(sample, level8,
	TP_ENUM_VALUES(
		ctf_enum_value("NONE", 0)
		ctf_enum_range("LOW", 1, 127)
		ctf_enum_range("HIGH", 128, 255)
	)
)

/* Emitted once by the main thread before the workers start. */
TRACEPOINT_EVENT(sample, app_start,
	TP_ARGS(int, iterations, int, threads),
	TP_FIELDS(
		ctf_integer(int32_t, iterations, iterations)
		ctf_integer(int32_t, threads, threads)
	)
)
TRACEPOINT_LOGLEVEL(sample, app_start, TRACE_NOTICE)

/* Emitted once by the main thread after every worker joined. */
TRACEPOINT_EVENT(sample, app_end,
	TP_ARGS(int, events),
	TP_FIELDS(
		ctf_integer(int64_t, events, events)
	)
)
TRACEPOINT_LOGLEVEL(sample, app_end, TRACE_NOTICE)

/* ctf_integer: signed and unsigned, 8 to 64 bits (default log level). */
TRACEPOINT_EVENT(sample, integers,
	TP_ARGS(const struct sample_values *, v),
	TP_FIELDS(
		ctf_integer(int32_t, thread, v->thread)
		ctf_integer(int32_t, iter, v->iter)
		ctf_integer(int8_t, s8, v->s8)
		ctf_integer(int16_t, s16, v->s16)
		ctf_integer(int32_t, s32, v->s32)
		ctf_integer(int64_t, s64, v->s64)
		ctf_integer(uint8_t, u8, v->u8)
		ctf_integer(uint16_t, u16, v->u16)
		ctf_integer(uint32_t, u32, v->u32)
		ctf_integer(uint64_t, u64, v->u64)
	)
)

/* ctf_integer_hex: base-16 display hint. */
TRACEPOINT_EVENT(sample, hex,
	TP_ARGS(const struct sample_values *, v),
	TP_FIELDS(
		ctf_integer(int32_t, thread, v->thread)
		ctf_integer(int32_t, iter, v->iter)
		ctf_integer_hex(uint8_t, x8, v->x8)
		ctf_integer_hex(uint16_t, x16, v->x16)
		ctf_integer_hex(uint32_t, x32, v->x32)
		ctf_integer_hex(uint64_t, x64, v->x64)
	)
)

/*
 * ctf_integer_network(_hex): the value is recorded as it lies in memory and
 * declared big-endian, so the caller passes it in network byte order.
 */
TRACEPOINT_EVENT(sample, network,
	TP_ARGS(const struct sample_values *, v),
	TP_FIELDS(
		ctf_integer(int32_t, thread, v->thread)
		ctf_integer(int32_t, iter, v->iter)
		ctf_integer_network(uint16_t, n16, v->n16)
		ctf_integer_network(uint32_t, n32, v->n32)
		ctf_integer_network(int64_t, n64, v->n64)
		ctf_integer_network_hex(uint16_t, nx16, v->nx16)
		ctf_integer_network_hex(uint32_t, nx32, v->nx32)
	)
)

/* ctf_float: single and double precision. */
TRACEPOINT_EVENT(sample, floats,
	TP_ARGS(const struct sample_values *, v),
	TP_FIELDS(
		ctf_integer(int32_t, thread, v->thread)
		ctf_integer(int32_t, iter, v->iter)
		ctf_float(float, f32, v->f32)
		ctf_float(double, f64, v->f64)
	)
)

/* ctf_string: a formatted string, an empty one and a UTF-8 one. */
TRACEPOINT_EVENT(sample, strings,
	TP_ARGS(const struct sample_values *, v),
	TP_FIELDS(
		ctf_integer(int32_t, thread, v->thread)
		ctf_integer(int32_t, iter, v->iter)
		ctf_string(str, v->str)
		ctf_string(empty, "")
		ctf_string(utf8, "caf\xc3\xa9 \xe2\x9c\x93")
	)
)

/* ctf_array and its hex, network and text variants. */
TRACEPOINT_EVENT(sample, arrays,
	TP_ARGS(const struct sample_values *, v),
	TP_FIELDS(
		ctf_integer(int32_t, thread, v->thread)
		ctf_integer(int32_t, iter, v->iter)
		ctf_array(int32_t, a32, v->a32, 4)
		ctf_array(uint8_t, a8, v->a8, 3)
		ctf_array_hex(uint16_t, ax16, v->ax16, 2)
		ctf_array_network(uint32_t, an32, v->an32, 2)
		ctf_array_network_hex(uint16_t, anx16, v->anx16, 2)
		ctf_array_text(char, atext, v->atext, SAMPLE_TEXT_ARRAY_LEN)
	)
)

/* ctf_sequence and its hex, network and text variants, plus an empty one. */
TRACEPOINT_EVENT(sample, sequences,
	TP_ARGS(const struct sample_values *, v),
	TP_FIELDS(
		ctf_integer(int32_t, thread, v->thread)
		ctf_integer(int32_t, iter, v->iter)
		ctf_sequence(int64_t, seq64, v->seq64, size_t, v->seq_len)
		ctf_sequence_hex(uint8_t, seqx8, v->seqx8, uint8_t, v->seq_len)
		ctf_sequence_network(uint32_t, seqn32, v->seqn32, uint16_t, v->seq_len)
		ctf_sequence_network_hex(uint16_t, seqnx16, v->seqnx16, uint32_t, v->seq_len)
		ctf_sequence_text(char, stext, v->str, size_t, __builtin_strlen(v->str))
		ctf_sequence(int16_t, seq_empty, v->ax16, unsigned int, 0)
	)
)

/* ctf_enum over both enumerations: mapped, ranged, automatic, unmapped. */
TRACEPOINT_EVENT(sample, enums,
	TP_ARGS(const struct sample_values *, v),
	TP_FIELDS(
		ctf_integer(int32_t, thread, v->thread)
		ctf_integer(int32_t, iter, v->iter)
		ctf_enum(sample, state, int32_t, e_value, v->e_value)
		ctf_enum(sample, state, int32_t, e_range, v->e_range)
		ctf_enum(sample, state, int32_t, e_auto, v->e_auto)
		ctf_enum(sample, state, int32_t, e_negative, v->e_negative)
		ctf_enum(sample, state, int32_t, e_unknown, v->e_unknown)
		ctf_enum(sample, level8, uint8_t, e_flags, v->e_flags)
	)
)

/* *_nowrite fields: visible to filters only; ctf_unused keeps an argument quiet. */
TRACEPOINT_EVENT(sample, nowrite,
	TP_ARGS(const struct sample_values *, v, int, unused_arg),
	TP_FIELDS(
		ctf_integer(int32_t, thread, v->thread)
		ctf_integer(int32_t, iter, v->iter)
		ctf_integer_nowrite(int32_t, hidden, v->hidden)
		ctf_string_nowrite(hidden_str, v->str)
		ctf_integer(int32_t, visible, v->hidden)
		ctf_unused(unused_arg)
	)
)

/* One class, one instance per log level. */
TRACEPOINT_EVENT_CLASS(sample, level_class,
	TP_ARGS(const struct sample_values *, v, const char *, level),
	TP_FIELDS(
		ctf_integer(int32_t, thread, v->thread)
		ctf_integer(int32_t, iter, v->iter)
		ctf_string(level, level)
	)
)

#define SAMPLE_LEVEL_EVENT(_name, _level)					\
	TRACEPOINT_EVENT_INSTANCE(sample, level_class, level_##_name,		\
		TP_ARGS(const struct sample_values *, v, const char *, level))	\
	TRACEPOINT_LOGLEVEL(sample, level_##_name, _level)

SAMPLE_LEVEL_EVENT(emerg, TRACE_EMERG)
SAMPLE_LEVEL_EVENT(alert, TRACE_ALERT)
SAMPLE_LEVEL_EVENT(crit, TRACE_CRIT)
SAMPLE_LEVEL_EVENT(err, TRACE_ERR)
SAMPLE_LEVEL_EVENT(warning, TRACE_WARNING)
SAMPLE_LEVEL_EVENT(notice, TRACE_NOTICE)
SAMPLE_LEVEL_EVENT(info, TRACE_INFO)
SAMPLE_LEVEL_EVENT(debug_system, TRACE_DEBUG_SYSTEM)
SAMPLE_LEVEL_EVENT(debug_program, TRACE_DEBUG_PROGRAM)
SAMPLE_LEVEL_EVENT(debug_process, TRACE_DEBUG_PROCESS)
SAMPLE_LEVEL_EVENT(debug_module, TRACE_DEBUG_MODULE)
SAMPLE_LEVEL_EVENT(debug_unit, TRACE_DEBUG_UNIT)
SAMPLE_LEVEL_EVENT(debug_function, TRACE_DEBUG_FUNCTION)
SAMPLE_LEVEL_EVENT(debug_line, TRACE_DEBUG_LINE)
SAMPLE_LEVEL_EVENT(debug, TRACE_DEBUG)

/* An event with a model EMF URI (and a log level). */
TRACEPOINT_EVENT(sample, model_uri,
	TP_ARGS(const struct sample_values *, v),
	TP_FIELDS(
		ctf_integer(int32_t, thread, v->thread)
		ctf_integer(int32_t, iter, v->iter)
	)
)
TRACEPOINT_LOGLEVEL(sample, model_uri, TRACE_INFO)
TRACEPOINT_MODEL_EMF_URI(sample, model_uri,
	"http://example.invalid/models/sample.ecore#//ModelUri")

#endif /* SAMPLE_TP_H */

#include <lttng/tracepoint-event.h>
