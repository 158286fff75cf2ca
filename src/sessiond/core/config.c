/* SPDX-License-Identifier: GPL-2.0-only */
/* Option, environment and lttng.conf handling (lttng-sessiond(8), OPTIONS/ENVIRONMENT). */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "build-config.h"
#include "core/config.h"
#include "ini.h"
#include "log.h"
#include "macros.h"

#define SYSTEM_RUNDIR "/var/run/lttng"

enum long_only_option {
	OPT_KCONSUMERD_CMD_SOCK = 256,
	OPT_KCONSUMERD_ERR_SOCK,
	OPT_USTCONSUMERD32_CMD_SOCK,
	OPT_USTCONSUMERD32_ERR_SOCK,
	OPT_USTCONSUMERD64_CMD_SOCK,
	OPT_USTCONSUMERD64_ERR_SOCK,
	OPT_CONSUMERD32_PATH,
	OPT_CONSUMERD32_LIBDIR,
	OPT_CONSUMERD64_PATH,
	OPT_CONSUMERD64_LIBDIR,
	OPT_VERBOSE_CONSUMER,
	OPT_NO_KERNEL,
	OPT_AGENT_TCP_PORT,
	OPT_KMOD_PROBES,
	OPT_EXTRA_KMOD_PROBES,
	OPT_EN_BUFFER_KERNEL,
	OPT_EN_BUFFER_USERSPACE,
};

static const struct option long_options[] = {
	{ "client-sock", required_argument, NULL, 'c' },
	{ "apps-sock", required_argument, NULL, 'a' },
	{ "kconsumerd-cmd-sock", required_argument, NULL, OPT_KCONSUMERD_CMD_SOCK },
	{ "kconsumerd-err-sock", required_argument, NULL, OPT_KCONSUMERD_ERR_SOCK },
	{ "ustconsumerd32-cmd-sock", required_argument, NULL, OPT_USTCONSUMERD32_CMD_SOCK },
	{ "ustconsumerd32-err-sock", required_argument, NULL, OPT_USTCONSUMERD32_ERR_SOCK },
	{ "ustconsumerd64-cmd-sock", required_argument, NULL, OPT_USTCONSUMERD64_CMD_SOCK },
	{ "ustconsumerd64-err-sock", required_argument, NULL, OPT_USTCONSUMERD64_ERR_SOCK },
	{ "consumerd32-path", required_argument, NULL, OPT_CONSUMERD32_PATH },
	{ "consumerd32-libdir", required_argument, NULL, OPT_CONSUMERD32_LIBDIR },
	{ "consumerd64-path", required_argument, NULL, OPT_CONSUMERD64_PATH },
	{ "consumerd64-libdir", required_argument, NULL, OPT_CONSUMERD64_LIBDIR },
	{ "daemonize", no_argument, NULL, 'd' },
	{ "background", no_argument, NULL, 'b' },
	{ "sig-parent", no_argument, NULL, 'S' },
	{ "help", no_argument, NULL, 'h' },
	{ "group", required_argument, NULL, 'g' },
	{ "version", no_argument, NULL, 'V' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "verbose-consumer", no_argument, NULL, OPT_VERBOSE_CONSUMER },
	{ "no-kernel", no_argument, NULL, OPT_NO_KERNEL },
	{ "pidfile", required_argument, NULL, 'p' },
	{ "agent-tcp-port", required_argument, NULL, OPT_AGENT_TCP_PORT },
	{ "config", required_argument, NULL, 'f' },
	{ "load", required_argument, NULL, 'l' },
	{ "kmod-probes", required_argument, NULL, OPT_KMOD_PROBES },
	{ "extra-kmod-probes", required_argument, NULL, OPT_EXTRA_KMOD_PROBES },
	{ "event-notifier-error-buffer-size-kernel", required_argument, NULL,
	  OPT_EN_BUFFER_KERNEL },
	{ "event-notifier-error-buffer-size-userspace", required_argument, NULL,
	  OPT_EN_BUFFER_USERSPACE },
	{ NULL, 0, NULL, 0 },
};
static const char short_options[] = "c:a:dbShg:Vqvp:f:l:";

