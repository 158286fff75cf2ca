/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lttng-sample-app: fires every sample:* tracepoint from a few threads with
 * values that depend only on the thread index and the iteration, so that a
 * trace of it reads the same from run to run (timestamps and ids aside).
 *
 * Usage: lttng-sample-app [-n ITERATIONS] [-t THREADS] [-s SLEEP_US] [-w]
 *                         [--wait-file PATH]
 *   -n, --iterations N  events of each kind per thread (default 1)
 *   -t, --threads N     worker threads (default 1)
 *   -s, --sleep US      pause between iterations, microseconds (default 0)
 *   -w, --wait          read a line from stdin before emitting
 *   --wait-file PATH    wait for PATH to exist before emitting
 *   --ready-file PATH   create PATH once started (registered with any
 *                       session daemon), before waiting
 *   --app-context       register the application context provider
 *                       "$app.sample" (sample-context.c) before emitting,
 *                       unregister it at exit
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sample-context.h"
#include "sample-tp.h"

/* Each event advances the emitting thread's event index (the app contexts). */
#define EMIT(...)                              \
	do {                                   \
		sample_context_step();         \
		tracepoint(__VA_ARGS__);       \
	} while (0)

struct worker {
	pthread_t tid;
	int index;
	int iterations;
	unsigned long sleep_us;
	long long emitted;
};

/* Level instances of sample:level_class, in log-level order. */
#define SAMPLE_LEVEL_COUNT 15

static void sample_values_fill(struct sample_values *v, int thread, int iter)
{
	const uint32_t k = (uint32_t) thread * 10u + (uint32_t) iter;
	size_t j;

	memset(v, 0, sizeof(*v));
	v->thread = thread;
	v->iter = iter;

	v->s8 = (int8_t) (-100 - (int32_t) (k % 29u));
	v->s16 = (int16_t) (-30000 + (int32_t) (k % 1000u));
	v->s32 = INT32_MIN + (int32_t) (k % 1000000u);
	v->s64 = INT64_MIN + (int64_t) k;
	v->u8 = (uint8_t) (200u + k % 56u);
	v->u16 = (uint16_t) (65000u + k % 536u);
	v->u32 = 4000000000u + k % 1000000u;
	v->u64 = UINT64_MAX - k;

	v->x8 = (uint8_t) (0xa0u + k % 96u);
	v->x16 = (uint16_t) (0xbee0u + k % 32u);
	v->x32 = 0xdeadbe00u + k % 256u;
	v->x64 = UINT64_C(0xcafebabe00000000) + k;

	/*
	 * The *_network macros record their argument as it lies in memory and
	 * declare it big-endian: hand them values already in network order.
	 */
	v->n16 = htobe16((uint16_t) (8080u + k % 1000u));
	v->n32 = htobe32(0x0a000001u + k % 1000000u);
	v->n64 = (int64_t) htobe64((uint64_t) (-1000 * (int64_t) k - 1));
	v->nx16 = htobe16((uint16_t) (0x1f90u + k % 16u));
	v->nx32 = htobe32(0xc0a80000u + k % 65536u);

	v->f32 = 1.5f + (float) (k % 1000u);
	v->f64 = -0.25 - 100.0 * (double) k;

	snprintf(v->str, sizeof(v->str), "thread %d iter %d", thread, iter);

	v->a32[0] = (int32_t) k;
	v->a32[1] = -(int32_t) k;
	v->a32[2] = 2 * (int32_t) k;
	v->a32[3] = -1;
	v->a8[0] = (uint8_t) (k % 256u);
	v->a8[1] = 255;
	v->a8[2] = 0;
	v->ax16[0] = (uint16_t) (0xab00u + k % 256u);
	v->ax16[1] = 0x00ff;
	v->an32[0] = htobe32(0x01020304u);
	v->an32[1] = htobe32(1000000u + k);
	v->anx16[0] = htobe16(0xbeef);
	v->anx16[1] = htobe16((uint16_t) (0x0100u + k % 256u));
	/* At most 7 characters then NULs: read back as a string. */
	snprintf(v->atext, sizeof(v->atext), "t%u-i%u", (unsigned int) thread % 100u,
		 (unsigned int) iter % 100u);

	v->seq_len = (size_t) (iter % SAMPLE_SEQ_MAX) + 1;
	for (j = 0; j < v->seq_len; j++) {
		v->seq64[j] = 1000 * (int64_t) k - (int64_t) j;
		v->seqx8[j] = (uint8_t) (0xf0u + j);
		v->seqn32[j] = htobe32(100000u * (uint32_t) (j + 1) + k);
		v->seqnx16[j] = htobe16((uint16_t) (0xca00u + 16u * j +
						     (uint32_t) thread % 16u));
	}

	v->e_value = (int32_t) (k % 2u);		/* IDLE or RUNNING */
	v->e_range = 10 + (int32_t) (k % 10u);		/* BUSY */
	v->e_auto = 20;					/* AFTER_BUSY */
	v->e_negative = -5;				/* NEGATIVE */
	v->e_unknown = 1000 + (int32_t) (k % 1000u);	/* no mapping */
	v->e_flags = (uint8_t) (k * 20u);		/* NONE, LOW or HIGH */

	v->hidden = (int32_t) k;
}

