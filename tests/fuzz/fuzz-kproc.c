/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target: kproc_parse and the task history of the kernel consumer's process
 * events (src/consumerd/kernel/kproc-feed.c), which read what a recv() of the
 * netlink proc connector socket gave.
 *
 * Input: the received bytes. Every event given is applied to a feed whose /proc is
 * a directory that does not exist (so nothing depends on this machine's tasks).
 * Checked: the walk gives as many events as it says (or ends with -EBADMSG), each
 * names a task (pid and tgid above 0), and after an event the feed answers for its
 * task at that time only with that task.
 */
#include <errno.h>

#include "fuzz.h"
#include "kproc-feed.h"

struct run {
	struct kproc_feed *feed;
	int given;
};

static void on_event(void *userdata, const struct kproc_event *ev)
{
	struct run *r = userdata;
	const struct ktask *t;

	FUZZ_CHECK(ev->pid > 0 && ev->tgid > 0);
	FUZZ_CHECK(ev->kind <= KPROC_EXIT);
	r->given++;
	kproc_feed_apply(r->feed, ev);
	t = kproc_feed_at(r->feed, ev->pid, ev->ts);
	FUZZ_CHECK(!t || t->tid == ev->pid);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kproc_feed *feed;
	struct run r = { 0 };
	int n;

	if (!feed)
		feed = kproc_feed_new_detached("/nonexistent-proc-for-fuzzing");
	FUZZ_CHECK(feed != NULL);
	r.feed = feed;
	n = kproc_parse(data, size, on_event, &r);
	FUZZ_CHECK(n == -EBADMSG || n == r.given);
	return 0;
}