static const char usage_text[] =
	"Usage: lttng-sessiond [OPTIONS]\n"
	"\n"
	"LTTng 2.13 session daemon (wire-compatible re-implementation).\n"
	"\n"
	"  -b, --background              Start as a daemon, keep the console open\n"
	"  -d, --daemonize               Start as a daemon, close the console\n"
	"  -S, --sig-parent              Send SIGUSR1 to the parent when ready\n"
	"  -f, --config=PATH             Load daemon configuration from PATH\n"
	"  -g, --group=GROUP             Tracing group (default: tracing)\n"
	"  -l, --load=PATH               Load session configurations from PATH\n"
	"      --agent-tcp-port=PORT     Agent TCP port, PORT or BEGIN:END\n"
	"  -a, --apps-sock=PATH          Application registration socket\n"
	"  -c, --client-sock=PATH        Client command socket\n"
	"  -p, --pidfile=PATH            PID file\n"
	"      --no-kernel               Disable Linux kernel tracing\n"
	"      --kmod-probes=P[,P]...    Only load these kernel probes\n"
	"      --extra-kmod-probes=P,... Load these kernel probes too\n"
	"      --kconsumerd-cmd-sock=PATH, --kconsumerd-err-sock=PATH\n"
	"      --ustconsumerd32-cmd-sock=PATH, --ustconsumerd32-err-sock=PATH\n"
	"      --ustconsumerd64-cmd-sock=PATH, --ustconsumerd64-err-sock=PATH\n"
	"      --consumerd32-path=PATH, --consumerd32-libdir=PATH\n"
	"      --consumerd64-path=PATH, --consumerd64-libdir=PATH\n"
	"  -q, --quiet                   No output at all\n"
	"  -v, --verbose                 More output (-vv, -vvv for more)\n"
	"      --verbose-consumer        More output from consumer daemons\n"
	"  -h, --help                    Show this help\n"
	"  -V, --version                 Show the version\n"
	"\n"
	"See lttng-sessiond(8) for details.\n";

static int set_path(char *dst, const char *value, const char *what)
{
	if (copy_string(dst, PATH_MAX, value) < 0) {
		log_error("Path given to %s is too long", what);
		return -1;
	}
	return 0;
}

/* PORT, or BEGIN:END (a range is our extension; 2.13.9 takes one port). Messages are
 * LTTng's. */
static int parse_port_range(struct sessiond_config *cfg, const char *value)
{
	char *end;
	unsigned long begin, finish;

	if (!isdigit((unsigned char) value[0])) {
		log_error("Wrong value in --agent-tcp-port parameter: %s", value);
		return -1;
	}
	errno = 0;
	begin = strtoul(value, &end, 10);
	finish = begin;
	if (*end == ':' && isdigit((unsigned char) end[1]))
		finish = strtoul(end + 1, &end, 10);
	if (errno || *end != '\0') {
		log_error("Wrong value in --agent-tcp-port parameter: %s", value);
		return -1;
	}
	if (begin == 0 || begin >= 65535 || finish >= 65535 || finish < begin) {
		log_error("Port overflow in --agent-tcp-port parameter: %s", value);
		return -1;
	}
	cfg->agent_port_begin = (int) begin;
	cfg->agent_port_end = (int) finish;
	return 0;
}

static int parse_long(const char *value, const char *what, long *ret)
{
	char *end;

	errno = 0;
	*ret = strtol(value, &end, 10);
	if (errno || *end || end == value || *ret < 0) {
		log_error("Wrong value in --%s parameter: %s", what, value);
		return -1;
	}
	return 0;
}