static long long emit_levels(const struct sample_values *v)
{
	EMIT(sample, level_emerg, v, "emerg");
	EMIT(sample, level_alert, v, "alert");
	EMIT(sample, level_crit, v, "crit");
	EMIT(sample, level_err, v, "err");
	EMIT(sample, level_warning, v, "warning");
	EMIT(sample, level_notice, v, "notice");
	EMIT(sample, level_info, v, "info");
	EMIT(sample, level_debug_system, v, "debug_system");
	EMIT(sample, level_debug_program, v, "debug_program");
	EMIT(sample, level_debug_process, v, "debug_process");
	EMIT(sample, level_debug_module, v, "debug_module");
	EMIT(sample, level_debug_unit, v, "debug_unit");
	EMIT(sample, level_debug_function, v, "debug_function");
	EMIT(sample, level_debug_line, v, "debug_line");
	EMIT(sample, level_debug, v, "debug");
	return SAMPLE_LEVEL_COUNT;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct sample_values v;
	int i;

	for (i = 0; i < w->iterations; i++) {
		sample_values_fill(&v, w->index, i);
		sample_context_begin(w->index, i);
		EMIT(sample, integers, &v);
		EMIT(sample, hex, &v);
		EMIT(sample, network, &v);
		EMIT(sample, floats, &v);
		EMIT(sample, strings, &v);
		EMIT(sample, arrays, &v);
		EMIT(sample, sequences, &v);
		EMIT(sample, enums, &v);
		EMIT(sample, nowrite, &v, 0);
		EMIT(sample, model_uri, &v);
		w->emitted += 10 + emit_levels(&v);
		if (w->sleep_us > 0 && i + 1 < w->iterations)
			usleep((useconds_t) w->sleep_us);
	}
	return NULL;
}

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: lttng-sample-app [-n ITERATIONS] [-t THREADS] [-s SLEEP_US] [-w]\n"
		"                        [--wait-file PATH] [--ready-file PATH] [--app-context]\n"
		"  -n, --iterations N  events of each kind per thread (default 1)\n"
		"  -t, --threads N     worker threads (default 1)\n"
		"  -s, --sleep US      pause between iterations, in microseconds\n"
		"  -w, --wait          read a line from stdin before emitting\n"
		"  --wait-file PATH    wait for PATH to exist before emitting\n"
		"  --ready-file PATH   create PATH once started, before waiting\n"
		"  --app-context       provide the application contexts $app.sample:*\n");
}

