/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Corpus replay driver: feeds every file of the given directories (or the given files)
 * to LLVMFuzzerTestOneInput, in name order, and reports one TAP test point per input.
 * A crash or a sanitizer report ends the run with a non-zero status.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static unsigned inputs_run;
static unsigned failures;

static int read_whole_file(const char *path, uint8_t **ret_data, size_t *ret_size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t size = 0, capacity = 0;

	if (!f)
		return -errno;
	for (;;) {
		size_t n;

		if (size == capacity) {
			uint8_t *bigger;

			capacity = capacity ? capacity * 2 : 4096;
			bigger = realloc(data, capacity);
			if (!bigger) {
				free(data);
				fclose(f);
				return -ENOMEM;
			}
			data = bigger;
		}
		n = fread(data + size, 1, capacity - size, f);
		size += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		free(data);
		fclose(f);
		return -EIO;
	}
	fclose(f);
	/* Exact-size copy so that a read past the input is caught by ASan. */
	*ret_data = malloc(size ? size : 1);
	if (!*ret_data) {
		free(data);
		return -ENOMEM;
	}
	if (size)
		memcpy(*ret_data, data, size);
	free(data);
	*ret_size = size;
	return 0;
}

static void replay_file(const char *path, const char *label)
{
	uint8_t *data = NULL;
	size_t size = 0;
	int r = read_whole_file(path, &data, &size);

	inputs_run++;
	if (r < 0) {
		printf("not ok %u - %s: cannot read (%s)\n", inputs_run, label, strerror(-r));
		failures++;
		return;
	}
	/* Announce the input first: if it crashes, the log names it. */
	printf("# replaying %s (%zu bytes)\n", label, size);
	fflush(stdout);
	LLVMFuzzerTestOneInput(data, size);
	free(data);
	printf("ok %u - %s\n", inputs_run, label);
	fflush(stdout);
}

static int replay_dir(const char *dir)
{
	struct dirent **entries;
	int n = scandir(dir, &entries, NULL, alphasort);

	if (n < 0) {
		printf("not ok %u - cannot read directory %s: %s\n", ++inputs_run, dir,
		       strerror(errno));
		failures++;
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, entries[i]->d_name);
		if (entries[i]->d_name[0] != '.' && stat(path, &st) == 0 && S_ISREG(st.st_mode))
			replay_file(path, entries[i]->d_name);
		free(entries[i]);
	}
	free(entries);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))
			replay_dir(argv[i]);
		else
			replay_file(argv[i], argv[i]);
	}
	if (inputs_run == 0) {
		printf("1..0 # SKIP empty corpus\n");
		return 0;
	}
	printf("1..%u\n", inputs_run);
	return failures ? 1 : 0;
}
