/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared declarations of the fuzz targets. Each fuzz-*.c defines the libFuzzer entry
 * point; the same file is linked either with libFuzzer (fuzz-<target>) or with
 * replay.c (replay-<target>, a plain main() that feeds a corpus to it).
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A property of the code under test does not hold: report it and crash, so that
 * libFuzzer keeps the input and the replay test fails. */
#define FUZZ_CHECK(cond)                                                                   \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__,       \
				__LINE__, #cond);                                         \
			abort();                                                           \
		}                                                                          \
	} while (0)

#endif
