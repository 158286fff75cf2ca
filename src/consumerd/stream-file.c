/* SPDX-License-Identifier: GPL-2.0-only */
/* One stream's data file and index, with tracefile rollover; see stream-file.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index-file.h"
#include "macros.h"
#include "output-dir.h"
#include "relay-conn.h"
#include "stream-file.h"

/* Longest "_<n>" plus ".idx" a name can get. */
#define NAME_EXTRA_MAX (1 + 20 + sizeof(CTF_INDEX_SUFFIX) - 1)

struct stream_file {
	struct relay_stream *relay; /* streamed to lttng-relayd: no file here */
	int dir_fd;	  /* our duplicate of the channel directory */
	int index_dir_fd; /* index/, or -1 without an index */
	char *name;
	uint64_t tracefile_size, tracefile_count;
	uid_t uid;
	gid_t gid;

	uint64_t n;	     /* trace file being written */
	int fd;		     /* its data file */
	struct index_file *index; /* its index, or NULL */
	uint64_t size;	     /* bytes in the data file */

	/* The packet before the last one written, for write-back hints. */
	bool has_last;
	uint64_t last_offset, last_len;
};

int stream_file_format_name(char *buf, size_t size, const char *name, uint64_t tracefile_size,
			    uint64_t n, const char *suffix)
{
	int len;

	if (tracefile_size > 0)
		len = snprintf(buf, size, "%s_%" PRIu64 "%s", name, n, suffix);
	else
		len = snprintf(buf, size, "%s%s", name, suffix);
	return len < 0 || (size_t) len >= size ? -ENAMETOOLONG : 0;
}

static void cut_back(int fd, uint64_t size)
{
	if (ftruncate(fd, (off_t) size) < 0) {
		/* The caller reports the error that brought us here. */
	}
}

/*
 * Opens trace file n: the data file (kept as is for now), then the index (truncated,
 * with a fresh header), then the data file is emptied. On failure nothing is
 * returned and a data file made here is removed again.
 */
static int open_generation(struct stream_file *f, uint64_t n, int *ret_fd,
			   struct index_file **ret_index)
{
	char data_name[NAME_MAX + 1], index_name[NAME_MAX + 1];
	_cleanup_close_ int fd = -1;
	struct index_file *index = NULL;
	bool created = false;
	int ret;

	ret = stream_file_format_name(data_name, sizeof(data_name), f->name, f->tracefile_size,
				      n, "");
	if (ret < 0)
		return ret;
	ret = stream_file_format_name(index_name, sizeof(index_name), f->name,
				      f->tracefile_size, n, CTF_INDEX_SUFFIX);
	if (ret < 0)
		return ret;

	fd = trace_file_create(f->dir_fd, data_name, f->uid, f->gid, false, &created);
	if (fd < 0)
		return fd;
	if (f->index_dir_fd >= 0) {
		index = index_file_create(f->index_dir_fd, index_name, f->uid, f->gid, &ret);
		if (!index)
			goto undo;
	}
	if (ftruncate(fd, 0) < 0) {
		ret = -errno;
		index_file_close(index);
		goto undo;
	}
	*ret_fd = move_fd(fd);
	*ret_index = index;
	return 0;
undo:
	if (created)
		(void) unlinkat(f->dir_fd, data_name, 0);
	return ret;
}

bool stream_file_unlinked(const struct stream_file *f)
{
	return !f->relay && output_file_unlinked(f->fd);
}

int stream_file_send_beacon(struct stream_file *f, uint64_t ts, uint64_t ctf_stream_id)
{
	return f->relay ? relay_stream_send_beacon(f->relay, ts, ctf_stream_id) : 0;
}

struct relay_conn *stream_file_relay(const struct stream_file *f)
{
	return f->relay ? relay_stream_conn(f->relay) : NULL;
}

struct relay_stream *stream_file_relay_stream(const struct stream_file *f)
{
	return f->relay;
}

bool stream_file_writable(const struct stream_file *f)
{
	return !f->relay || relay_stream_writable(f->relay);
}

void stream_file_close(struct stream_file *f)
{
	if (!f)
		return;
	relay_stream_close(f->relay);
	index_file_close(f->index);
	if (f->fd >= 0)
		close(f->fd);
	if (f->index_dir_fd >= 0)
		close(f->index_dir_fd);
	if (f->dir_fd >= 0)
		close(f->dir_fd);
	free(f->name);
	free(f);
}