static int parse_count(const char *s, const char *what, long min, long max, long *out)
{
	char *end;
	long val;

	errno = 0;
	val = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || val < min || val > max) {
		fprintf(stderr, "lttng-sample-app: invalid %s: %s\n", what, s);
		return -1;
	}
	*out = val;
	return 0;
}

static int wait_stdin_line(void)
{
	int c;

	do {
		c = getchar();
	} while (c != EOF && c != '\n');
	return 0;
}

static int wait_for_file(const char *path)
{
	while (access(path, F_OK) != 0) {
		if (errno != ENOENT && errno != ENOTDIR) {
			fprintf(stderr, "lttng-sample-app: %s: %s\n", path, strerror(errno));
			return -1;
		}
		usleep(10000);
	}
	return 0;
}

static int touch_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0) {
		fprintf(stderr, "lttng-sample-app: %s: %s\n", path, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

enum { OPT_WAIT_FILE = 256, OPT_READY_FILE, OPT_APP_CONTEXT };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "iterations", required_argument, NULL, 'n' },
		{ "threads", required_argument, NULL, 't' },
		{ "sleep", required_argument, NULL, 's' },
		{ "wait", no_argument, NULL, 'w' },
		{ "wait-file", required_argument, NULL, OPT_WAIT_FILE },
		{ "ready-file", required_argument, NULL, OPT_READY_FILE },
		{ "app-context", no_argument, NULL, OPT_APP_CONTEXT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long iterations = 1, threads = 1, sleep_us = 0, val;
	const char *wait_file = NULL, *ready_file = NULL;
	int wait_stdin = 0, app_context = 0, opt, err, i, status = EXIT_SUCCESS;
	struct worker *workers;
	long long total = 0;

	while ((opt = getopt_long(argc, argv, "n:t:s:wh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			if (parse_count(optarg, "iteration count", 0, INT_MAX, &val))
				return EXIT_FAILURE;
			iterations = val;
			break;
		case 't':
			if (parse_count(optarg, "thread count", 1, 1024, &val))
				return EXIT_FAILURE;
			threads = val;
			break;
		case 's':
			if (parse_count(optarg, "sleep time", 0, LONG_MAX, &val))
				return EXIT_FAILURE;
			sleep_us = val;
			break;
		case 'w':
			wait_stdin = 1;
			break;
		case OPT_WAIT_FILE:
			wait_file = optarg;
			break;
		case OPT_READY_FILE:
			ready_file = optarg;
			break;
		case OPT_APP_CONTEXT:
			app_context = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		default:
			usage(stderr);
			return EXIT_FAILURE;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return EXIT_FAILURE;
	}

	if (app_context && sample_context_register())
		return EXIT_FAILURE;
	if (ready_file && touch_file(ready_file)) {
		sample_context_unregister();
		return EXIT_FAILURE;
	}
	if (wait_stdin)
		wait_stdin_line();
	if (wait_file && wait_for_file(wait_file)) {
		sample_context_unregister();
		return EXIT_FAILURE;
	}

	workers = calloc((size_t) threads, sizeof(*workers));
	if (!workers) {
		perror("lttng-sample-app: calloc");
		sample_context_unregister();
		return EXIT_FAILURE;
	}

	sample_context_begin(-1, 0);
	EMIT(sample, app_start, (int) iterations, (int) threads);

	for (i = 0; i < threads; i++) {
		workers[i].index = i;
		workers[i].iterations = (int) iterations;
		workers[i].sleep_us = (unsigned long) sleep_us;
		err = pthread_create(&workers[i].tid, NULL, worker_main, &workers[i]);
		if (err) {
			fprintf(stderr, "lttng-sample-app: pthread_create: %s\n", strerror(err));
			threads = i;
			status = EXIT_FAILURE;
			break;
		}
	}
	for (i = 0; i < threads; i++) {
		pthread_join(workers[i].tid, NULL);
		total += workers[i].emitted;
	}

	EMIT(sample, app_end, (int) (total > INT_MAX ? INT_MAX : total));
	free(workers);
	sample_context_unregister();
	return status;
}
