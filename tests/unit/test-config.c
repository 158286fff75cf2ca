/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * config_load(): defaults, environment, lttng.conf files and the command line, in that
 * order of precedence (later wins), plus -h/-V and option errors.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build-config.h"
#include "core/config.h"

#include "tap.h"

/* Temporary paths stay short (under /tmp); sized so the compiler can prove it. */
static char home_dir[256];
static char lttng_home_dir[256];
static char user_conf_dir[512];
static char user_conf[1024];
static char explicit_conf[256];
static char bad_conf[256];
static char capture_path[256];

static const char *const lttng_env_vars[] = {
	"LTTNG_HOME",
	"LTTNG_APP_SOCKET_TIMEOUT",
	"LTTNG_CONSUMERD32_BIN",
	"LTTNG_CONSUMERD64_BIN",
	"LTTNG_CONSUMERD32_LIBDIR",
	"LTTNG_CONSUMERD64_LIBDIR",
	"LTTNG_KMOD_PROBES",
	"LTTNG_EXTRA_KMOD_PROBES",
	"LTTNG_SESSION_CONFIG_XSD_PATH",
	"LTTNG_ABORT_ON_ERROR",
};

static void clear_env(void)
{
	for (size_t i = 0; i < sizeof(lttng_env_vars) / sizeof(lttng_env_vars[0]); i++)
		unsetenv(lttng_env_vars[i]);
	setenv("HOME", home_dir, 1);
}

static void write_file(const char *path, const char *content)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(content, f) < 0 || fclose(f) != 0)
		bail_out("cannot write %s", path);
}

/*
 * Runs config_load on a NULL-terminated list of arguments. The strings must outlive
 * every later call (getopt keeps a pointer into the last one it scanned), so only
 * literals and static buffers are passed.
 */
static enum config_result load(struct sessiond_config *cfg, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	char *arg;

	argv[argc++] = (char *) "lttng-sessiond";
	va_start(ap, cfg);
	while ((arg = va_arg(ap, char *)) && argc < 31)
		argv[argc++] = arg;
	va_end(ap);
	argv[argc] = NULL;
	return config_load(cfg, argc, argv);
}