/* Applies one option (from argv or from lttng.conf). Returns 0, -1 on a bad value. */
static int apply_option(struct sessiond_config *cfg, int opt, const char *arg, const char *name)
{
	switch (opt) {
	case 'c': return set_path(cfg->client_sock_path, arg, name);
	case 'a': return set_path(cfg->apps_sock_path, arg, name);
	case 'p': return set_path(cfg->pid_file_path, arg, name);
	case 'l': return set_path(cfg->load_path, arg, name);
	case 'f': return 0; /* handled before everything else */
	case OPT_KCONSUMERD_CMD_SOCK: return set_path(cfg->kconsumerd_cmd_sock, arg, name);
	case OPT_KCONSUMERD_ERR_SOCK: return set_path(cfg->kconsumerd_err_sock, arg, name);
	case OPT_USTCONSUMERD32_CMD_SOCK: return set_path(cfg->ustconsumerd32_cmd_sock, arg, name);
	case OPT_USTCONSUMERD32_ERR_SOCK: return set_path(cfg->ustconsumerd32_err_sock, arg, name);
	case OPT_USTCONSUMERD64_CMD_SOCK: return set_path(cfg->ustconsumerd64_cmd_sock, arg, name);
	case OPT_USTCONSUMERD64_ERR_SOCK: return set_path(cfg->ustconsumerd64_err_sock, arg, name);
	case OPT_CONSUMERD32_PATH: return set_path(cfg->consumerd32_path, arg, name);
	case OPT_CONSUMERD32_LIBDIR: return set_path(cfg->consumerd32_libdir, arg, name);
	case OPT_CONSUMERD64_PATH: return set_path(cfg->consumerd64_path, arg, name);
	case OPT_CONSUMERD64_LIBDIR: return set_path(cfg->consumerd64_libdir, arg, name);
	case OPT_KMOD_PROBES:
		return copy_string(cfg->kmod_probes, sizeof(cfg->kmod_probes), arg) < 0 ? -1 : 0;
	case OPT_EXTRA_KMOD_PROBES:
		return copy_string(cfg->extra_kmod_probes, sizeof(cfg->extra_kmod_probes), arg) < 0
			       ? -1 : 0;
	case 'd': cfg->daemonize = true; return 0;
	case 'b': cfg->background = true; return 0;
	case 'S': cfg->sig_parent = true; return 0;
	case 'q': cfg->verbosity = -1; return 0;
	case 'v': if (cfg->verbosity >= 0 && cfg->verbosity < 3) cfg->verbosity++; return 0;
	case OPT_VERBOSE_CONSUMER: cfg->verbose_consumer++; return 0;
	case OPT_NO_KERNEL: cfg->no_kernel = true; return 0;
	case 'g':
		if (copy_string(cfg->group_name, sizeof(cfg->group_name), arg) < 0) {
			log_error("Group name too long: %s", arg);
			return -1;
		}
		return 0;
	case OPT_AGENT_TCP_PORT: return parse_port_range(cfg, arg);
	case OPT_EN_BUFFER_KERNEL:
		return parse_long(arg, name, &cfg->event_notifier_buffer_kernel);
	case OPT_EN_BUFFER_USERSPACE:
		return parse_long(arg, name, &cfg->event_notifier_buffer_userspace);
	default:
		return -1;
	}
}

static void resolve_home(struct sessiond_config *cfg)
{
	const char *home = secure_getenv("LTTNG_HOME");

	if (!home || !*home)
		home = secure_getenv("HOME");
	if (!home || !*home) {
		struct passwd *pw = getpwuid(getuid());

		home = pw ? pw->pw_dir : "/tmp";
	}
	(void) copy_string(cfg->home_dir, sizeof(cfg->home_dir), home);
}

#define JOIN(dst, ...) snprintf((dst), sizeof(dst), __VA_ARGS__)

/* The installed consumer daemon; when it is not installed (a build tree), the one
 * built beside this daemon: <dir of this binary>/../consumerd/lttng-consumerd. */
static void default_consumerd_path(char dst[PATH_MAX])
{
	char self[PATH_MAX];
	ssize_t n;
	char *slash;

	(void) copy_string(dst, PATH_MAX, CONSUMERD64_DEFAULT_PATH);
	if (access(dst, X_OK) == 0)
		return;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return;
	self[n] = '\0';
	slash = strrchr(self, '/');
	if (!slash)
		return;
	*slash = '\0';
	if (snprintf(dst, PATH_MAX, "%s/../consumerd/lttng-consumerd", self) >= PATH_MAX ||
	    access(dst, X_OK) < 0)
		(void) copy_string(dst, PATH_MAX, CONSUMERD64_DEFAULT_PATH);
}

static void set_defaults(struct sessiond_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->is_root = geteuid() == 0;
	strcpy(cfg->group_name, "tracing");
	cfg->agent_port_begin = 5345;
	cfg->agent_port_end = 5354;
	cfg->app_socket_timeout_s = 5;
	cfg->event_notifier_buffer_kernel = 4096;
	cfg->event_notifier_buffer_userspace = 4096;
	resolve_home(cfg);
	if (cfg->is_root)
		JOIN(cfg->rundir, "%s", SYSTEM_RUNDIR);
	else
		JOIN(cfg->rundir, "%.4000s/.lttng", cfg->home_dir);
	default_consumerd_path(cfg->consumerd64_path);
	(void) copy_string(cfg->xsd_path, PATH_MAX, SESSION_XSD_DEFAULT_PATH);
}

