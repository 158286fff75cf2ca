/* SPDX-License-Identifier: GPL-2.0-only */
/* Pure parsers of /proc files (the reading is the caller's). */
#ifndef COMMON_PROCFS_H
#define COMMON_PROCFS_H

/*
 * The innermost pid of a /proc/<id>/status text's "NSpid:" line (the task's id in
 * its own pid namespace) into *pid; returns how many namespaces the line spans,
 * 0 when the text has none (*pid untouched).
 */
int procfs_status_nspid(const char *status_text, long *pid);

#endif
