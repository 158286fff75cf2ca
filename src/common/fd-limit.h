/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The process's file-descriptor budget. Every traced application costs the daemons
 * descriptors (doc/architecture.md, "Descriptors"), so both daemons start by raising
 * their soft RLIMIT_NOFILE as far as they may, and the session daemon asks how many
 * are left before it accepts one more application.
 */
#ifndef COMMON_FD_LIMIT_H
#define COMMON_FD_LIMIT_H

#include <stdbool.h>
#include <sys/types.h>

/* Raises the soft limit to the hard one; root also raises both to at least
 * root_minimum (lttng-sessiond(8): 65535). Returns the soft limit now in force. */
unsigned long fd_limit_raise(bool is_root, unsigned long root_minimum);
/* The soft limit in force. */
unsigned long fd_limit_soft(void);
/* How many descriptors the process has open (its /proc/self/fd entries), or -errno;
 * -EMFILE when not even one more can be opened to count them. */
long fd_count_open(void);
/* The same for another process of ours (its /proc/PID/fd entries). */
long fd_count_of(pid_t pid);

#endif
