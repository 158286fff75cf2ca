/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fuzz target: a session configuration file (*.lttng) loaded as the daemon's
 * auto-load does it (src/sessiond/autoload.c load_file): session_xml_read_file()
 * (libxml2 parse + session.xsd validation) on the input written to a memfd, then
 * session_xml_load_document() into a fresh daemon model built for every input and
 * freed after it (ASan's leak check covers the model and the document), with the
 * daemon's credentials and "overwrite", as auto-load does.
 *
 * Then every session the file left loaded is saved (session_xml_serialize), and what
 * we save must be a file we can load: it validates against the schema, loads into
 * another fresh model and saves again byte for byte the same (sessions without
 * output excepted: like LTTng, we save them in a form the loader refuses).
 *
 * The load runs the daemon's own command handlers, so a file can start a session,
 * and the first start of a session with a local output creates its directories
 * (mkdir_as): this target's mkdir() and chmod() put every directory the code under
 * test creates below a scratch directory (emptied after each input) instead of the
 * machine's root. Host names in URLs go through fake-resolver.c, never to DNS.
 * FUZZ_XML_VERBOSE=1 in the environment shows the daemon's log and each load's result.
 * Run campaigns as an unprivileged user all the same, e.g.
 *   setpriv --reuid=nobody --regid=nogroup --clear-groups build-fuzz/tests/fuzz/fuzz-session_xml_load
 */
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "build-config.h"
#include "consumer/consumer-supervisor.h"
#include "core/daemon.h"
#include "fuzz.h"
#include "log.h"
#include "model/model.h"
#include "ust/ust-trace.h"
#include "load/session-xml-load.h"
#include "model/session-xml-save.h"

#define MAX_INPUT_SIZE (256u * 1024)

static struct session_xml_schema *schema;
static int doc_fd = -1;
static char doc_path[64];
static char scratch[64]; /* the fake root of mkdir()/chmod() while a file loads */
static bool redirect_fs;
static bool verbose;

/* --- The file system seen by the code under test ------------------------------------- */

static int scratch_path(const char *path, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s%s%s", scratch, path[0] == '/' ? "" : "/", path);

	if (n < 0 || (size_t) n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

int mkdir(const char *path, mode_t mode)
{
	char buf[PATH_MAX];

	if (!redirect_fs)
		return mkdirat(AT_FDCWD, path, mode);
	return scratch_path(path, buf, sizeof(buf)) < 0 ? -1 : mkdirat(AT_FDCWD, buf, mode);
}

int chmod(const char *path, mode_t mode)
{
	char buf[PATH_MAX];

	if (!redirect_fs)
		return fchmodat(AT_FDCWD, path, mode, 0);
	return scratch_path(path, buf, sizeof(buf)) < 0 ? -1 : fchmodat(AT_FDCWD, buf, mode, 0);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (ftw->level > 0)
		(void) remove(path);
	return 0;
}

static void scratch_empty(void)
{
	(void) nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void scratch_remove_at_exit(void)
{
	scratch_empty();
	(void) rmdir(scratch);
}

/* --- Set-up --------------------------------------------------------------------------- */

static void init_once(void)
{
	if (schema)
		return;
	verbose = getenv("FUZZ_XML_VERBOSE") && strcmp(getenv("FUZZ_XML_VERBOSE"), "1") == 0;
	log_set_level(verbose ? LOG_LEVEL_DEBUG : LOG_LEVEL_QUIET);
	schema = session_xml_schema_open(SESSION_XSD_DEFAULT_PATH);
	if (!schema) {
		fprintf(stderr, "fuzz-session-xml: cannot load the schema %s\n",
			SESSION_XSD_DEFAULT_PATH);
		abort();
	}
	doc_fd = memfd_create("session.lttng", MFD_CLOEXEC);
	FUZZ_CHECK(doc_fd >= 0);
	snprintf(doc_path, sizeof(doc_path), "/proc/self/fd/%d", doc_fd);
	strcpy(scratch, "/tmp/fuzz-session-xml.XXXXXX");
	FUZZ_CHECK(mkdtemp(scratch) != NULL);
	atexit(scratch_remove_at_exit);
}

static void write_doc(const void *data, size_t size)
{
	FUZZ_CHECK(ftruncate(doc_fd, 0) == 0);
	FUZZ_CHECK(pwrite(doc_fd, data, size, 0) == (ssize_t) size);
}

static void daemon_init(struct daemon *d, struct sessiond_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->is_root = getuid() == 0;
	strcpy(cfg->group_name, "tracing");
	strcpy(cfg->home_dir, "/nonexistent-fuzz-home");
	memset(d, 0, sizeof(*d));
	d->cfg = cfg;
	d->health_fd = -1;
	d->agent_fd = -1;
	strcpy(d->hostname, "fuzzhost");
	list_init(&d->ust_registries);
	list_init(&d->consumer_death_subscribers);
	d->sessions = session_registry_new();
	FUZZ_CHECK(d->sessions != NULL);
	FUZZ_CHECK(consumer_supervisors_init(d) == 0); /* none configured: none spawned */
	d->domains[DOMAIN_INDEX_UST] = &ust_tracer_domain;
}

static void daemon_fini(struct daemon *d)
{
	d->sessions = session_registry_free(d->sessions);
	consumer_supervisors_free(d);
}

/* load_file() of autoload.c, on the memfd. */
static int load(struct daemon *d, const void *data, size_t size)
{
	struct session_load_options opts = {
		.uid = getuid(),
		.gid = getgid(),
		.pid = getpid(),
		.home_dir = d->cfg->home_dir,
		.overwrite = true,
		.origin = "fuzz.lttng",
	};
	xmlDocPtr doc = NULL;
	int r;

	write_doc(data, size);
	r = session_xml_read_file(schema, doc_path, &doc);
	FUZZ_CHECK(r == LTTNG_OK || r == LTTNG_ERR_LOAD_IO_FAIL ||
		   r == LTTNG_ERR_LOAD_INVALID_CONFIG);
	FUZZ_CHECK((r == LTTNG_OK) == (doc != NULL));
	if (r != LTTNG_OK)
		return r;
	redirect_fs = true;
	r = session_xml_load_document(d, doc, &opts);
	redirect_fs = false;
	xmlFreeDoc(doc);
	if (verbose)
		fprintf(stderr, "load: %d (%s)\n", r, session_xml_strerror(r));
	FUZZ_CHECK(r >= LTTNG_OK && r < LTTNG_ERR_NR);
	return r;
}

/* What we save from a loaded session loads again into the same session. */
static void check_save_round_trip(const struct session *s)
{
	struct sessiond_config cfg;
	struct daemon d;
	struct buffer saved, again;
	struct session *copy;
	int r;

	/* A session without output is saved with an empty <path>, which the loader
	 * refuses, as LTTng's does (session-xml-load.c). */
	if (s->output == SESSION_OUTPUT_NONE && !s->snapshot_mode)
		return;
	buffer_init(&saved);
	buffer_init(&again);
	if (session_xml_serialize(s, &saved) != LTTNG_OK)
		goto out; /* state the format cannot express */
	daemon_init(&d, &cfg);
	r = load(&d, saved.data, saved.size);
	if (r != LTTNG_OK)
		fprintf(stderr, "reloading the saved session \"%s\" failed (%d):\n%.*s\n", s->name,
			r, (int) saved.size, (const char *) saved.data);
	FUZZ_CHECK(r == LTTNG_OK);
	copy = session_find(d.sessions, s->name);
	FUZZ_CHECK(copy != NULL);
	FUZZ_CHECK(session_xml_serialize(copy, &again) == LTTNG_OK);
	if (again.size != saved.size || memcmp(again.data, saved.data, saved.size) != 0)
		fprintf(stderr, "saved:\n%.*s\nreloaded and saved:\n%.*s\n", (int) saved.size,
			(const char *) saved.data, (int) again.size, (const char *) again.data);
	FUZZ_CHECK(again.size == saved.size && memcmp(again.data, saved.data, saved.size) == 0);
	daemon_fini(&d);
out:
	buffer_fini(&saved);
	buffer_fini(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sessiond_config cfg;
	struct daemon d;
	struct session *s;

	if (size > MAX_INPUT_SIZE)
		return 0;
	init_once();
	daemon_init(&d, &cfg);
	(void) load(&d, data, size);
	list_for_each_entry(s, &d.sessions->sessions, link)
		check_save_round_trip(s);
	daemon_fini(&d);
	scratch_empty();
	return 0;
}
