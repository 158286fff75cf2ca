/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The "metadata" file of a channel directory: the TSDL text cut into packets, the
 * way LTTng 2.13's user-space consumer writes it (facts and sources:
 * doc/protocol/trace-files.md). No index, no tracefile rollover.
 *
 * Packet = 37-byte header, then text, then zeros up to the packet size. Header fields
 * are in host byte order (a reader finds the order from the magic):
 *   u32 magic 0x75D11D57, u8 uuid[16] (the trace uuid), u32 checksum 0,
 *   u32 content size in bits (header + text), u32 packet size in bits,
 *   u8 compression 0, u8 encryption 0, u8 checksum scheme 0, u8 CTF major 1, u8 minor 8.
 *
 * Sizes, as the real metadata ring buffer produces them (sub-buffers of 4096 bytes,
 * DEFAULT_METADATA_SUBBUF_SIZE): a packet is its content rounded up to the page size,
 * i.e. always 4096 bytes on 4 KiB-page machines. LTTng pushes each piece of text it
 * has into the ring buffer and closes the packet right after, so a packet never
 * mixes two pushes. How much text fits depends on the packet: the very first packet of
 * the ring buffer is already open when the first text arrives and takes 4096 - 37 =
 * 4059 bytes; every later packet starts empty and LTTng's free-space computation
 * subtracts the header's C struct size (40 bytes with its alignment padding), so it
 * takes 4056 bytes and its content never exceeds 4093 bytes. This module reproduces
 * that: the first packet after metadata_file_open holds at most 4059 bytes of text,
 * later packets (also after a truncate) at most 4056. (LTTng leaves stale ring-buffer
 * bytes in the padding; here it is zeros.)
 */
#ifndef CONSUMERD_METADATA_FILE_H
#define CONSUMERD_METADATA_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define METADATA_FILE_NAME "metadata"
#define METADATA_PACKET_MAGIC 0x75D11D57u
#define METADATA_PACKET_HEADER_SIZE 37u
#define METADATA_PACKET_SIZE 4096u
/* What LTTng subtracts for the header of a packet that starts empty: the size of its
 * C struct, 37 bytes rounded up to the struct's 4-byte alignment. */
#define METADATA_PACKET_HEADER_STRUCT_SIZE 40u
/* Text capacity of the ring buffer's first packet and of every later one. */
#define METADATA_FIRST_PACKET_TEXT_MAX (METADATA_PACKET_SIZE - METADATA_PACKET_HEADER_SIZE)
#define METADATA_PACKET_TEXT_MAX (METADATA_PACKET_SIZE - METADATA_PACKET_HEADER_STRUCT_SIZE)
#define METADATA_CTF_MAJOR 1u
#define METADATA_CTF_MINOR 8u

/* Encodes a metadata packet header for content_bytes of content (header included)
 * in a packet of packet_bytes. */
void metadata_packet_header_encode(uint8_t out[METADATA_PACKET_HEADER_SIZE],
				   const uint8_t uuid[16], uint32_t content_bytes,
				   uint32_t packet_bytes);

struct metadata_file;

/* Creates (or truncates) channel_dir_fd/metadata, mode 0660, owned by uid/gid when not
 * -1. NULL with *err = -errno on failure. */
struct metadata_file *metadata_file_open(int channel_dir_fd, const uint8_t uuid[16], uid_t uid,
					 gid_t gid, int *err);
/* The same file sent to lttng-relayd (relay-conn.h): each packet goes as it is made;
 * a truncate resets the metadata there (a new version). NULL with *err on failure. */
struct relay_conn;
struct metadata_file *metadata_file_open_relay(struct relay_conn *c, const char *path,
					       const uint8_t uuid[16], int *err);
/* Packing (off by default, which is LTTng's layout): each append first fills the free
 * space of the last packet (its content size is rewritten), so frequent small appends
 * do not each cost a 4 KiB packet. Readers see the same text either way. */
void metadata_file_set_packing(struct metadata_file *m, bool packing);
/* Appends text (any length, split over as many packets as needed). All or nothing:
 * on error the file is cut back to its length before the call. 0 or -errno. */
int metadata_file_append(struct metadata_file *m, const char *text, size_t len);
/* A streamed metadata file whose relay stream was rotated: the text starts again
 * (from a first packet), in the relay daemon's new chunk. Its relay stream (NULL for
 * a file). */
void metadata_file_restart(struct metadata_file *m);
struct relay_stream *metadata_file_relay_stream(const struct metadata_file *m);
/* Empties the file (regenerate metadata), keeping it open. 0 or -errno. */
int metadata_file_truncate(struct metadata_file *m);
/* Current file length in bytes. */
uint64_t metadata_file_size(const struct metadata_file *m);
void metadata_file_close(struct metadata_file *m);
/* Whether the metadata file was deleted (no name left to reach it). */
bool metadata_file_unlinked(const struct metadata_file *m);

#endif