/* Same, with stdout captured into out. */
static enum config_result load_captured(struct sessiond_config *cfg, char *out, size_t out_size,
					char *arg)
{
	enum config_result r;
	int saved, fd;
	ssize_t n;

	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	fd = open(capture_path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (saved < 0 || fd < 0)
		bail_out("cannot capture stdout");
	dup2(fd, STDOUT_FILENO);
	r = load(cfg, arg, NULL);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	n = pread(fd, out, out_size - 1, 0);
	out[n > 0 ? n : 0] = '\0';
	close(fd);
	return r;
}

static void test_defaults(void)
{
	struct sessiond_config cfg;
	char expected[PATH_MAX + 64];
	const char *rundir;

	clear_env();
	is_int(load(&cfg, NULL), CONFIG_RUN, "no arguments: run");
	is_str(cfg.home_dir, home_dir, "home is $HOME");
	is_str(cfg.group_name, "tracing", "default group");
	is_int(cfg.agent_port_begin, 5345, "default agent port range begin");
	is_int(cfg.agent_port_end, 5354, "default agent port range end");
	is_int(cfg.app_socket_timeout_s, 5, "default app socket timeout");
	is_int(cfg.verbosity, 0, "default verbosity");
	ok(!cfg.no_kernel && !cfg.daemonize && !cfg.background && !cfg.sig_parent,
	   "no flag set by default");
	is_int(cfg.is_root, geteuid() == 0, "is_root follows the effective uid");
	is_str(cfg.consumerd64_path, CONSUMERD64_DEFAULT_PATH, "default consumerd64 path");
	is_str(cfg.xsd_path, SESSION_XSD_DEFAULT_PATH, "default xsd path");
	is_int(cfg.event_notifier_buffer_kernel, 4096, "default kernel notifier buffer");
	is_str(cfg.config_path, "", "no explicit config path");

	if (geteuid() == 0) {
		rundir = "/var/run/lttng";
		is_str(cfg.rundir, rundir, "root run directory");
		is_str(cfg.wait_shm_path, "/lttng-ust-wait-8", "root wait shm path");
	} else {
		snprintf(expected, sizeof(expected), "%s/.lttng", home_dir);
		rundir = cfg.rundir;
		is_str(cfg.rundir, expected, "user run directory under $HOME");
		snprintf(expected, sizeof(expected), "/lttng-ust-wait-8-%u", (unsigned) getuid());
		is_str(cfg.wait_shm_path, expected, "user wait shm path");
	}
	snprintf(expected, sizeof(expected), "%s/client-lttng-sessiond", rundir);
	is_str(cfg.client_sock_path, expected, "client socket in run directory");
	snprintf(expected, sizeof(expected), "%s/lttng-sessiond.pid", rundir);
	is_str(cfg.pid_file_path, expected, "pid file in run directory");
	snprintf(expected, sizeof(expected), "%s/ustconsumerd64/command", rundir);
	is_str(cfg.ustconsumerd64_cmd_sock, expected, "ust consumer socket in run directory");
	snprintf(expected, sizeof(expected), "%s/lttng-ust-sock-8", rundir);
	is_str(cfg.apps_sock_path, expected, "apps socket in run directory");

	setenv("LTTNG_HOME", lttng_home_dir, 1);
	is_int(load(&cfg, NULL), CONFIG_RUN, "with LTTNG_HOME: run");
	is_str(cfg.home_dir, lttng_home_dir, "LTTNG_HOME wins over HOME");
	if (geteuid() != 0) {
		snprintf(expected, sizeof(expected), "%s/.lttng", lttng_home_dir);
		is_str(cfg.rundir, expected, "user run directory follows LTTNG_HOME");
	} else {
		is_str(cfg.rundir, "/var/run/lttng", "root run directory ignores LTTNG_HOME");
	}
	setenv("LTTNG_HOME", "", 1);
	load(&cfg, NULL);
	is_str(cfg.home_dir, home_dir, "empty LTTNG_HOME falls back to HOME");
	clear_env();
}

static void test_environment(void)
{
	struct sessiond_config cfg;

	clear_env();
	setenv("LTTNG_APP_SOCKET_TIMEOUT", "0", 1);
	is_int(load(&cfg, NULL), CONFIG_RUN, "LTTNG_APP_SOCKET_TIMEOUT=0");
	is_int(cfg.app_socket_timeout_s, -1, "timeout 0 means none (-1)");
	setenv("LTTNG_APP_SOCKET_TIMEOUT", "30", 1);
	load(&cfg, NULL);
	is_int(cfg.app_socket_timeout_s, 30, "timeout 30");
	setenv("LTTNG_APP_SOCKET_TIMEOUT", "-1", 1);
	load(&cfg, NULL);
	is_int(cfg.app_socket_timeout_s, -1, "timeout -1");
	/* As LTTng finally reads it (atoi): leading digits only; 0 ("abc") or a
	 * negative value means no timeout. */
	setenv("LTTNG_APP_SOCKET_TIMEOUT", "abc", 1);
	is_int(load(&cfg, NULL), CONFIG_RUN, "non-numeric timeout still starts");
	is_int(cfg.app_socket_timeout_s, -1, "non-numeric timeout reads as 0 (none)");
	setenv("LTTNG_APP_SOCKET_TIMEOUT", "86401", 1);
	is_int(load(&cfg, NULL), CONFIG_RUN, "long timeout accepted");
	is_int(cfg.app_socket_timeout_s, 86401, "timeout 86401");
	setenv("LTTNG_APP_SOCKET_TIMEOUT", "-2", 1);
	is_int(load(&cfg, NULL), CONFIG_RUN, "timeout -2 still starts");
	is_int(cfg.app_socket_timeout_s, -1, "timeout -2 means none");
	unsetenv("LTTNG_APP_SOCKET_TIMEOUT");

	setenv("LTTNG_CONSUMERD64_BIN", "/env/consumerd64", 1);
	setenv("LTTNG_CONSUMERD32_LIBDIR", "/env/lib32", 1);
	setenv("LTTNG_KMOD_PROBES", "sched,irq", 1);
	setenv("LTTNG_SESSION_CONFIG_XSD_PATH", "/env/session.xsd", 1);
	is_int(load(&cfg, NULL), CONFIG_RUN, "consumer environment variables");
	is_str(cfg.consumerd64_path, "/env/consumerd64", "LTTNG_CONSUMERD64_BIN");
	is_str(cfg.consumerd32_libdir, "/env/lib32", "LTTNG_CONSUMERD32_LIBDIR");
	is_str(cfg.kmod_probes, "sched,irq", "LTTNG_KMOD_PROBES");
	is_str(cfg.xsd_path, "/env/session.xsd", "LTTNG_SESSION_CONFIG_XSD_PATH");
	setenv("LTTNG_CONSUMERD64_BIN", "", 1);
	load(&cfg, NULL);
	is_str(cfg.consumerd64_path, CONSUMERD64_DEFAULT_PATH, "empty variable keeps the default");
	clear_env();
}

static void test_precedence(void)
{
	struct sessiond_config cfg;

	clear_env();
	setenv("LTTNG_CONSUMERD64_BIN", "/env/consumerd64", 1);
	write_file(user_conf, "; user configuration\n"
			      "[sessiond]\n"
			      "agent-tcp-port = 6000\n"
			      "consumerd64-path = /userconf/consumerd64\n"
			      "group = fromuserconf\n"
			      "no-kernel = yes\n"
			      "verbose = 2\n"
			      "unknown-option = 1\n"
			      "help = true\n"
			      "[othersection]\n"
			      "client-sock = /should/not/apply\n");
	is_int(load(&cfg, NULL), CONFIG_RUN, "user lttng.conf loads");
	is_int(cfg.agent_port_begin, 6000, "user conf sets the agent port");
	is_int(cfg.agent_port_end, 6000, "single port: begin == end");
	is_str(cfg.consumerd64_path, "/userconf/consumerd64", "config file beats environment");
	is_str(cfg.group_name, "fromuserconf", "group from user conf");
	ok(cfg.no_kernel, "boolean 'yes' sets no-kernel");
	is_int(cfg.verbosity, 2, "'verbose = 2' sets the level");
	ok(strstr(cfg.client_sock_path, "/should/not/apply") == NULL,
	   "other sections are ignored");

	write_file(explicit_conf, "[sessiond]\n"
				  "agent-tcp-port: 7000:7005\n"
				  "group = fromexplicit\n"
				  "no-kernel = false\n");
	is_int(load(&cfg, "-f", explicit_conf, NULL), CONFIG_RUN, "-f file loads");
	is_int(cfg.agent_port_begin, 7000, "-f file beats user conf (begin)");
	is_int(cfg.agent_port_end, 7005, "-f file beats user conf (end)");
	is_str(cfg.group_name, "fromexplicit", "-f group");
	ok(cfg.no_kernel, "'false' does not clear a flag an earlier file set");
	is_str(cfg.config_path, explicit_conf, "config path recorded");
	is_str(cfg.consumerd64_path, "/userconf/consumerd64", "user conf still applied under -f");

	is_int(load(&cfg, "--agent-tcp-port=8000", "--consumerd64-path=/argv/consumerd64",
		    "--config", explicit_conf, NULL),
	       CONFIG_RUN, "argv + -f");
	is_int(cfg.agent_port_begin, 8000, "argv beats -f even when -f comes after");
	is_str(cfg.consumerd64_path, "/argv/consumerd64", "argv beats files and environment");
	is_str(cfg.group_name, "fromexplicit", "-f value kept where argv says nothing");

	is_int(load(&cfg, "-g", "fromargv", "-f", explicit_conf, NULL), CONFIG_RUN,
	       "-g before -f");
	is_str(cfg.group_name, "fromargv", "argv group beats -f group");

	is_int(load(&cfg, "-f", "/nonexistent/lttng.conf", NULL), CONFIG_EXIT_FAILURE,
	       "-f on a missing file fails");

	/* Like LTTng: bad lines and values in a file are reported and skipped. */
	write_file(bad_conf, "[sessiond]\nthis line is malformed\ngroup = afterbad\n");
	is_int(load(&cfg, "-f", bad_conf, NULL), CONFIG_RUN, "malformed -f line is skipped");
	is_str(cfg.group_name, "afterbad", "entries after a malformed line apply");
	write_file(bad_conf, "[sessiond]\nagent-tcp-port = not-a-port\n");
	is_int(load(&cfg, "-f", bad_conf, NULL), CONFIG_RUN, "bad value in -f file is skipped");
	is_int(cfg.agent_port_begin, 6000, "bad port value leaves the earlier port (user conf)");
	write_file(bad_conf, "[sessiond]\nno-kernel = 0\nverbose = 0\n");
	is_int(load(&cfg, "-f", bad_conf, NULL), CONFIG_RUN, "false booleans");
	ok(cfg.no_kernel, "user conf's no-kernel stays (0 does not reset)");
	is_int(cfg.verbosity, 2, "'verbose = 0' leaves the level");

	unlink(user_conf);
	is_int(load(&cfg, NULL), CONFIG_RUN, "no user conf");
	ok(!cfg.no_kernel, "no-kernel back to default without user conf");
	is_str(cfg.consumerd64_path, "/env/consumerd64", "environment applies without files");
	write_file(user_conf, "[sessiond]\nagent-tcp-port = 0\n");
	is_int(load(&cfg, NULL), CONFIG_RUN, "bad value in user conf is skipped");
	is_int(cfg.agent_port_begin, 5345, "port 0 leaves the default port");
	unlink(user_conf);
	clear_env();
}

static void test_help_version(void)
{
	struct sessiond_config cfg;
	char out[8192];

	clear_env();
	is_int(load_captured(&cfg, out, sizeof(out), "-h"), CONFIG_EXIT_SUCCESS, "-h exits 0");
	ok(strncmp(out, "Usage: lttng-sessiond", 21) == 0, "-h prints the usage");
	ok(strstr(out, "--agent-tcp-port") != NULL, "usage lists --agent-tcp-port");
	is_int(load_captured(&cfg, out, sizeof(out), "--help"), CONFIG_EXIT_SUCCESS,
	       "--help exits 0");
	ok(strncmp(out, "Usage: lttng-sessiond", 21) == 0, "--help prints the usage");
	is_int(load_captured(&cfg, out, sizeof(out), "-V"), CONFIG_EXIT_SUCCESS, "-V exits 0");
	is_str(out, "2.13.9\n", "-V prints the version");
	is_int(load_captured(&cfg, out, sizeof(out), "--version"), CONFIG_EXIT_SUCCESS,
	       "--version exits 0");
	is_str(out, PACKAGE_VERSION "\n", "--version prints the version");
}

static void test_agent_port(void)
{
	static char *const bad[] = { "--agent-tcp-port=abc", "--agent-tcp-port=0",
				     "--agent-tcp-port=65536", "--agent-tcp-port=100:50",
				     "--agent-tcp-port=1:", "--agent-tcp-port=:1",
				     "--agent-tcp-port=", "--agent-tcp-port=12x",
				     "--agent-tcp-port=-5", "--agent-tcp-port=1:70000",
				     "--agent-tcp-port=99999999999999999999",
				     "--agent-tcp-port=5:6:7" };
	struct sessiond_config cfg;

	clear_env();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		is_int(load(&cfg, bad[i], NULL), CONFIG_EXIT_FAILURE, "%s fails", bad[i]);
	/* LTTng refuses 65535 ("Port overflow"). */
	is_int(load(&cfg, "--agent-tcp-port", "65535", NULL), CONFIG_EXIT_FAILURE, "port 65535 fails");
	is_int(load(&cfg, "--agent-tcp-port", "65534", NULL), CONFIG_RUN, "port 65534");
	is_int(cfg.agent_port_begin, 65534, "begin 65534");
	is_int(load(&cfg, "--agent-tcp-port=1:65534", NULL), CONFIG_RUN, "range 1:65534");
	is_int(cfg.agent_port_begin, 1, "range begin");
	is_int(cfg.agent_port_end, 65534, "range end");
}

static void test_options(void)
{
	static char long_path[PATH_MAX + 8];
	static char long_opt[PATH_MAX + 32];
	struct sessiond_config cfg;

	clear_env();
	is_int(load(&cfg, "--bogus", NULL), CONFIG_EXIT_FAILURE, "unknown long option fails");
	is_int(load(&cfg, "-Z", NULL), CONFIG_EXIT_FAILURE, "unknown short option fails");
	is_int(load(&cfg, "--client-sock", NULL), CONFIG_EXIT_FAILURE, "missing argument fails");
	is_int(load(&cfg, "extra", NULL), CONFIG_RUN, "operands are ignored, as by LTTng");
	is_int(load(&cfg, "-v", "--bogus", "-h", NULL), CONFIG_EXIT_FAILURE,
	       "unknown option fails before a later -h");

	is_int(load(&cfg, "-c", "/x/client", "--apps-sock=/x/apps", "-p", "/x/pid", "--no-kernel",
		    "-vvv", "-g", "grp", "-l", "/x/load", "--kmod-probes=a,b",
		    "--extra-kmod-probes=c", "-S", "-b", "--verbose-consumer",
		    "--event-notifier-error-buffer-size-kernel=100", NULL),
	       CONFIG_RUN, "many options");
	is_str(cfg.client_sock_path, "/x/client", "-c");
	is_str(cfg.apps_sock_path, "/x/apps", "--apps-sock");
	is_str(cfg.pid_file_path, "/x/pid", "-p");
	ok(cfg.no_kernel, "--no-kernel");
	is_int(cfg.verbosity, 3, "-vvv");
	is_str(cfg.group_name, "grp", "-g");
	is_str(cfg.load_path, "/x/load", "-l");
	is_str(cfg.kmod_probes, "a,b", "--kmod-probes");
	is_str(cfg.extra_kmod_probes, "c", "--extra-kmod-probes");
	ok(cfg.sig_parent && cfg.background && !cfg.daemonize, "-S -b");
	is_int(cfg.verbose_consumer, 1, "--verbose-consumer");
	is_int(cfg.event_notifier_buffer_kernel, 100, "notifier buffer size");
	ok(strstr(cfg.health_sock_path, "sessiond-health") != NULL,
	   "derived paths still filled when -c is given");

	is_int(load(&cfg, "-vvvv", NULL), CONFIG_RUN, "-vvvv");
	is_int(cfg.verbosity, 3, "verbosity capped at 3");
	is_int(load(&cfg, "-v", "-q", NULL), CONFIG_RUN, "-v -q");
	is_int(cfg.verbosity, -1, "-q after -v is quiet");
	is_int(load(&cfg, "-q", "-v", NULL), CONFIG_RUN, "-q -v");
	is_int(cfg.verbosity, -1, "-v after -q stays quiet");
	is_int(load(&cfg, "-d", NULL), CONFIG_RUN, "-d");
	ok(cfg.daemonize, "-d sets daemonize");

	is_int(load(&cfg, "--event-notifier-error-buffer-size-userspace=-1", NULL),
	       CONFIG_EXIT_FAILURE, "negative notifier buffer size fails");
	is_int(load(&cfg, "--event-notifier-error-buffer-size-userspace=1k", NULL),
	       CONFIG_EXIT_FAILURE, "non-numeric notifier buffer size fails");

	memset(long_path, 'p', PATH_MAX);
	long_path[0] = '/';
	long_path[PATH_MAX] = '\0';
	snprintf(long_opt, sizeof(long_opt), "--client-sock=%s", long_path);
	is_int(load(&cfg, long_opt, NULL), CONFIG_EXIT_FAILURE, "path of PATH_MAX chars fails");
	long_path[PATH_MAX - 1] = '\0';
	snprintf(long_opt, sizeof(long_opt), "--client-sock=%s", long_path);
	is_int(load(&cfg, long_opt, NULL), CONFIG_RUN, "path of PATH_MAX-1 chars fits");
}

int main(void)
{
	char tmpl[] = "/tmp/test-config.XXXXXX";
	char sysconf[PATH_MAX];

	if (!mkdtemp(tmpl))
		bail_out("mkdtemp failed");
	snprintf(home_dir, sizeof(home_dir), "%s/home", tmpl);
	snprintf(lttng_home_dir, sizeof(lttng_home_dir), "%s/lttng-home", tmpl);
	snprintf(user_conf_dir, sizeof(user_conf_dir), "%s/.lttng", home_dir);
	snprintf(user_conf, sizeof(user_conf), "%s/lttng.conf", user_conf_dir);
	snprintf(explicit_conf, sizeof(explicit_conf), "%s/explicit.conf", tmpl);
	snprintf(bad_conf, sizeof(bad_conf), "%s/bad.conf", tmpl);
	snprintf(capture_path, sizeof(capture_path), "%s/stdout", tmpl);
	if (mkdir(home_dir, 0700) < 0 || mkdir(lttng_home_dir, 0700) < 0 ||
	    mkdir(user_conf_dir, 0700) < 0)
		bail_out("cannot create the test directories");
	snprintf(sysconf, sizeof(sysconf), "%s/lttng/lttng.conf", SYSCONFDIR);
	if (access(sysconf, F_OK) == 0)
		diag("note: %s exists and is read by every config_load()", sysconf);

	test_defaults();
	test_environment();
	test_precedence();
	test_help_version();
	test_agent_port();
	test_options();

	unlink(user_conf);
	unlink(explicit_conf);
	unlink(bad_conf);
	unlink(capture_path);
	rmdir(user_conf_dir);
	rmdir(home_dir);
	rmdir(lttng_home_dir);
	rmdir(tmpl);
	done_testing();
	return exit_status();
}
