/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Where a tracing domain sits in the arrays that hold one entry per domain (a
 * session's domains, the daemon's domain implementations): LTTng's domain types
 * (enum lttng_domain_type: kernel 1, UST 2, JUL 3, log4j 4, Python 5) minus one.
 */
#ifndef SESSIOND_CORE_DOMAIN_INDEX_H
#define SESSIOND_CORE_DOMAIN_INDEX_H

#include <stdbool.h>

#include <lttng/lttng.h>

enum domain_index {
	DOMAIN_INDEX_KERNEL,
	DOMAIN_INDEX_UST,
	DOMAIN_INDEX_JUL,
	DOMAIN_INDEX_LOG4J,
	DOMAIN_INDEX_PYTHON,
	DOMAIN_INDEX_COUNT,
};

/* The index of an LTTng domain type, or -1 for none or an unknown one. */
static inline int domain_index_of(int lttng_domain_type)
{
	if (lttng_domain_type < LTTNG_DOMAIN_KERNEL || lttng_domain_type > LTTNG_DOMAIN_PYTHON)
		return -1;
	return lttng_domain_type - LTTNG_DOMAIN_KERNEL;
}

static inline bool domain_type_is_agent(int lttng_domain_type)
{
	return lttng_domain_type == LTTNG_DOMAIN_JUL || lttng_domain_type == LTTNG_DOMAIN_LOG4J ||
	       lttng_domain_type == LTTNG_DOMAIN_PYTHON;
}

#endif
