/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Start-up loading of session configurations (lttng-sessiond(8), "Recording session
 * configuration loading"): --load PATH (a file, or every *.lttng file of a directory),
 * else $LTTNG_HOME/.lttng/sessions/auto then <sysconfdir>/lttng/sessions/auto, each
 * only when the daemon's user owns it (root loads any, as LTTng's check lets it).
 * Files are validated against the session XSD and loaded through the client command
 * handlers with the daemon's credentials, so the sessions belong to the daemon's user.
 *
 * Where this differs from lttng-sessiond 2.13.9: there, the first file that fails
 * aborts the whole load and the daemon exits with status 1. Here a bad file is
 * reported (every reason, naming the file) and the other files still load.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load/autoload.h"
#include "build-config.h"
#include "log.h"
#include "load/session-xml-load.h"

#define CONFIG_FILE_EXTENSION ".lttng"
#define AUTOLOAD_DIR_IN_HOME ".lttng/sessions/auto"
#define AUTOLOAD_DIR_SYSTEM SYSCONFDIR "/lttng/sessions/auto"

/*
 * lttng-sessiond 2.13.9 autoloads with "overwrite" (config_load_session(path, NULL,
 * 1, 1, NULL) in its main.c): a session named again by a later file replaces the
 * earlier one instead of failing.
 */
#define AUTOLOAD_OVERWRITE true

struct autoload {
	struct daemon *d;
	struct session_xml_schema *schema; /* opened with the first file */
	bool schema_failed;
	unsigned loaded;
	unsigned failed;
};

static struct session_xml_schema *autoload_schema(struct autoload *al)
{
	if (!al->schema && !al->schema_failed) {
		al->schema = session_xml_schema_open(al->d->cfg->xsd_path);
		al->schema_failed = !al->schema;
	}
	return al->schema;
}

static void load_file(struct autoload *al, const char *path)
{
	struct session_load_options opts = {
		.uid = getuid(),
		.gid = getgid(),
		.pid = getpid(),
		.home_dir = al->d->cfg->home_dir,
		.overwrite = AUTOLOAD_OVERWRITE,
		.origin = path,
	};
	xmlDocPtr doc;
	int r;

	if (access(path, R_OK) < 0) {
		log_error("Session configuration file %s not loaded: %s", path, strerror(errno));
		al->failed++;
		return;
	}
	if (!autoload_schema(al)) {
		log_error("Session configuration file %s not loaded: no schema to validate it", path);
		al->failed++;
		return;
	}
	r = session_xml_read_file(al->schema, path, &doc);
	if (r == LTTNG_OK) {
		r = session_xml_load_document(al->d, doc, &opts);
		xmlFreeDoc(doc);
	}
	if (r != LTTNG_OK) {
		log_error("Session configuration file %s not loaded: %s", path,
			  session_xml_strerror(r));
		al->failed++;
		return;
	}
	al->loaded++;
}

/* "<name>.lttng" with a name of at least two characters: LTTng skips file names no
 * longer than ".lttng" plus one character. */
static int is_config_file(const struct dirent *entry)
{
	size_t len = strlen(entry->d_name), ext = strlen(CONFIG_FILE_EXTENSION);

	return len > ext + 1 && strcmp(entry->d_name + len - ext, CONFIG_FILE_EXTENSION) == 0;
}

/* Every configuration file of the directory (not its subdirectories), by name. */
static void load_directory(struct autoload *al, const char *dir)
{
	bool slash = dir[0] && dir[strlen(dir) - 1] == '/';
	struct dirent **entries;
	int count = scandir(dir, &entries, is_config_file, alphasort);

	if (count < 0) {
		log_error_errno(-errno, "Cannot list session configurations in %s", dir);
		return;
	}
	for (int i = 0; i < count; i++) {
		char path[PATH_MAX];

		if (snprintf(path, sizeof(path), "%s%s%s", dir, slash ? "" : "/",
			     entries[i]->d_name) >= (int) sizeof(path)) {
			log_warn("Ignoring file \"%s\" since its path is too long", entries[i]->d_name);
		} else if (access(path, F_OK) < 0 && errno == ENOENT) {
			log_debug("Ignoring %s: it vanished", path); /* e.g. a dangling link */
		} else {
			load_file(al, path);
		}
		free(entries[i]);
	}
	free(entries);
}

/* A directory, or a single file. A missing path is an error only when named by
 * --load; then the daemon does not start (as LTTng). Returns 0 or -1. */
static int load_path(struct autoload *al, const char *path, bool explicit)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		if (errno != ENOENT || explicit) {
			log_error_errno(-errno, "Cannot load session configurations from %s", path);
			return explicit ? -1 : 0;
		}
		log_debug("No session configurations to load from %s", path);
		return 0;
	}
	if (S_ISDIR(st.st_mode))
		load_directory(al, path);
	else
		load_file(al, path);
	return 0;
}

/* Autoload directories are trusted only from the daemon's own user. */
static bool directory_is_ours(const char *dir)
{
	uid_t uid = getuid();
	struct stat st;

	if (uid == 0 || stat(dir, &st) < 0)
		return true;
	if (st.st_uid == uid)
		return true;
	log_info("Not loading session configurations from %s: owned by uid %u, not %u", dir,
		 (unsigned) st.st_uid, (unsigned) uid);
	return false;
}

int autoload_sessions(struct daemon *d)
{
	struct autoload al = { .d = d };
	int r = 0;

	if (d->cfg->load_path[0]) {
		r = load_path(&al, d->cfg->load_path, true);
	} else {
		const char *dirs[2] = { NULL, AUTOLOAD_DIR_SYSTEM };
		char home_dir[PATH_MAX];

		if (snprintf(home_dir, sizeof(home_dir), "%s/%s", d->cfg->home_dir,
			     AUTOLOAD_DIR_IN_HOME) < (int) sizeof(home_dir))
			dirs[0] = home_dir;
		for (size_t i = 0; i < 2; i++)
			if (dirs[i] && directory_is_ours(dirs[i]))
				(void) load_path(&al, dirs[i], false);
	}
	if (al.loaded || al.failed)
		log_info("Session configurations: %u file(s) loaded, %u failed", al.loaded,
			 al.failed);
	session_xml_schema_close(al.schema);
	return r;
}