/* Paths that derive from the run directory, filled only where nothing set them. */
static void derive_paths(struct sessiond_config *cfg)
{
	const char *rd = cfg->rundir;

#define DEFAULT_PATH(field, ...) \
	do { if (!cfg->field[0]) JOIN(cfg->field, __VA_ARGS__); } while (0)
	DEFAULT_PATH(client_sock_path, "%.4000s/client-lttng-sessiond", rd);
	DEFAULT_PATH(apps_sock_path, "%.4000s/lttng-ust-sock-8", rd);
	DEFAULT_PATH(health_sock_path, "%.4000s/sessiond-health", rd);
	DEFAULT_PATH(notification_sock_path, "%.4000s/sessiond-notification", rd);
	DEFAULT_PATH(pid_file_path, "%.4000s/lttng-sessiond.pid", rd);
	DEFAULT_PATH(lock_file_path, "%.4000s/lttng-sessiond.lck", rd);
	DEFAULT_PATH(agent_port_file_path, "%.4000s/agent.port", rd);
	DEFAULT_PATH(kconsumerd_dir, "%.4000s/kconsumerd", rd);
	DEFAULT_PATH(kconsumerd_cmd_sock, "%.4000s/kconsumerd/command", rd);
	DEFAULT_PATH(kconsumerd_err_sock, "%.4000s/kconsumerd/error", rd);
	DEFAULT_PATH(ustconsumerd32_dir, "%.4000s/ustconsumerd32", rd);
	DEFAULT_PATH(ustconsumerd32_cmd_sock, "%.4000s/ustconsumerd32/command", rd);
	DEFAULT_PATH(ustconsumerd32_err_sock, "%.4000s/ustconsumerd32/error", rd);
	DEFAULT_PATH(ustconsumerd64_dir, "%.4000s/ustconsumerd64", rd);
	DEFAULT_PATH(ustconsumerd64_cmd_sock, "%.4000s/ustconsumerd64/command", rd);
	DEFAULT_PATH(ustconsumerd64_err_sock, "%.4000s/ustconsumerd64/error", rd);
#undef DEFAULT_PATH
	if (cfg->is_root)
		JOIN(cfg->wait_shm_path, "/lttng-ust-wait-8");
	else
		JOIN(cfg->wait_shm_path, "/lttng-ust-wait-8-%u", (unsigned) getuid());
}

/* Paths given relative to the caller's directory stay valid after --daemonize
 * changes to "/" (LTTng makes them absolute too). */
static void make_absolute(char path[PATH_MAX])
{
	char cwd[PATH_MAX], joined[PATH_MAX * 2];

	if (!path[0] || path[0] == '/' || !getcwd(cwd, sizeof(cwd)))
		return;
	snprintf(joined, sizeof(joined), "%s/%s", cwd, path);
	(void) copy_string(path, PATH_MAX, joined);
}

static void make_paths_absolute(struct sessiond_config *cfg)
{
	char *paths[] = {
		cfg->client_sock_path, cfg->apps_sock_path, cfg->pid_file_path, cfg->load_path,
		cfg->kconsumerd_cmd_sock, cfg->kconsumerd_err_sock, cfg->ustconsumerd32_cmd_sock,
		cfg->ustconsumerd32_err_sock, cfg->ustconsumerd64_cmd_sock,
		cfg->ustconsumerd64_err_sock, cfg->consumerd32_path, cfg->consumerd64_path,
		cfg->consumerd32_libdir, cfg->consumerd64_libdir,
	};

	for (size_t i = 0; i < ARRAY_SIZE(paths); i++)
		make_absolute(paths[i]);
}

static int apply_environment(struct sessiond_config *cfg)
{
	const char *v;

	if ((v = secure_getenv("LTTNG_APP_SOCKET_TIMEOUT"))) {
		/* As LTTng: a value out of range is reported, yet the value kept is
		 * what atoi() reads (leading decimal digits; 0 or negative = none). */
		long checked, t;

		errno = 0;
		checked = strtol(v, NULL, 0);
		if (errno || checked > INT_MAX || checked < -1)
			log_error("Invalid value \"%s\" used for \"LTTNG_APP_SOCKET_TIMEOUT\" environment variable",
				  v);
		t = strtol(v, NULL, 10);
		cfg->app_socket_timeout_s = t <= 0 ? -1 : (int) MIN(t, INT_MAX);
	}
	if ((v = secure_getenv("LTTNG_CONSUMERD32_BIN")) && *v)
		(void) copy_string(cfg->consumerd32_path, PATH_MAX, v);
	if ((v = secure_getenv("LTTNG_CONSUMERD64_BIN")) && *v)
		(void) copy_string(cfg->consumerd64_path, PATH_MAX, v);
	if ((v = secure_getenv("LTTNG_CONSUMERD32_LIBDIR")) && *v)
		(void) copy_string(cfg->consumerd32_libdir, PATH_MAX, v);
	if ((v = secure_getenv("LTTNG_CONSUMERD64_LIBDIR")) && *v)
		(void) copy_string(cfg->consumerd64_libdir, PATH_MAX, v);
	if ((v = secure_getenv("LTTNG_KMOD_PROBES")))
		(void) copy_string(cfg->kmod_probes, sizeof(cfg->kmod_probes), v);
	if ((v = secure_getenv("LTTNG_EXTRA_KMOD_PROBES")))
		(void) copy_string(cfg->extra_kmod_probes, sizeof(cfg->extra_kmod_probes), v);
	if ((v = secure_getenv("LTTNG_SESSION_CONFIG_XSD_PATH")) && *v)
		(void) copy_string(cfg->xsd_path, PATH_MAX, v);
	if ((v = getenv("LTTNG_ABORT_ON_ERROR")) && strcmp(v, "1") == 0)
		log_set_abort_on_error(1);
	return 0;
}

