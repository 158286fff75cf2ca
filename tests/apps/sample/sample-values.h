/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Payload of the sample:* events: one record per (thread, iteration), filled
 * by sample_values_fill() from those two indices only, so that a babeltrace2
 * reading of the trace is the same from run to run (timestamps and ids aside).
 * See README.md for the formulas.
 */
#ifndef SAMPLE_VALUES_H
#define SAMPLE_VALUES_H

#include <stddef.h>
#include <stdint.h>

#define SAMPLE_STR_MAX 48
#define SAMPLE_SEQ_MAX 8
#define SAMPLE_TEXT_ARRAY_LEN 8

struct sample_values {
	int32_t thread;
	int32_t iter;

	/* integers */
	int8_t s8;
	int16_t s16;
	int32_t s32;
	int64_t s64;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	/* hexadecimal */
	uint8_t x8;
	uint16_t x16;
	uint32_t x32;
	uint64_t x64;

	/* network byte order: stored big-endian already (see sample_values_fill) */
	uint16_t n16;
	uint32_t n32;
	int64_t n64;
	uint16_t nx16;
	uint32_t nx32;

	/* floating point */
	float f32;
	double f64;

	/* strings */
	char str[SAMPLE_STR_MAX];

	/* fixed-length arrays */
	int32_t a32[4];
	uint8_t a8[3];
	uint16_t ax16[2];
	uint32_t an32[2];
	uint16_t anx16[2];
	char atext[SAMPLE_TEXT_ARRAY_LEN];

	/* variable-length sequences: seq_len elements each */
	size_t seq_len;
	int64_t seq64[SAMPLE_SEQ_MAX];
	uint8_t seqx8[SAMPLE_SEQ_MAX];
	uint32_t seqn32[SAMPLE_SEQ_MAX];
	uint16_t seqnx16[SAMPLE_SEQ_MAX];

	/* enumerations (container values) */
	int32_t e_value;
	int32_t e_range;
	int32_t e_auto;
	int32_t e_negative;
	int32_t e_unknown;
	uint8_t e_flags;

	/* recorded with *_nowrite: usable by filters, absent from the trace */
	int32_t hidden;
};

#endif /* SAMPLE_VALUES_H */
