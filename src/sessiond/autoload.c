/* SPDX-License-Identifier: GPL-2.0-only */
/* Placeholder until the session XML loader lands: reports what it would load. */
#include "autoload.h"
#include "log.h"

void autoload_sessions(struct daemon *d)
{
	if (d->cfg->load_path[0])
		log_warn("Session loading from %s is not available yet", d->cfg->load_path);
}