static const struct option *find_long_option(const char *name)
{
	for (const struct option *o = long_options; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

static bool config_bool_is_true(const char *value)
{
	char *end;
	long n;

	if (!strcasecmp(value, "true") || !strcasecmp(value, "yes") || !strcasecmp(value, "on"))
		return true;
	n = strtol(value, &end, 10);
	return end != value && *end == '\0' && n != 0;
}

static int config_entry_cb(void *user, const char *section, const char *key, const char *value)
{
	struct sessiond_config *cfg = user;
	const struct option *o;

	if (strcmp(section, "sessiond") != 0)
		return 0;
	o = find_long_option(key);
	if (!o || !strcmp(key, "help") || !strcmp(key, "version") || !strcmp(key, "config")) {
		log_warn("Unrecognized option \"%s\" in daemon configuration file.", key);
		return 0;
	}
	if (o->has_arg == no_argument) {
		if (!config_bool_is_true(value))
			return 0;
		if (o->val == 'v') {
			/* "verbose = N" sets the level directly. */
			long n = strtol(value, NULL, 10);

			cfg->verbosity = (int) MIN(MAX(n, 1), 3);
			return 0;
		}
		(void) apply_option(cfg, o->val, NULL, key);
		return 0;
	}
	/* A bad value has been reported by apply_option; the entry is skipped. */
	(void) apply_option(cfg, o->val, value, key);
	return 0;
}

static int load_config_file(struct sessiond_config *cfg, const char *path, bool must_exist)
{
	FILE *f = fopen(path, "re");
	int r;

	if (!f) {
		if (must_exist) {
			log_error("Failed to open daemon configuration file at %s", path);
			return -1;
		}
		return 0;
	}
	/* Like LTTng, a bad entry is reported and the daemon still starts. */
	r = ini_parse_stream(f, config_entry_cb, cfg);
	fclose(f);
	if (r > 0)
		log_info("Ignoring malformed line %d of daemon configuration file %s", r, path);
	return 0;
}

/* The -f option is read before anything else so the file can be applied first and
 * the rest of the command line can override it. */
static const char *find_config_option(int argc, char **argv)
{
	const char *path = NULL;
	int opt;

	opterr = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1)
		if (opt == 'f')
			path = optarg;
	opterr = 1;
	optind = 1;
	return path;
}

enum config_result config_load(struct sessiond_config *cfg, int argc, char **argv)
{
	const char *explicit_config;
	char user_config[PATH_MAX + 32];
	int opt;

	set_defaults(cfg);
	if (apply_environment(cfg) < 0)
		return CONFIG_EXIT_FAILURE;

	explicit_config = find_config_option(argc, argv);
	if (load_config_file(cfg, SYSCONFDIR "/lttng/lttng.conf", false) < 0)
		return CONFIG_EXIT_FAILURE;
	snprintf(user_config, sizeof(user_config), "%s/.lttng/lttng.conf", cfg->home_dir);
	if (load_config_file(cfg, user_config, false) < 0)
		return CONFIG_EXIT_FAILURE;
	if (explicit_config) {
		if (load_config_file(cfg, explicit_config, true) < 0)
			return CONFIG_EXIT_FAILURE;
		(void) copy_string(cfg->config_path, PATH_MAX, explicit_config);
	}

	while ((opt = getopt_long(argc, argv, short_options, long_options, NULL)) != -1) {
		if (opt == 'h') {
			fputs(usage_text, stdout);
			return CONFIG_EXIT_SUCCESS;
		}
		if (opt == 'V') {
			puts(PACKAGE_VERSION);
			return CONFIG_EXIT_SUCCESS;
		}
		if (opt == '?' || opt == ':')
			return CONFIG_EXIT_FAILURE;
		if (apply_option(cfg, opt, optarg, "option") < 0)
			return CONFIG_EXIT_FAILURE;
	}
	/* Operands are ignored, as LTTng ignores them. */
	make_paths_absolute(cfg);
	derive_paths(cfg);
	return CONFIG_RUN;
}
