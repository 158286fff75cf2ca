/* SPDX-License-Identifier: GPL-2.0-only */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "macros.h"
#include "ust/ust-registry.h"

struct ust_registry *ust_registry_new(uint64_t id, uint64_t session_id, bool per_pid)
{
	struct ust_registry *reg = calloc(1, sizeof(*reg));

	if (!reg)
		return NULL;
	reg->id = id;
	reg->session_id = session_id;
	reg->per_pid = per_pid;
	buffer_init(&reg->metadata);
	list_init(&reg->channels);
	list_init(&reg->enums);
	return reg;
}

/* Closes the descriptors of the buffers' objects (stream_count stays: sizes are
 * still computed from it). */
static void release_objects(struct ust_registry_channel *chan)
{
	if (chan->channel_object) {
		(void) lttng_ust_ctl_release_object(-1, chan->channel_object);
		free(chan->channel_object);
		chan->channel_object = NULL;
	}
	for (unsigned i = 0; chan->stream_objects && i < chan->stream_count; i++) {
		(void) lttng_ust_ctl_release_object(-1, chan->stream_objects[i]);
		free(chan->stream_objects[i]);
	}
	free(chan->stream_objects);
	chan->stream_objects = NULL;
}

void ust_registry_drop_objects(struct ust_registry *reg)
{
	struct ust_registry_channel *chan;

	list_for_each_entry(chan, &reg->channels, link)
		release_objects(chan);
}

static void event_free(struct ust_registry_event *ev)
{
	list_remove(&ev->link);
	free(ev->signature);
	free(ev->fields);
	free(ev->model_emf_uri);
	free(ev);
}

void ust_registry_free(struct ust_registry *reg)
{
	if (reg) {
		free(reg->shm_dir);
		free(reg->shm_root);
	}
	struct ust_registry_channel *chan, *ctmp;
	struct ust_registry_enum *en, *etmp;

	if (!reg)
		return;
	list_for_each_entry_safe(chan, ctmp, &reg->channels, link) {
		struct ust_registry_event *ev, *tmp;

		list_for_each_entry_safe(ev, tmp, &chan->events, link)
			event_free(ev);
		release_objects(chan);
		free(chan->context_fields);
		list_remove(&chan->link);
		free(chan);
	}
	list_for_each_entry_safe(en, etmp, &reg->enums, link) {
		list_remove(&en->link);
		free(en->entries);
		free(en);
	}
	buffer_fini(&reg->metadata);
	free(reg->procname);
	free(reg->session_name);
	free(reg->hostname);
	free(reg->clock_uuid);
	free(reg->clock_name);
	free(reg->clock_description);
	free(reg);
}

struct ust_registry_channel *ust_registry_channel_add(struct ust_registry *reg, const char *name)
{
	struct ust_registry_channel *chan = calloc(1, sizeof(*chan)), *last;
	uint32_t id = 0;

	if (!chan)
		return NULL;
	if (copy_string(chan->name, sizeof(chan->name), name) < 0) {
		free(chan);
		return NULL;
	}
	list_for_each_entry(last, &reg->channels, link)
		id = last->chan_id + 1;
	chan->chan_id = id;
	list_init(&chan->events);
	list_append(&reg->channels, &chan->link);
	return chan;
}

struct ust_registry_channel *ust_registry_channel_find(struct ust_registry *reg, const char *name)
{
	struct ust_registry_channel *chan;

	list_for_each_entry(chan, &reg->channels, link)
		if (strcmp(chan->name, name) == 0)
			return chan;
	return NULL;
}

static const struct lttng_ust_ctl_enum_entry *lookup_enum(void *opaque, const char *name, uint64_t id,
							  size_t *count)
{
	struct ust_registry *reg = opaque;
	struct ust_registry_enum *en;

	list_for_each_entry(en, &reg->enums, link) {
		if (en->id == id && strcmp(en->name, name) == 0) {
			*count = en->entry_count;
			return en->entries;
		}
	}
	return NULL;
}

int ust_registry_start_metadata(struct ust_registry *reg)
{
	return ust_metadata_session_header(&reg->metadata, &reg->meta);
}

int ust_registry_regenerate_metadata(struct ust_registry *reg)
{
	struct ust_registry_channel *chan;
	struct buffer fresh;
	int r;

	buffer_init(&fresh);
	r = ust_metadata_session_header(&fresh, &reg->meta);
	list_for_each_entry(chan, &reg->channels, link) {
		struct ust_registry_event *ev;

		if (r < 0 || !chan->registered)
			continue;
		r = ust_metadata_stream_with_enums(&fresh, &reg->meta, chan->chan_id,
						   chan->header_type, chan->context_fields,
						   chan->context_field_count, lookup_enum, reg);
		list_for_each_entry(ev, &chan->events, link) {
			if (r < 0)
				break;
			r = ust_metadata_event(&fresh, &reg->meta, chan->chan_id, ev->id, ev->name,
					       ev->loglevel, ev->model_emf_uri, ev->fields,
					       ev->field_count, lookup_enum, reg);
		}
	}
	if (r < 0) {
		buffer_fini(&fresh);
		return r;
	}
	buffer_fini(&reg->metadata);
	reg->metadata = fresh;
	reg->metadata_pushed = 0;
	reg->metadata_reset = true;
	return 0;
}

