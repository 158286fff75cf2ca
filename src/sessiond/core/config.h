/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's configuration: built-in defaults, then environment variables, then
 * lttng.conf files, then the command line (later sources win). Read-only once the
 * daemon runs.
 */
#ifndef SESSIOND_CONFIG_H
#define SESSIOND_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

struct sessiond_config {
	bool daemonize;
	bool background;
	bool sig_parent;
	bool no_kernel;
	bool is_root;
	int verbosity;         /* -1 quiet, 0 default, 1..3 */
	int verbose_consumer;
	char group_name[64];
	char load_path[PATH_MAX];   /* empty: default autoload directories */
	char config_path[PATH_MAX]; /* -f */
	char kmod_probes[1024];
	char extra_kmod_probes[1024];
	int agent_port_begin, agent_port_end;
	int app_socket_timeout_s; /* -1: none */
	long event_notifier_buffer_kernel, event_notifier_buffer_userspace;

	char home_dir[PATH_MAX];  /* $LTTNG_HOME, $HOME or passwd home */
	char rundir[PATH_MAX];    /* /var/run/lttng or <home>/.lttng */
	char client_sock_path[PATH_MAX];
	char apps_sock_path[PATH_MAX];
	char health_sock_path[PATH_MAX];
	char notification_sock_path[PATH_MAX];
	char wait_shm_path[PATH_MAX];
	char pid_file_path[PATH_MAX];
	char lock_file_path[PATH_MAX];
	char agent_port_file_path[PATH_MAX];
	char kconsumerd_dir[PATH_MAX];
	char kconsumerd_cmd_sock[PATH_MAX];
	char kconsumerd_err_sock[PATH_MAX];
	char ustconsumerd32_dir[PATH_MAX];
	char ustconsumerd32_cmd_sock[PATH_MAX];
	char ustconsumerd32_err_sock[PATH_MAX];
	char ustconsumerd64_dir[PATH_MAX];
	char ustconsumerd64_cmd_sock[PATH_MAX];
	char ustconsumerd64_err_sock[PATH_MAX];
	char consumerd32_path[PATH_MAX];
	char consumerd32_libdir[PATH_MAX];
	char consumerd64_path[PATH_MAX];
	char consumerd64_libdir[PATH_MAX];
	char xsd_path[PATH_MAX];
};

enum config_result {
	CONFIG_RUN = 0,
	CONFIG_EXIT_SUCCESS, /* -h / -V done */
	CONFIG_EXIT_FAILURE, /* message already printed */
};

/* Fills cfg from defaults, environment, config files and argv. */
enum config_result config_load(struct sessiond_config *cfg, int argc, char **argv);

#endif