struct stream_file *stream_file_open(int channel_dir_fd, const char *name, uint64_t tracefile_size,
				     uint64_t tracefile_count, uid_t uid, gid_t gid, bool with_index,
				     int *err)
{
	struct stream_file *f = NULL;
	int ret;

	ret = trace_file_check_name(name, NAME_EXTRA_MAX);
	if (ret < 0)
		goto fail;
	f = calloc(1, sizeof(*f));
	if (!f) {
		ret = -ENOMEM;
		goto fail;
	}
	f->fd = f->dir_fd = f->index_dir_fd = -1;
	f->tracefile_size = tracefile_size;
	f->tracefile_count = tracefile_count;
	f->uid = uid;
	f->gid = gid;
	f->name = strdup(name);
	if (!f->name) {
		ret = -ENOMEM;
		goto fail;
	}
	f->dir_fd = fcntl(channel_dir_fd, F_DUPFD_CLOEXEC, 3);
	if (f->dir_fd < 0) {
		ret = -errno;
		goto fail;
	}
	if (with_index) {
		f->index_dir_fd = trace_dir_open(f->dir_fd, CTF_INDEX_DIR_NAME, uid, gid);
		if (f->index_dir_fd < 0) {
			ret = f->index_dir_fd;
			goto fail;
		}
	}
	ret = open_generation(f, 0, &f->fd, &f->index);
	if (ret < 0)
		goto fail;
	if (tracefile_size == 0) {
		/* Never rolled over: the directories are not needed again (two
		 * descriptors fewer per stream). */
		close(f->dir_fd);
		f->dir_fd = -1;
		if (f->index_dir_fd >= 0)
			close(f->index_dir_fd);
		f->index_dir_fd = -1;
	}
	return f;
fail:
	stream_file_close(f);
	if (err)
		*err = ret;
	return NULL;
}

struct stream_file *stream_file_open_relay(struct relay_conn *c, const char *path, const char *name,
					   uint64_t tracefile_size, uint64_t tracefile_count,
					   bool with_index, int *err)
{
	struct stream_file *f;
	int ret = trace_file_check_name(name, NAME_EXTRA_MAX);

	if (ret < 0) {
		*err = ret;
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		*err = -ENOMEM;
		return NULL;
	}
	f->fd = f->dir_fd = f->index_dir_fd = -1;
	f->relay = relay_stream_add(c, name, path, tracefile_size, tracefile_count, with_index,
				    err);
	if (!f->relay) {
		free(f);
		return NULL;
	}
	return f;
}

/* Moves to the next trace file; on failure the current one stays in use. */
static int roll_over(struct stream_file *f)
{
	uint64_t next = f->n + 1;
	struct index_file *index = NULL;
	int fd = -1, ret;

	if (f->tracefile_count > 0)
		next %= f->tracefile_count;
	ret = open_generation(f, next, &fd, &index);
	if (ret < 0)
		return ret;
	index_file_close(f->index);
	close(f->fd);
	f->fd = fd;
	f->index = index;
	f->n = next;
	f->size = 0;
	f->has_last = false;
	return 0;
}

/*
 * Page-cache hints, as LTTng's consumer gives them: start write-back of the packet
 * just written; wait for the one before it to reach the disk and drop it from the
 * cache, since a tracer never reads its output back. Errors are irrelevant.
 */
static void writeback_hints(struct stream_file *f, uint64_t offset, uint64_t len)
{
	(void) sync_file_range(f->fd, (off_t) offset, (off_t) len, SYNC_FILE_RANGE_WRITE);
	if (f->has_last) {
		(void) sync_file_range(f->fd, (off_t) f->last_offset, (off_t) f->last_len,
				       SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
					       SYNC_FILE_RANGE_WAIT_AFTER);
		(void) posix_fadvise(f->fd, (off_t) f->last_offset, (off_t) f->last_len,
				     POSIX_FADV_DONTNEED);
	}
	f->has_last = true;
	f->last_offset = offset;
	f->last_len = len;
}

int stream_file_write_packet(struct stream_file *f, const void *packet, size_t len,
			     struct packet_info *info)
{
	uint64_t offset;
	int ret;

	if (!f || !packet || len == 0 || !info)
		return -EINVAL;
	if (f->relay) {
		/* The relay daemon pads the content up to the packet size and rolls its
		 * tracefiles over itself. */
		size_t content = (size_t) MIN(info->content_size_bits / 8, (uint64_t) len);

		ret = relay_stream_send_packet(f->relay, packet, content, len, info);
		if (ret == 0)
			f->size += len;
		return ret;
	}
	if (f->tracefile_size > 0 &&
	    (len > f->tracefile_size || f->size > f->tracefile_size - len)) {
		ret = roll_over(f);
		if (ret < 0)
			return ret;
	}

	offset = f->size;
	ret = trace_file_pwrite_all(f->fd, packet, len, offset);
	if (ret < 0) {
		cut_back(f->fd, offset);
		return ret;
	}
	if (f->index) {
		struct packet_info entry = *info;

		entry.offset_bytes = offset;
		ret = index_file_append(f->index, &entry);
		if (ret < 0) {
			cut_back(f->fd, offset);
			return ret;
		}
	}
	info->offset_bytes = offset;
	f->size += len;
	writeback_hints(f, offset, len);
	return 0;
}

uint64_t stream_file_tracefile_index(const struct stream_file *f)
{
	return f->n;
}

uint64_t stream_file_size(const struct stream_file *f)
{
	return f->size;
}
