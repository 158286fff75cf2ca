/* SPDX-License-Identifier: GPL-2.0-only */
/* Channels of a session's domain, made under the rules of the domain's tracer
 * (domain/domain.h): what enable-channel, and enable-event or add-context on a
 * channel that does not exist yet, share. */
#include <stdlib.h>
#include <string.h>

#include "domain/domain.h"

#define METADATA_CHANNEL_NAME "metadata"

enum lttng_error_code domain_channel_create(const struct tracer_domain *impl, struct session *s,
			  struct domain *dom, const char *name, struct channel_attr *attr,
			  int buffer_type, struct channel **ret_channel)
{
	struct channel *ch;
	int r;

	if (s->has_been_started)
		return LTTNG_ERR_TRACE_ALREADY_STARTED;
	r = impl->validate_channel(s, attr, buffer_type);
	if (r != LTTNG_OK)
		return r;
	if (!dom->buffer_type_fixed) {
		dom->buffer_type = buffer_type;
		dom->buffer_type_fixed = true;
	} else if (dom->buffer_type != buffer_type) {
		return LTTNG_ERR_BUFFER_TYPE_MISMATCH;
	}
	ch = channel_new(name, attr);
	if (!ch)
		return LTTNG_ERR_NOMEM;
	if (strcmp(name, METADATA_CHANNEL_NAME) == 0) {
		/* "metadata" configures the metadata channel; it is never listed. */
		*ret_channel = NULL;
		free(ch);
		return LTTNG_OK;
	}
	list_append(&dom->channels, &ch->link);
	*ret_channel = ch;
	return LTTNG_OK;
}

enum lttng_error_code domain_channel_create_default(const struct tracer_domain *impl, struct session *s,
				  struct domain *dom, const char *name,
				  struct channel **ret_channel)
{
	struct channel_attr attr;
	int r;

	channel_default_attr(impl->type, dom->buffer_type, &attr);
	r = domain_channel_create(impl, s, dom, name[0] ? name : DOMAIN_DEFAULT_CHANNEL_NAME, &attr,
				  dom->buffer_type, ret_channel);
	if (name[0])
		dom->has_named_channel = true;
	return r;
}

struct channel *domain_channel_lookup(struct domain *dom, const char *name)
{
	return domain_find_channel(dom, name[0] ? name : DOMAIN_DEFAULT_CHANNEL_NAME);
}
