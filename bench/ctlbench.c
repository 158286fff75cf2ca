/*
 * ctlbench: time session daemon commands through liblttng-ctl, without the
 * start-up cost of the `lttng` command-line client.
 *
 * Compiled at bench time by bench/run-control-bench.sh:
 *   cc -O2 -o ctlbench ctlbench.c $(pkg-config --cflags --libs lttng-ctl)
 *
 * Usage:
 *   ctlbench cycle TAG PREFIX REPS
 *       REPS times: create PREFIX-<i>, enable a UST channel, enable one UST
 *       event, start, stop without waiting, wait for data pending, destroy.
 *       Prints one "TAG_<step> <microseconds>" line per timed step.
 *   ctlbench populate SESSIONS EVENTS
 *       Creates SESSIONS sessions, each with one UST channel and EVENTS UST
 *       events. Prints "populate_ms <milliseconds>".
 *   ctlbench list TAG REPS
 *       Times lttng_list_sessions() REPS times; prints "TAG_list <us>" and
 *       "TAG_list_count <sessions seen>" once.
 *
 * Exits 1 (with a message on stderr) as soon as any call fails: a benchmark
 * of a command that failed would be meaningless.
 */
#define _GNU_SOURCE
#include <lttng/lttng.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Same pause as liblttng-ctl's own lttng_stop_tracing() between polls. */
#define DATA_PENDING_POLL_US 200000

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long) ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void fail(const char *what, const char *name, int code)
{
	fprintf(stderr, "ctlbench: %s(%s) failed: %d (%s)\n", what, name, code,
		code < 0 ? lttng_strerror(code) : "unexpected value");
	exit(1);
}

static void emit(const char *tag, const char *step, long long us)
{
	printf("%s_%s %lld\n", tag, step, us);
}

static struct lttng_handle *ust_handle(const char *session)
{
	struct lttng_domain domain;
	struct lttng_handle *handle;

	memset(&domain, 0, sizeof(domain));
	domain.type = LTTNG_DOMAIN_UST;
	domain.buf_type = LTTNG_BUFFER_PER_UID;
	handle = lttng_create_handle(session, &domain);
	if (!handle) {
		fail("lttng_create_handle", session, -LTTNG_ERR_NOMEM);
	}
	return handle;
}

static void create_session(const char *name)
{
	struct lttng_session_descriptor *desc;
	enum lttng_error_code ret;

	/* What `lttng create NAME` sends: a local session, default path. */
	desc = lttng_session_descriptor_local_create(name, NULL);
	if (!desc) {
		fail("lttng_session_descriptor_local_create", name, -LTTNG_ERR_NOMEM);
	}
	ret = lttng_create_session_ext(desc);
	lttng_session_descriptor_destroy(desc);
	if (ret != LTTNG_OK) {
		fail("lttng_create_session_ext", name, -(int) ret);
	}
}

static void enable_channel(struct lttng_handle *handle, const char *channel)
{
	struct lttng_channel *chan;
	int ret;

	chan = lttng_channel_create(&handle->domain);
	if (!chan) {
		fail("lttng_channel_create", channel, -LTTNG_ERR_NOMEM);
	}
	snprintf(chan->name, sizeof(chan->name), "%s", channel);
	ret = lttng_enable_channel(handle, chan);
	lttng_channel_destroy(chan);
	if (ret < 0) {
		fail("lttng_enable_channel", channel, ret);
	}
}

static void enable_event(struct lttng_handle *handle, const char *channel,
		const char *event_name)
{
	struct lttng_event *ev;
	int ret;

	ev = lttng_event_create();
	if (!ev) {
		fail("lttng_event_create", event_name, -LTTNG_ERR_NOMEM);
	}
	snprintf(ev->name, sizeof(ev->name), "%s", event_name);
	ev->type = LTTNG_EVENT_TRACEPOINT;
	ev->loglevel_type = LTTNG_EVENT_LOGLEVEL_ALL;
	ev->loglevel = -1;
	/* The call `lttng enable-event -u` makes. */
	ret = lttng_enable_event_with_exclusions(handle, ev, channel, NULL, 0, NULL);
	lttng_event_destroy(ev);
	if (ret < 0) {
		fail("lttng_enable_event_with_exclusions", event_name, ret);
	}
}

