/* SPDX-License-Identifier: GPL-2.0-only */
/* CTF packet index files and the trace-output file helpers; see index-file.h. */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index-file.h"
#include "macros.h"

struct index_file {
	int fd;
	uint64_t size; /* bytes written: header + whole entries */
};

static void put_be32(uint8_t *p, uint32_t v)
{
	v = htobe32(v);
	memcpy(p, &v, sizeof(v));
}

static void put_be64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, sizeof(v));
}

static uint32_t get_be32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return be32toh(v);
}

static uint64_t get_be64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return be64toh(v);
}

void ctf_index_header_encode(uint8_t out[CTF_INDEX_HEADER_SIZE])
{
	put_be32(out, CTF_INDEX_MAGIC);
	put_be32(out + 4, CTF_INDEX_MAJOR);
	put_be32(out + 8, CTF_INDEX_MINOR);
	put_be32(out + 12, CTF_INDEX_ENTRY_SIZE);
}

void ctf_index_entry_encode(const struct packet_info *info, uint8_t out[CTF_INDEX_ENTRY_SIZE])
{
	const uint64_t fields[] = {
		info->offset_bytes,	  info->packet_size_bits,   info->content_size_bits,
		info->timestamp_begin,	  info->timestamp_end,	    info->events_discarded,
		info->stream_id,	  info->stream_instance_id, info->packet_seq_num,
	};

	_Static_assert(sizeof(fields) == CTF_INDEX_ENTRY_SIZE, "index entry is nine u64");
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		put_be64(out + 8 * i, fields[i]);
}

int ctf_index_header_decode(const uint8_t *buf, size_t len, uint32_t *entry_len)
{
	uint32_t minor, elen;

	if (len < CTF_INDEX_HEADER_SIZE || get_be32(buf) != CTF_INDEX_MAGIC)
		return -EINVAL;
	if (get_be32(buf + 4) != CTF_INDEX_MAJOR)
		return -EPROTONOSUPPORT;
	minor = get_be32(buf + 8);
	elen = get_be32(buf + 12);
	if (elen < (minor == 0 ? CTF_INDEX_ENTRY_SIZE_1_0 : CTF_INDEX_ENTRY_SIZE))
		return -EINVAL;
	*entry_len = elen;
	return 0;
}

int ctf_index_entry_decode(const uint8_t *buf, size_t len, uint32_t entry_len,
			   struct packet_info *info)
{
	uint64_t v[9];

	if (entry_len < CTF_INDEX_ENTRY_SIZE_1_0 || len < entry_len)
		return -EINVAL;
	for (size_t i = 0; i < ARRAY_SIZE(v); i++)
		v[i] = (8 * i + 8 <= entry_len) ? get_be64(buf + 8 * i) : PACKET_INFO_UNKNOWN;
	*info = (struct packet_info){
		.offset_bytes = v[0],
		.packet_size_bits = v[1],
		.content_size_bits = v[2],
		.timestamp_begin = v[3],
		.timestamp_end = v[4],
		.events_discarded = v[5],
		.stream_id = v[6],
		.stream_instance_id = v[7],
		.packet_seq_num = v[8],
	};
	return 0;
}

int trace_file_check_name(const char *name, size_t extra)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0 || strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EINVAL;
	if (len + extra > NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* Gives a file or directory we just made its exact mode and its owner. */
static int settle_new(int fd, mode_t mode, uid_t uid, gid_t gid)
{
	if (fchmod(fd, mode) < 0)
		return -errno;
	if ((uid != (uid_t) -1 || gid != (gid_t) -1) && fchown(fd, uid, gid) < 0)
		return -errno;
	return 0;
}

/* An existing file may be rewritten only if nobody could have planted it there. */
static int check_existing(int fd, uid_t uid)
{
	struct stat st;
	uid_t owner = uid != (uid_t) -1 ? uid : geteuid();

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1 || st.st_uid != owner)
		return -EPERM;
	return 0;
}

