/* SPDX-License-Identifier: GPL-2.0-only */
/* Pure parsers of /proc files (procfs.h). */
#include <stdlib.h>
#include <string.h>

#include "procfs.h"

int procfs_status_nspid(const char *status_text, long *pid)
{
	const char *line = status_text;
	int levels = 0;

	/* The line starts the text or follows a newline. */
	if (strncmp(line, "NSpid:", 6) != 0) {
		line = strstr(status_text, "\nNSpid:");
		if (!line)
			return 0;
		line++;
	}
	line += 6;
	while (*line && *line != '\n') {
		char *end;
		long v = strtol(line, &end, 10);

		if (end == line)
			break;
		*pid = v;
		levels++;
		line = end;
	}
	return levels;
}