static void cmd_cycle(const char *tag, const char *prefix, int reps)
{
	char name[LTTNG_NAME_MAX];
	int i, ret;

	for (i = 0; i < reps; i++) {
		struct lttng_handle *handle;
		long long t0, t1;

		snprintf(name, sizeof(name), "%s-%d", prefix, i);

		t0 = now_us();
		create_session(name);
		emit(tag, "create", now_us() - t0);

		handle = ust_handle(name);
		t0 = now_us();
		enable_channel(handle, "chan");
		emit(tag, "enable_channel", now_us() - t0);

		t0 = now_us();
		enable_event(handle, "chan", "bench:event");
		emit(tag, "enable_event", now_us() - t0);
		lttng_destroy_handle(handle);

		t0 = now_us();
		ret = lttng_start_tracing(name);
		if (ret < 0) {
			fail("lttng_start_tracing", name, ret);
		}
		emit(tag, "start", now_us() - t0);

		/*
		 * lttng_stop_tracing() is exactly these two parts; they are
		 * timed apart because the second one is mostly polling.
		 */
		t0 = now_us();
		ret = lttng_stop_tracing_no_wait(name);
		if (ret < 0) {
			fail("lttng_stop_tracing_no_wait", name, ret);
		}
		t1 = now_us();
		emit(tag, "stop_nowait", t1 - t0);
		do {
			ret = lttng_data_pending(name);
			if (ret < 0) {
				fail("lttng_data_pending", name, ret);
			}
			if (ret) {
				usleep(DATA_PENDING_POLL_US);
			}
		} while (ret);
		emit(tag, "data_pending_wait", now_us() - t1);

		/* Waits for the destruction to complete, like `lttng destroy`. */
		t0 = now_us();
		ret = lttng_destroy_session(name);
		if (ret < 0) {
			fail("lttng_destroy_session", name, ret);
		}
		emit(tag, "destroy", now_us() - t0);
		fflush(stdout);
	}
}

static void cmd_populate(int sessions, int events)
{
	char name[LTTNG_NAME_MAX], ev[LTTNG_SYMBOL_NAME_LEN];
	long long t0 = now_us();
	int i, j;

	for (i = 0; i < sessions; i++) {
		struct lttng_handle *handle;

		snprintf(name, sizeof(name), "pop-%04d", i);
		create_session(name);
		handle = ust_handle(name);
		enable_channel(handle, "chan");
		for (j = 0; j < events; j++) {
			snprintf(ev, sizeof(ev), "bench:event_%d", j);
			enable_event(handle, "chan", ev);
		}
		lttng_destroy_handle(handle);
	}
	printf("populate_ms %lld\n", (now_us() - t0) / 1000);
}

static void cmd_list(const char *tag, int reps)
{
	struct lttng_session *sessions = NULL;
	int i, count = 0;

	for (i = 0; i < reps; i++) {
		long long t0 = now_us();

		count = lttng_list_sessions(&sessions);
		if (count < 0) {
			fail("lttng_list_sessions", "-", count);
		}
		emit(tag, "list", now_us() - t0);
		free(sessions);
		sessions = NULL;
	}
	printf("%s_list_count %d\n", tag, count);
}

static int number(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < 0 || v > 1000000) {
		fprintf(stderr, "ctlbench: bad number '%s'\n", s);
		exit(2);
	}
	return (int) v;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "cycle") == 0) {
		cmd_cycle(argv[2], argv[3], number(argv[4]));
	} else if (argc == 4 && strcmp(argv[1], "populate") == 0) {
		cmd_populate(number(argv[2]), number(argv[3]));
	} else if (argc == 4 && strcmp(argv[1], "list") == 0) {
		cmd_list(argv[2], number(argv[3]));
	} else {
		fprintf(stderr,
			"usage: ctlbench cycle TAG PREFIX REPS\n"
			"       ctlbench populate SESSIONS EVENTS\n"
			"       ctlbench list TAG REPS\n");
		return 2;
	}
	return 0;
}
