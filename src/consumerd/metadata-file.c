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
#include "output-dir.h"
#include "relay-conn.h"

struct metadata_file {
	struct relay_stream *relay; /* streamed to lttng-relayd: no file here */
	int fd;
	uint8_t uuid[16];
	uint64_t size;	  /* bytes in the file, whole packets only */
	bool first_open;  /* the next packet is the ring buffer's first (4059 bytes of text) */
	bool packing;     /* fill the last packet's free space before starting a new one */
	size_t last_content; /* content bytes (header included) of the last packet, 0: none */
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

struct metadata_file *metadata_file_open_relay(struct relay_conn *c, const char *path,
					       const uint8_t uuid[16], int *err)
{
	struct metadata_file *m = calloc(1, sizeof(*m));

	if (!m) {
		*err = -ENOMEM;
		return NULL;
	}
	m->fd = -1;
	m->relay = relay_stream_add(c, METADATA_FILE_NAME, path, 0, 0, false, err);
	if (!m->relay) {
		free(m);
		return NULL;
	}
	memcpy(m->uuid, uuid, sizeof(m->uuid));
	m->first_open = true;
	return m;
}

void metadata_file_set_packing(struct metadata_file *m, bool packing)
{
	/* A packet sent to the relay daemon cannot be rewritten. */
	m->packing = packing && !m->relay;
}

/* Packing mode: puts as much text as fits into the last packet and updates its
 * content size. Returns the bytes taken, or -errno (the packet is left as it was). */
static ssize_t fill_last_packet(struct metadata_file *m, const char *text, size_t len)
{
	const uint64_t packet_start = m->size - METADATA_PACKET_SIZE;
	size_t chunk = MIN(len, METADATA_PACKET_SIZE - m->last_content);
	uint8_t field[4];
	int ret;

	if (chunk == 0)
		return 0;
	ret = trace_file_pwrite_all(m->fd, text, chunk, packet_start + m->last_content);
	if (ret == 0) {
		put_u32(field, (uint32_t) (m->last_content + chunk) * 8);
		ret = trace_file_pwrite_all(m->fd, field, sizeof(field), packet_start + 24);
	}
	if (ret < 0) {
		/* The content size still says where the text ends; clear what we wrote. */
		static const uint8_t zeros[METADATA_PACKET_SIZE];

		(void) trace_file_pwrite_all(m->fd, zeros, chunk, packet_start + m->last_content);
		return ret;
	}
	m->last_content += chunk;
	return (ssize_t) chunk;
}

int metadata_file_append(struct metadata_file *m, const char *text, size_t len)
{
	const uint64_t start = m->size;
	const bool was_first = m->first_open;

	if (!text && len)
		return -EINVAL;
	if (m->packing && m->last_content && m->size >= METADATA_PACKET_SIZE && len > 0) {
		ssize_t taken = fill_last_packet(m, text, len);

		if (taken < 0)
			return (int) taken;
		text += taken;
		len -= (size_t) taken;
	}
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
		if (m->relay) {
			/* What was sent stays sent: the relay daemon has it in order. */
			ret = relay_stream_send_metadata(m->relay, m->packet, content,
							 METADATA_PACKET_SIZE);
			if (ret < 0)
				return ret;
		} else {
			ret = trace_file_pwrite_all(m->fd, m->packet, METADATA_PACKET_SIZE, m->size);
		}
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
		m->last_content = content;
		text += chunk;
		len -= chunk;
	}
	return 0;
}

void metadata_file_restart(struct metadata_file *m)
{
	m->size = 0;
	m->last_content = 0;
	m->first_open = true;
}

struct relay_stream *metadata_file_relay_stream(const struct metadata_file *m)
{
	return m->relay;
}

int metadata_file_truncate(struct metadata_file *m)
{
	if (m->relay) {
		int r = relay_stream_reset_metadata(m->relay);

		if (r < 0)
			return r;
	} else if (ftruncate(m->fd, 0) < 0) {
		return -errno;
	}
	m->size = 0;
	m->last_content = 0;
	return 0;
}

uint64_t metadata_file_size(const struct metadata_file *m)
{
	return m->size;
}

bool metadata_file_unlinked(const struct metadata_file *m)
{
	return !m->relay && output_file_unlinked(m->fd);
}

void metadata_file_close(struct metadata_file *m)
{
	if (!m)
		return;
	relay_stream_close(m->relay);
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}
