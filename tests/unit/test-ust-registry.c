/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Unit tests for the trace registries (src/sessiond/ust-registry.c): channel ids,
 * event ids per channel, duplicate registrations per-UID and per-PID, enum ids, the
 * metadata text growing with each new description, and its regeneration.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "ust/ust-registry.h"

static struct lttng_ust_ctl_field *int_fields(size_t count, const char *first_name)
{
	struct lttng_ust_ctl_field *f = calloc(count ? count : 1, sizeof(*f));

	for (size_t i = 0; i < count; i++) {
		snprintf(f[i].name, sizeof(f[i].name), "%s%zu", first_name, i);
		f[i].type.atype = lttng_ust_ctl_atype_integer;
		f[i].type.u.integer.size = 32;
		f[i].type.u.integer.alignment = 8;
		f[i].type.u.integer.signedness = 1;
		f[i].type.u.integer.base = 10;
	}
	return f;
}

static struct ust_registry *new_registry(bool per_pid)
{
	struct ust_registry *reg = ust_registry_new(1, 7, per_pid);

	reg->meta.per_pid = per_pid;
	reg->meta.bits_per_long = 64;
	reg->meta.long_alignment = 64;
	reg->meta.uint8_alignment = 8;
	reg->meta.uint16_alignment = 16;
	reg->meta.uint32_alignment = 32;
	reg->meta.uint64_alignment = 64;
	reg->meta.tracer_major = 2;
	reg->meta.tracer_minor = 13;
	reg->meta.session_name = "s";
	reg->meta.hostname = "host";
	reg->meta.procname = "app";
	return reg;
}

static char *dup_str(const char *s)
{
	return s ? strdup(s) : NULL;
}

static void test_ids_and_metadata(void)
{
	struct ust_registry *reg = new_registry(false);
	struct ust_registry_channel *a, *b;
	uint32_t id = 99;
	int header = 0;
	size_t size;

	ok(ust_registry_start_metadata(reg) == 0, "header generated");
	ok(reg->metadata.size > 0 && memmem(reg->metadata.data, reg->metadata.size, "/* CTF 1.8 */", 13),
	   "metadata starts with the CTF header");
	a = ust_registry_channel_add(reg, "chan-a");
	b = ust_registry_channel_add(reg, "chan-b");
	is_uint(a->chan_id, 0, "first channel gets id 0");
	is_uint(b->chan_id, 1, "second channel gets id 1");
	ok(ust_registry_channel_find(reg, "chan-b") == b, "channel found by name");
	ok(ust_registry_channel_find(reg, "nope") == NULL, "unknown channel not found");

	size = reg->metadata.size;
	is_int(ust_registry_register_channel(reg, a, int_fields(1, "ctx"), 1, &header), 0,
	       "first channel registration accepted");
	is_int(header, LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, "large event header, as LTTng 2.13");
	ok(reg->metadata.size > size, "stream block appended");
	ok(memmem(reg->metadata.data, reg->metadata.size, "stream {", 8) != NULL, "stream block present");

	size = reg->metadata.size;
	is_int(ust_registry_register_channel(reg, a, int_fields(1, "ctx"), 1, &header), 0,
	       "same context again (another app of the user) accepted");
	is_uint(reg->metadata.size, size, "no second stream block");
	is_int(ust_registry_register_channel(reg, a, int_fields(2, "ctx"), 2, &header), -EINVAL,
	       "different context fields refused");

	is_int(ust_registry_register_event(reg, a, "p:e0", 13, dup_str("sig"), int_fields(2, "f"), 2,
					   NULL, &id), 0, "event registered");
	is_uint(id, 0, "first event id 0");
	is_int(ust_registry_register_event(reg, a, "p:e1", 13, NULL, int_fields(1, "f"), 1,
					   dup_str("uri"), &id), 0, "second event registered");
	is_uint(id, 1, "second event id 1");
	ok(memmem(reg->metadata.data, reg->metadata.size, "model.emf.uri", 13) != NULL,
	   "model EMF URI written");
	id = 99;
	is_int(ust_registry_register_event(reg, a, "p:e0", 13, NULL, int_fields(2, "f"), 2, NULL, &id),
	       0, "per-UID: same event from another app accepted");
	is_uint(id, 0, "and gets the existing id");
	is_int(ust_registry_register_event(reg, a, "p:e0", 12, NULL, int_fields(2, "f"), 2, NULL, &id),
	       0, "same name, other log level: a new event");
	is_uint(id, 2, "with the next id");
	is_int(ust_registry_register_channel(reg, b, NULL, 0, &header), 0, "channel b registered");
	is_int(ust_registry_register_event(reg, b, "p:e0", 13, NULL, int_fields(2, "f"), 2, NULL, &id),
	       0, "event in channel b");
	is_uint(id, 0, "event ids are per channel");

	size = reg->metadata.size;
	reg->metadata_pushed = size;
	is_int(ust_registry_regenerate_metadata(reg), 0, "metadata regenerated");
	is_uint(reg->metadata.size, size, "regenerated text has the same length");
	is_uint(reg->metadata_pushed, 0, "everything is to be pushed again");
	ok(reg->metadata_reset, "and the file replaced");
	ust_registry_free(reg);
}

static void test_per_pid_and_enums(void)
{
	struct ust_registry *reg = new_registry(true);
	struct ust_registry_channel *a;
	struct lttng_ust_ctl_enum_entry *e1 = calloc(2, sizeof(*e1)), *e2 = calloc(2, sizeof(*e2)),
				       *e3 = calloc(1, sizeof(*e3));
	uint32_t id;
	uint64_t enum_id = 99;
	int header;

	ust_registry_start_metadata(reg);
	a = ust_registry_channel_add(reg, "ch");
	ust_registry_register_channel(reg, a, NULL, 0, &header);
	is_int(ust_registry_register_event(reg, a, "p:e", 13, NULL, int_fields(1, "f"), 1, NULL, &id), 0,
	       "per-PID event registered");
	is_int(ust_registry_register_event(reg, a, "p:e", 13, NULL, int_fields(1, "f"), 1, NULL, &id),
	       -EEXIST, "per-PID: the same event twice is an error");

	strcpy(e1[0].string, "zero");
	strcpy(e1[1].string, "one");
	e1[1].start.value = e1[1].end.value = 1;
	memcpy(e2, e1, 2 * sizeof(*e1));
	strcpy(e3[0].string, "other");
	is_int(ust_registry_register_enum(reg, "p:state", e1, 2, &enum_id), 0, "enum registered");
	is_uint(enum_id, 0, "first enum id 0");
	is_int(ust_registry_register_enum(reg, "p:state", e2, 2, &enum_id), 0, "same enum again");
	is_uint(enum_id, 0, "same entries: same id");
	is_int(ust_registry_register_enum(reg, "p:state", e3, 1, &enum_id), 0, "other entries");
	is_uint(enum_id, 1, "get a new id");
	ust_registry_free(reg);
}

int main(void)
{
	plan(37);
	test_ids_and_metadata();
	test_per_pid_and_enums();
	return exit_status();
}
