/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The on-disk output of one ring-buffer stream (facts and sources:
 * doc/protocol/trace-files.md).
 *
 * Names, as LTTng 2.13's consumer makes them: the stream is "<channel>_<cpu>" in its
 * channel directory and its index is "index/<channel>_<cpu>.idx". With a tracefile
 * size > 0 every name gets the number of the trace file: "<channel>_<cpu>_<n>" and
 * "index/<channel>_<cpu>_<n>.idx", n counting from 0 (also when no rollover ever
 * happens). Every file is opened truncated, mode exactly 0660; a missing index/
 * directory is made with mode 0770; both are given to uid/gid (when not -1).
 *
 * Rollover, as LTTng: before writing a packet, when tracefile_size > 0 and the bytes
 * already in the current file plus the packet's length would exceed tracefile_size,
 * the stream moves to file n + 1 (modulo tracefile_count when tracefile_count > 0,
 * so the oldest file is reused: reopened truncated, together with its index). The
 * test does not look at whether the current file is empty: a packet longer than
 * tracefile_size always moves on and is then written whole (the session daemon
 * refuses a tracefile size below the sub-buffer size, so this does not happen in
 * practice). Index offsets are relative to the file the packet is in.
 *
 * Each packet is written whole (padding included) and then its index entry. A write
 * that fails leaves neither part behind: the stream file is cut back to where the
 * packet started, and the index to its previous entries.
 */
#ifndef CONSUMERD_STREAM_FILE_H
#define CONSUMERD_STREAM_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "index-file.h"

struct stream_file;

/* Opens the stream's first file (and index). channel_dir_fd is only borrowed (the
 * stream keeps its own duplicate). NULL with *err = -errno on failure. */
struct stream_file *stream_file_open(int channel_dir_fd, const char *name, uint64_t tracefile_size,
				     uint64_t tracefile_count, uid_t uid, gid_t gid, bool with_index,
				     int *err);
/* Writes one whole padded packet and its index entry; info->offset_bytes is set (the
 * other fields go to the index as given). 0 or -errno (ENOSPC, EFBIG, ...), with
 * nothing of the packet left in either file on error. */
int stream_file_write_packet(struct stream_file *f, const void *packet, size_t len,
			     struct packet_info *info);
/* The same stream sent to lttng-relayd instead (relay-conn.h): path is its directory
 * below the session's output there; the relay daemon writes the file, its index and
 * its rollovers. NULL with *err on failure. */
struct relay_conn;
struct stream_file *stream_file_open_relay(struct relay_conn *c, const char *path, const char *name,
					   uint64_t tracefile_size, uint64_t tracefile_count,
					   bool with_index, int *err);
/* Whether a packet can be written now: a relay connection with too much unsent data
 * says no, and the packets wait in the ring buffer. Always true for a file. */
bool stream_file_writable(const struct stream_file *f);
/* A live session's stream with nothing new sends its time instead
 * (relay_stream_send_beacon); nothing for a file. 0 or -errno. */
int stream_file_send_beacon(struct stream_file *f, uint64_t ts, uint64_t ctf_stream_id);
/* The relay connection of a streamed file, NULL for a file; its relay stream. */
struct relay_conn *stream_file_relay(const struct stream_file *f);
struct relay_stream *stream_file_relay_stream(const struct stream_file *f);
void stream_file_close(struct stream_file *f);
/* Whether the data file being written was deleted (no name left to reach it). */
bool stream_file_unlinked(const struct stream_file *f);

/* Number n of the trace file being written (always 0 without a tracefile size). */
uint64_t stream_file_tracefile_index(const struct stream_file *f);
/* Bytes written to the current trace file. */
uint64_t stream_file_size(const struct stream_file *f);

/* Formats "<name>[_<n>]<suffix>" (the "_<n>" only with tracefile_size > 0) into buf.
 * 0 or -ENAMETOOLONG. */
int stream_file_format_name(char *buf, size_t size, const char *name, uint64_t tracefile_size,
			    uint64_t n, const char *suffix);

#endif
