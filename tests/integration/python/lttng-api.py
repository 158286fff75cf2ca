# SPDX-License-Identifier: GPL-2.0-only
# Drives a session daemon through python3-lttng (liblttng-ctl bindings) and prints
# every result, so the transcript can be compared between two daemons.
# (lttng.list_sessions() is left out: it crashes inside python3-lttng 2.13.9
# whatever the daemon.)
import lttng
print("alive", lttng.session_daemon_alive())
print("create", lttng.create("pysess", None))
d = lttng.Domain(); d.type = lttng.DOMAIN_UST; d.buf_type = lttng.BUFFER_PER_UID
h = lttng.Handle("pysess", d)
ch = lttng.Channel(); ch.name = "pych"; ch.attr.subbuf_size = 8192; ch.attr.num_subbuf = 4; ch.attr.overwrite = 0; ch.attr.output = lttng.EVENT_MMAP
print("enable_channel", lttng.enable_channel(h, ch))
print("enable_channel again", lttng.enable_channel(h, ch))
ev = lttng.Event(); ev.name = "foo:*"; ev.type = lttng.EVENT_TRACEPOINT; ev.loglevel_type = lttng.EVENT_LOGLEVEL_ALL
print("enable_event", lttng.enable_event(h, ev, "pych"))
print("list_channels", lttng.list_channels(h))
print("list_events", lttng.list_events(h, "pych"))
print("list_domains", lttng.list_domains("pysess"))
ctx = lttng.EventContext(); ctx.ctx = lttng.EVENT_CONTEXT_VPID
print("add_context", lttng.add_context(h, ctx, None, "pych"))
print("start", lttng.start("pysess"), "start again", lttng.start("pysess"))
print("stop", lttng.stop("pysess"))
print("disable_event", lttng.disable_event(h, "foo:*", "pych"))
print("disable_channel", lttng.disable_channel(h, "pych"))
print("destroy", lttng.destroy("pysess"), "destroy again", lttng.destroy("pysess"))
print("strerror", lttng.strerror(-23))