int trace_file_create(int dir_fd, const char *name, uid_t uid, gid_t gid, bool truncate,
		      bool *created)
{
	const int base = O_WRONLY | O_NOFOLLOW | O_CLOEXEC;
	int ret;

	/* Two rounds at most: the file may vanish between the two opens. */
	for (int round = 0; round < 2; round++) {
		_cleanup_close_ int fd = openat(dir_fd, name, base | O_CREAT | O_EXCL,
						TRACE_FILE_MODE);

		if (fd >= 0) {
			ret = settle_new(fd, TRACE_FILE_MODE, uid, gid);
			if (ret < 0) {
				(void) unlinkat(dir_fd, name, 0);
				return ret;
			}
			if (created)
				*created = true;
			return move_fd(fd);
		}
		if (errno != EEXIST)
			return -errno;

		/* O_NONBLOCK: opening a FIFO someone put there must not hang us. */
		fd = openat(dir_fd, name, base | O_NONBLOCK);
		if (fd < 0) {
			if (errno == ENOENT)
				continue;
			return -errno;
		}
		ret = check_existing(fd, uid);
		if (ret < 0)
			return ret;
		ret = fcntl(fd, F_GETFL);
		if (ret < 0 || fcntl(fd, F_SETFL, ret & ~O_NONBLOCK) < 0)
			return -errno;
		if (truncate && ftruncate(fd, 0) < 0)
			return -errno;
		if (created)
			*created = false;
		return move_fd(fd);
	}
	return -ENOENT;
}

int trace_dir_open(int dir_fd, const char *name, uid_t uid, gid_t gid)
{
	const int flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

	for (int round = 0; round < 2; round++) {
		_cleanup_close_ int fd = openat(dir_fd, name, flags);
		int ret;

		if (fd >= 0)
			return move_fd(fd);
		if (errno != ENOENT)
			return -errno;
		if (mkdirat(dir_fd, name, TRACE_DIR_MODE) < 0) {
			if (errno == EEXIST)
				continue;
			return -errno;
		}
		fd = openat(dir_fd, name, flags);
		if (fd < 0)
			return -errno;
		ret = settle_new(fd, TRACE_DIR_MODE, uid, gid);
		if (ret < 0)
			return ret;
		return move_fd(fd);
	}
	return -ENOENT;
}

int trace_file_pwrite_all(int fd, const void *buf, size_t len, uint64_t offset)
{
	const uint8_t *p = buf;

	if (offset > (uint64_t) INT64_MAX || len > (uint64_t) INT64_MAX - offset)
		return -EFBIG;
	while (len > 0) {
		ssize_t n = pwrite(fd, p, len, (off_t) offset);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t) n;
		offset += (uint64_t) n;
	}
	return 0;
}

struct index_file *index_file_create(int index_dir_fd, const char *file_name, uid_t uid,
				     gid_t gid, int *err)
{
	_cleanup_free_ struct index_file *x = NULL;
	uint8_t header[CTF_INDEX_HEADER_SIZE];
	int ret;

	ret = trace_file_check_name(file_name, 0);
	if (ret < 0)
		goto fail;
	x = calloc(1, sizeof(*x));
	if (!x) {
		ret = -ENOMEM;
		goto fail;
	}
	x->fd = trace_file_create(index_dir_fd, file_name, uid, gid, true, NULL);
	if (x->fd < 0) {
		ret = x->fd;
		goto fail;
	}
	ctf_index_header_encode(header);
	ret = trace_file_pwrite_all(x->fd, header, sizeof(header), 0);
	if (ret < 0) {
		/* A header-less index would mislead readers: do not leave one. */
		(void) unlinkat(index_dir_fd, file_name, 0);
		close(x->fd);
		goto fail;
	}
	x->size = sizeof(header);
	return move_ptr(x);
fail:
	if (err)
		*err = ret;
	return NULL;
}

int index_file_append(struct index_file *x, const struct packet_info *info)
{
	uint8_t entry[CTF_INDEX_ENTRY_SIZE];
	int ret;

	ctf_index_entry_encode(info, entry);
	ret = trace_file_pwrite_all(x->fd, entry, sizeof(entry), x->size);
	if (ret < 0) {
		/* Cut any partial entry so the file stays a whole number of entries. */
		if (ftruncate(x->fd, (off_t) x->size) < 0) {
			/* Nothing better to do; the write error is what matters. */
		}
		return ret;
	}
	x->size += sizeof(entry);
	return 0;
}

void index_file_close(struct index_file *x)
{
	if (!x)
		return;
	close(x->fd);
	free(x);
}
