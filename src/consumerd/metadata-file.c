/* SPDX-License-Identifier: GPL-2.0-only */
/* The packetized metadata file of a channel directory; see metadata-file.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "index-file.h"
#include "macros.h"
#include "metadata-file.h"

struct metadata_file {
	int fd;
	uint8_t uuid[16];
	uint64_t size;	  /* bytes in the file, whole packets only */
	bool first_open;  /* the next packet is the ring buffer's first (4059 bytes of text) */
	uint8_t packet[METADATA_PACKET_SIZE];
};

static void put_u32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

void metadata_packet_header_encode(uint8_t out[METADATA_PACKET_HEADER_SIZE],
				   const uint8_t uuid[16], uint32_t content_bytes,
				   uint32_t packet_bytes)
{
	put_u32(out, METADATA_PACKET_MAGIC);
	memcpy(out + 4, uuid, 16);
	put_u32(out + 20, 0); /* checksum: unused */
	put_u32(out + 24, content_bytes * 8);
	put_u32(out + 28, packet_bytes * 8);
	out[32] = 0; /* compression scheme */
	out[33] = 0; /* encryption scheme */
	out[34] = 0; /* checksum scheme */
	out[35] = METADATA_CTF_MAJOR;
	out[36] = METADATA_CTF_MINOR;
}

struct metadata_file *metadata_file_open(int channel_dir_fd, const uint8_t uuid[16], uid_t uid,
					 gid_t gid, int *err)
{
	struct metadata_file *m;
	int fd;

	m = calloc(1, sizeof(*m));
	if (!m) {
		if (err)
			*err = -ENOMEM;
		return NULL;
	}
	fd = trace_file_create(channel_dir_fd, METADATA_FILE_NAME, uid, gid, true, NULL);
	if (fd < 0) {
		free(m);
		if (err)
			*err = fd;
		return NULL;
	}
	m->fd = fd;
	memcpy(m->uuid, uuid, sizeof(m->uuid));
	m->first_open = true;
	return m;
}

int metadata_file_append(struct metadata_file *m, const char *text, size_t len)
{
	const uint64_t start = m->size;
	const bool was_first = m->first_open;

	if (!text && len)
		return -EINVAL;
	while (len > 0) {
		size_t room = m->first_open ? METADATA_FIRST_PACKET_TEXT_MAX
					    : METADATA_PACKET_TEXT_MAX;
		size_t chunk = MIN(len, room);
		size_t content = METADATA_PACKET_HEADER_SIZE + chunk;
		int ret;

		metadata_packet_header_encode(m->packet, m->uuid, (uint32_t) content,
					      METADATA_PACKET_SIZE);
		memcpy(m->packet + METADATA_PACKET_HEADER_SIZE, text, chunk);
		memset(m->packet + content, 0, METADATA_PACKET_SIZE - content);
		ret = trace_file_pwrite_all(m->fd, m->packet, METADATA_PACKET_SIZE, m->size);
		if (ret < 0) {
			/* Undo the whole call: a caller retrying it must not duplicate text. */
			if (ftruncate(m->fd, (off_t) start) < 0) {
				/* The write error is the one to report. */
			}
			m->size = start;
			m->first_open = was_first;
			return ret;
		}
		m->size += METADATA_PACKET_SIZE;
		m->first_open = false;
		text += chunk;
		len -= chunk;
	}
	return 0;
}

int metadata_file_truncate(struct metadata_file *m)
{
	if (ftruncate(m->fd, 0) < 0)
		return -errno;
	m->size = 0;
	return 0;
}

uint64_t metadata_file_size(const struct metadata_file *m)
{
	return m->size;
}

void metadata_file_close(struct metadata_file *m)
{
	if (!m)
		return;
	close(m->fd);
	free(m);
}