int ust_registry_register_channel(struct ust_registry *reg, struct ust_registry_channel *chan,
				  struct lttng_ust_ctl_field *fields, size_t count, int *header_type)
{
	int r;

	if (chan->registered) {
		/* Later applications of a per-UID trace must agree with the first. */
		bool same = count == chan->context_field_count &&
			    (count == 0 || memcmp(fields, chan->context_fields, count * sizeof(*fields)) == 0);

		free(fields);
		*header_type = chan->header_type;
		return same ? 0 : -EINVAL;
	}
	/* LTTng 2.13 always answers the large header on the first registration. */
	r = ust_metadata_stream_with_enums(&reg->metadata, &reg->meta, chan->chan_id,
					   LTTNG_UST_CTL_CHANNEL_HEADER_LARGE, fields, count,
					   lookup_enum, reg);
	if (r < 0) {
		free(fields);
		return r;
	}
	chan->registered = true;
	chan->header_type = LTTNG_UST_CTL_CHANNEL_HEADER_LARGE;
	chan->context_fields = fields;
	chan->context_field_count = count;
	*header_type = chan->header_type;
	return 0;
}

static bool same_event(const struct ust_registry_event *ev, const char *name, int loglevel,
		       const struct lttng_ust_ctl_field *fields, size_t count, const char *uri)
{
	const char *ev_uri = ev->model_emf_uri ? ev->model_emf_uri : "";

	return strcmp(ev->name, name) == 0 && ev->loglevel == loglevel && ev->field_count == count &&
	       (count == 0 || memcmp(ev->fields, fields, count * sizeof(*fields)) == 0) &&
	       strcmp(ev_uri, uri ? uri : "") == 0;
}

int ust_registry_register_event(struct ust_registry *reg, struct ust_registry_channel *chan,
				const char *name, int loglevel, char *signature,
				struct lttng_ust_ctl_field *fields, size_t count, char *model_emf_uri,
				uint32_t *event_id)
{
	struct ust_registry_event *ev;
	int r = 0;

	list_for_each_entry(ev, &chan->events, link) {
		if (!same_event(ev, name, loglevel, fields, count, model_emf_uri))
			continue;
		/* Several applications share a per-UID trace; one application may not
		 * describe the same event twice in its own. */
		*event_id = ev->id;
		r = reg->per_pid ? -EEXIST : 0;
		goto out_free;
	}
	ev = calloc(1, sizeof(*ev));
	if (!ev || copy_string(ev->name, sizeof(ev->name), name) < 0) {
		free(ev);
		r = -ENOMEM;
		goto out_free;
	}
	ev->loglevel = loglevel;
	ev->id = chan->next_event_id;
	r = ust_metadata_event(&reg->metadata, &reg->meta, chan->chan_id, ev->id, name, loglevel,
			       model_emf_uri, fields, count, lookup_enum, reg);
	if (r < 0) {
		free(ev);
		goto out_free;
	}
	chan->next_event_id++;
	ev->signature = signature;
	ev->fields = fields;
	ev->field_count = count;
	ev->model_emf_uri = model_emf_uri;
	list_append(&chan->events, &ev->link);
	*event_id = ev->id;
	return 0;
out_free:
	free(signature);
	free(fields);
	free(model_emf_uri);
	return r;
}

int ust_registry_register_enum(struct ust_registry *reg, const char *name,
			       struct lttng_ust_ctl_enum_entry *entries, size_t count,
			       uint64_t *enum_id)
{
	struct ust_registry_enum *en;

	list_for_each_entry(en, &reg->enums, link) {
		if (strcmp(en->name, name) == 0 && en->entry_count == count &&
		    (count == 0 || memcmp(en->entries, entries, count * sizeof(*entries)) == 0)) {
			free(entries);
			*enum_id = en->id;
			return 0;
		}
	}
	en = calloc(1, sizeof(*en));
	if (!en || copy_string(en->name, sizeof(en->name), name) < 0) {
		free(en);
		free(entries);
		return -ENOMEM;
	}
	en->entries = entries;
	en->entry_count = count;
	en->id = reg->next_enum_id++;
	list_append(&reg->enums, &en->link);
	*enum_id = en->id;
	return 0;
}
