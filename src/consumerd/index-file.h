/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CTF packet index files ("index/<stream>.idx") and the file-creation helpers every
 * trace output file of the consumer uses. Facts and their sources:
 * doc/protocol/trace-files.md.
 *
 * Index layout (CTF index 1.1, every integer big-endian, no padding):
 *   header, 16 bytes: magic 0xC1F1DCC1, major 1, minor 1, entry length 72 (u32 each);
 *   then one 72-byte entry per packet written to the stream file, in file order:
 *   offset (bytes from the start of that stream file), packet size (bits), content
 *   size (bits), timestamp begin, timestamp end, events discarded, stream id, stream
 *   instance id, packet sequence number (u64 each).
 *
 * How LTTng 2.13's consumer fills an entry for a user-space data packet: sizes come
 * from the packet context (packet_size / content_size, already in bits; the packet
 * size equals the padded sub-buffer length written, times 8); the timestamps and
 * events_discarded are the packet context's raw values (events_discarded is the
 * stream's running total, not a per-packet delta); stream_id is the packet header's
 * stream_id (the channel id); stream_instance_id is the header's stream_instance_id
 * (the CPU for per-CPU buffers) and packet_seq_num the context's packet_seq_num.
 * When the tracer cannot give an instance id or a sequence number, the consumer
 * writes all-ones (PACKET_INFO_UNKNOWN) there.
 */
#ifndef CONSUMERD_INDEX_FILE_H
#define CONSUMERD_INDEX_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define CTF_INDEX_MAGIC 0xC1F1DCC1u
#define CTF_INDEX_MAJOR 1u
#define CTF_INDEX_MINOR 1u
#define CTF_INDEX_HEADER_SIZE 16u
#define CTF_INDEX_ENTRY_SIZE 72u
/* Entry length of index 1.0 files (no stream_instance_id, no packet_seq_num). */
#define CTF_INDEX_ENTRY_SIZE_1_0 56u

/* Value of an index field the tracer could not provide. */
#define PACKET_INFO_UNKNOWN UINT64_MAX

/* Name of the per-channel index directory and the index file suffix. */
#define CTF_INDEX_DIR_NAME "index"
#define CTF_INDEX_SUFFIX ".idx"

/* Modes LTTng gives trace output, exact (it creates them with a zero umask). */
#define TRACE_FILE_MODE 0660
#define TRACE_DIR_MODE 0770

/* CTF index v1.1, big-endian, 16-byte header then one entry per packet. */
struct packet_info {
	uint64_t offset_bytes; /* filled by stream_file_write_packet */
	uint64_t packet_size_bits, content_size_bits;
	uint64_t timestamp_begin, timestamp_end, events_discarded;
	uint64_t stream_id, stream_instance_id, packet_seq_num;
};

/* ---- Pure encoding / decoding (no I/O). ---- */

/* The 16-byte file header of an index 1.1 file. */
void ctf_index_header_encode(uint8_t out[CTF_INDEX_HEADER_SIZE]);
/* One 72-byte entry, every field of info big-endian in struct order. */
void ctf_index_entry_encode(const struct packet_info *info, uint8_t out[CTF_INDEX_ENTRY_SIZE]);
/* Checks a file header: magic, major 1, minor 0 or 1, and an entry length that holds
 * at least the 1.0 fields. Stores the entry length. 0, or -EINVAL (too short, bad
 * magic, bad length) or -EPROTONOSUPPORT (another version). */
int ctf_index_header_decode(const uint8_t *buf, size_t len, uint32_t *entry_len);
/* Decodes one entry of entry_len bytes (from the header); fields the entry does not
 * carry (1.0 files) come back as PACKET_INFO_UNKNOWN. 0 or -EINVAL. */
int ctf_index_entry_decode(const uint8_t *buf, size_t len, uint32_t entry_len,
			   struct packet_info *info);

/* ---- Trace output files, shared by the stream, index and metadata writers. ---- */

/*
 * Opens name (a single path component) in dir_fd for writing, as LTTng does with
 * O_WRONLY|O_CREAT|O_TRUNC and mode 0660 (with truncate false the contents are kept).
 * A new file gets exactly TRACE_FILE_MODE and, when uid or gid is not -1, that owner.
 * A root consumer writes inside directories its users own, so unlike LTTng (which
 * writes through a process with the user's credentials) this never follows a symbolic
 * link and refuses (-EPERM) to reuse an existing file that is not a regular file with
 * a single link owned by uid (or by the consumer's effective uid when uid is -1).
 * *created tells whether the file was made here (may be NULL). Returns the fd
 * (O_CLOEXEC) or -errno.
 */
int trace_file_create(int dir_fd, const char *name, uid_t uid, gid_t gid, bool truncate,
		      bool *created);
/* Opens the directory name in dir_fd, creating it (exactly TRACE_DIR_MODE, owned as
 * above) when missing; never through a symbolic link. Returns the fd or -errno. */
int trace_dir_open(int dir_fd, const char *name, uid_t uid, gid_t gid);
/* Writes all of buf at offset, retrying short writes and EINTR. 0 or -errno. */
int trace_file_pwrite_all(int fd, const void *buf, size_t len, uint64_t offset);
/* Validates a file name component: non-empty, no '/', not "." or "..", and short
 * enough that extra bytes of suffix still fit in NAME_MAX. 0 or -EINVAL/-ENAMETOOLONG. */
int trace_file_check_name(const char *name, size_t extra);

/* ---- Index files. ---- */

struct index_file;

/* Creates (or truncates) index_dir_fd/file_name and writes the 1.1 header.
 * NULL with *err = -errno on failure. */
struct index_file *index_file_create(int index_dir_fd, const char *file_name, uid_t uid,
				     gid_t gid, int *err);
/* Appends info's entry. On failure the file is cut back to its previous length, so no
 * partial entry remains. 0 or -errno. */
int index_file_append(struct index_file *x, const struct packet_info *info);
void index_file_close(struct index_file *x);

#endif
