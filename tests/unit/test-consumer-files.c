/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The consumer's trace output files: index encoding, stream files with their index,
 * tracefile rollover and wrap-around, error roll-back, creation safety, and the
 * packetized metadata file. Expected bytes are built here by hand, independently of
 * the code under test.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "index-file.h"
#include "macros.h"
#include "metadata-file.h"
#include "stream-file.h"
#include "tap.h"

static char root[] = "/tmp/test-consumer-files-XXXXXX";

/* ---- small helpers ---- */

static void be32_at(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t) (v >> (24 - 8 * i));
}

static void be64_at(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t) (v >> (56 - 8 * i));
}

static void le32_at(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t) (v >> (8 * i));
}

/* Reads dir/name whole; *len gets its size. NULL (and *len = 0) when missing. */
static uint8_t *slurp(int dir_fd, const char *name, size_t *len)
{
	struct stat st;
	uint8_t *buf;
	int fd = openat(dir_fd, name, O_RDONLY | O_CLOEXEC);

	*len = 0;
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return NULL;
	}
	buf = malloc((size_t) st.st_size + 1);
	if (!buf)
		bail_out("out of memory");
	if (pread(fd, buf, (size_t) st.st_size, 0) != st.st_size)
		bail_out("short read of %s", name);
	close(fd);
	*len = (size_t) st.st_size;
	return buf;
}

static long long file_size(int dir_fd, const char *name)
{
	struct stat st;

	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return (long long) st.st_size;
}

static int file_mode(int dir_fd, const char *name)
{
	struct stat st;

	if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -1;
	return (int) (st.st_mode & 07777);
}

static bool exists(int dir_fd, const char *name)
{
	struct stat st;

	return fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static int make_dir(const char *name)
{
	char path[512];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", root, name);
	if (mkdir(path, 0755) < 0)
		bail_out("mkdir %s: %s", path, strerror(errno));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		bail_out("open %s: %s", path, strerror(errno));
	return fd;
}

/* A packet of len bytes whose bytes tell its sequence number and position. */
static uint8_t *make_packet(size_t len, unsigned seq)
{
	uint8_t *p = malloc(len);

	if (!p)
		bail_out("out of memory");
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t) (seq * 31 + i * 7 + (i >> 8));
	return p;
}

static struct packet_info info_for(size_t len, unsigned seq)
{
	return (struct packet_info){
		.offset_bytes = 0xdeadbeef, /* must be overwritten */
		.packet_size_bits = len * 8,
		.content_size_bits = len * 8 - 8 * seq,
		.timestamp_begin = 1000000000000ull + seq * 1000,
		.timestamp_end = 1000000000000ull + seq * 1000 + 999,
		.events_discarded = seq * 3,
		.stream_id = 2,
		.stream_instance_id = 1,
		.packet_seq_num = seq,
	};
}

static void expected_header(uint8_t out[16])
{
	be32_at(out, 0xC1F1DCC1u);
	be32_at(out + 4, 1);
	be32_at(out + 8, 1);
	be32_at(out + 12, 72);
}

static void expected_entry(uint8_t out[72], uint64_t offset, const struct packet_info *i)
{
	be64_at(out, offset);
	be64_at(out + 8, i->packet_size_bits);
	be64_at(out + 16, i->content_size_bits);
	be64_at(out + 24, i->timestamp_begin);
	be64_at(out + 32, i->timestamp_end);
	be64_at(out + 40, i->events_discarded);
	be64_at(out + 48, i->stream_id);
	be64_at(out + 56, i->stream_instance_id);
	be64_at(out + 64, i->packet_seq_num);
}

/* Checks that dir/<data> holds exactly the given packets and dir/index/<idx> their
 * entries (offsets from 0 within that file). */
static void check_generation(int dir_fd, const char *data, const char *idx, size_t len,
			     const unsigned *seqs, size_t n)
{
	size_t got_len, idx_len, want_idx_len = 16 + 72 * n;
	_cleanup_free_ uint8_t *got = slurp(dir_fd, data, &got_len);
	_cleanup_free_ uint8_t *want = malloc(len * n + 1);
	_cleanup_free_ uint8_t *want_idx = malloc(want_idx_len);
	_cleanup_free_ uint8_t *got_idx = NULL;
	char idx_path[300];

	snprintf(idx_path, sizeof(idx_path), "index/%s", idx);
	got_idx = slurp(dir_fd, idx_path, &idx_len);
	expected_header(want_idx);
	for (size_t k = 0; k < n; k++) {
		_cleanup_free_ uint8_t *p = make_packet(len, seqs[k]);
		struct packet_info i = info_for(len, seqs[k]);

		memcpy(want + k * len, p, len);
		expected_entry(want_idx + 16 + 72 * k, k * len, &i);
	}
	is_mem(got, got_len, want, len * n, "%s holds %zu packet(s)", data, n);
	is_mem(got_idx, idx_len, want_idx, want_idx_len, "index/%s header + %zu entries", idx, n);
}

static int write_seq(struct stream_file *f, size_t len, unsigned seq, uint64_t *offset)
{
	_cleanup_free_ uint8_t *p = make_packet(len, seq);
	struct packet_info i = info_for(len, seq);
	int ret = stream_file_write_packet(f, p, len, &i);

	if (offset)
		*offset = i.offset_bytes;
	return ret;
}

/* ---- index encoding ---- */

static void test_index_encoding(void)
{
	uint8_t hdr[16], want_hdr[16], entry[72], want_entry[72];
	struct packet_info in = {
		.offset_bytes = 0x0102030405060708ull,
		.packet_size_bits = 32768,
		.content_size_bits = 16592,
		.timestamp_begin = 9981596386844ull,
		.timestamp_end = 9981806369902ull,
		.events_discarded = 6575,
		.stream_id = 0,
		.stream_instance_id = PACKET_INFO_UNKNOWN,
		.packet_seq_num = 7,
	};
	struct packet_info out;
	uint32_t elen = 0;

	ctf_index_header_encode(hdr);
	expected_header(want_hdr);
	is_mem(hdr, sizeof(hdr), want_hdr, sizeof(want_hdr), "index header bytes");
	{
		const uint8_t literal[16] = { 0xc1, 0xf1, 0xdc, 0xc1, 0, 0, 0, 1,
					      0,    0,	  0,	1,    0, 0, 0, 0x48 };

		is_mem(hdr, sizeof(hdr), literal, sizeof(literal), "index header literal");
	}
	ctf_index_entry_encode(&in, entry);
	expected_entry(want_entry, in.offset_bytes, &in);
	is_mem(entry, sizeof(entry), want_entry, sizeof(want_entry), "index entry bytes");
	ok(entry[56] == 0xff && entry[63] == 0xff, "unknown instance id is all-ones");

	is_int(ctf_index_header_decode(hdr, sizeof(hdr), &elen), 0, "header decodes");
	is_uint(elen, 72, "entry length 72");
	is_int(ctf_index_header_decode(hdr, 15, &elen), -EINVAL, "short header refused");
	hdr[0] ^= 1;
	is_int(ctf_index_header_decode(hdr, sizeof(hdr), &elen), -EINVAL, "bad magic refused");
	hdr[0] ^= 1;
	hdr[7] = 2;
	is_int(ctf_index_header_decode(hdr, sizeof(hdr), &elen), -EPROTONOSUPPORT,
	       "index major 2 refused");
	hdr[7] = 1;
	hdr[11] = 0;
	hdr[15] = 56;
	is_int(ctf_index_header_decode(hdr, sizeof(hdr), &elen), 0, "index 1.0 header decodes");
	is_uint(elen, 56, "1.0 entry length 56");

	is_int(ctf_index_entry_decode(entry, sizeof(entry), 72, &out), 0, "entry decodes");
	ok(memcmp(&in, &out, sizeof(in)) == 0, "entry round-trips");
	is_int(ctf_index_entry_decode(entry, sizeof(entry), 56, &out), 0, "1.0 entry decodes");
	ok(out.stream_id == in.stream_id && out.stream_instance_id == PACKET_INFO_UNKNOWN &&
		   out.packet_seq_num == PACKET_INFO_UNKNOWN,
	   "1.0 entry: no instance id, no sequence number");
	is_int(ctf_index_entry_decode(entry, 71, 72, &out), -EINVAL, "truncated entry refused");
}

/* ---- stream files ---- */

static void test_plain_stream(void)
{
	int dir = make_dir("plain");
	int err = 0;
	mode_t old = umask(077); /* modes must not depend on the umask */
	struct stream_file *f = stream_file_open(dir, "channel0_1", 0, 0, (uid_t) -1,
						 (gid_t) -1, true, &err);
	uint64_t off[3];
	const unsigned seqs[] = { 0, 1, 2 };

	umask(old);
	if (!isnt_ptr_null(f, "open channel0_1 with index"))
		bail_out("cannot continue: %d", err);
	is_int(file_size(dir, "channel0_1"), 0, "stream file created empty");
	is_int(file_size(dir, "index/channel0_1.idx"), 16, "index holds its header at once");
	is_int(file_mode(dir, "channel0_1"), 0660, "stream file mode 0660 despite umask 077");
	is_int(file_mode(dir, "index"), 0770, "index dir mode 0770");
	is_int(file_mode(dir, "index/channel0_1.idx"), 0660, "index file mode 0660");
	for (unsigned k = 0; k < 3; k++)
		is_int(write_seq(f, 4096, k, &off[k]), 0, "packet %u written", k);
	ok(off[0] == 0 && off[1] == 4096 && off[2] == 8192, "offsets 0, 4096, 8192");
	is_uint(stream_file_size(f), 12288, "size 12288");
	is_uint(stream_file_tracefile_index(f), 0, "no tracefile number");
	check_generation(dir, "channel0_1", "channel0_1.idx", 4096, seqs, 3);
	{
		uint8_t small[5] = { 1, 2, 3, 4, 5 };
		struct packet_info i = info_for(5, 9);

		is_int(stream_file_write_packet(f, small, 0, &i), -EINVAL, "empty packet refused");
		is_int(stream_file_write_packet(f, NULL, 5, &i), -EINVAL, "NULL packet refused");
	}
	stream_file_close(f);
	ok(!exists(dir, "channel0_1_0"), "no _0 suffix without a tracefile size");

	/* Reopening truncates, as LTTng's O_TRUNC does. */
	f = stream_file_open(dir, "channel0_1", 0, 0, (uid_t) -1, (gid_t) -1, true, &err);
	isnt_ptr_null(f, "reopen");
	is_int(file_size(dir, "channel0_1"), 0, "reopen truncates the stream file");
	is_int(file_size(dir, "index/channel0_1.idx"), 16, "reopen truncates the index");
	stream_file_close(f);

	/* Without an index nothing is made in index/. */
	f = stream_file_open(dir, "noindex_0", 0, 0, (uid_t) -1, (gid_t) -1, false, &err);
	isnt_ptr_null(f, "open without index");
	is_int(write_seq(f, 4096, 0, NULL), 0, "packet written without index");
	ok(!exists(dir, "index/noindex_0.idx"), "no index file");
	stream_file_close(f);
	{
		int d2 = make_dir("noindexdir");

		f = stream_file_open(d2, "c_0", 0, 0, (uid_t) -1, (gid_t) -1, false, &err);
		isnt_ptr_null(f, "open without index in a fresh dir");
		ok(!exists(d2, "index"), "no index directory made");
		stream_file_close(f);
		close(d2);
	}
	close(dir);
}

static void test_rollover(void)
{
	int dir = make_dir("rollover");
	int err = 0;
	struct stream_file *f;
	uint64_t off;

	/* Unlimited count: files _0, _1, _2 ... */
	f = stream_file_open(dir, "chan_0", 8192, 0, (uid_t) -1, (gid_t) -1, true, &err);
	if (!isnt_ptr_null(f, "open with tracefile size 8192"))
		bail_out("cannot continue: %d", err);
	ok(exists(dir, "chan_0_0") && exists(dir, "index/chan_0_0.idx"),
	   "first file is chan_0_0 (+ index/chan_0_0.idx)");
	ok(!exists(dir, "chan_0"), "no unsuffixed file");
	for (unsigned k = 0; k < 5; k++) {
		is_int(write_seq(f, 4096, k, &off), 0, "packet %u written", k);
		is_uint(off, (k % 2) * 4096, "packet %u at offset %u of its file", k, (k % 2) * 4096);
	}
	is_uint(stream_file_tracefile_index(f), 2, "now writing file 2");
	{
		const unsigned a[] = { 0, 1 }, b[] = { 2, 3 }, c[] = { 4 };

		check_generation(dir, "chan_0_0", "chan_0_0.idx", 4096, a, 2);
		check_generation(dir, "chan_0_1", "chan_0_1.idx", 4096, b, 2);
		check_generation(dir, "chan_0_2", "chan_0_2.idx", 4096, c, 1);
	}
	is_int(file_mode(dir, "chan_0_2"), 0660, "rolled file mode 0660");
	stream_file_close(f);

	/* Count 3: the fourth file is _0 again, truncated (as LTTng's real trace shows). */
	f = stream_file_open(dir, "wrap_0", 8192, 3, (uid_t) -1, (gid_t) -1, true, &err);
	isnt_ptr_null(f, "open with size 8192, count 3");
	for (unsigned k = 0; k < 7; k++)
		is_int(write_seq(f, 4096, k, NULL), 0, "wrap packet %u written", k);
	is_uint(stream_file_tracefile_index(f), 0, "wrapped to file 0");
	ok(!exists(dir, "wrap_0_3") && !exists(dir, "index/wrap_0_3.idx"), "no file _3");
	{
		const unsigned a[] = { 6 }, b[] = { 2, 3 }, c[] = { 4, 5 };

		check_generation(dir, "wrap_0_0", "wrap_0_0.idx", 4096, a, 1);
		check_generation(dir, "wrap_0_1", "wrap_0_1.idx", 4096, b, 2);
		check_generation(dir, "wrap_0_2", "wrap_0_2.idx", 4096, c, 2);
	}
	is_int(write_seq(f, 4096, 7, NULL), 0, "packet 7 fills file 0");
	is_int(write_seq(f, 4096, 8, NULL), 0, "packet 8 moves to file 1");
	{
		const unsigned a[] = { 6, 7 }, b[] = { 8 };

		check_generation(dir, "wrap_0_0", "wrap_0_0.idx", 4096, a, 2);
		check_generation(dir, "wrap_0_1", "wrap_0_1.idx", 4096, b, 1);
	}
	stream_file_close(f);

	/* Count 1: every rollover truncates the one file. */
	f = stream_file_open(dir, "one_0", 4096, 1, (uid_t) -1, (gid_t) -1, true, &err);
	isnt_ptr_null(f, "open with size 4096, count 1");
	for (unsigned k = 0; k < 3; k++)
		is_int(write_seq(f, 4096, k, NULL), 0, "count-1 packet %u written", k);
	{
		const unsigned a[] = { 2 };

		check_generation(dir, "one_0_0", "one_0_0.idx", 4096, a, 1);
	}
	ok(!exists(dir, "one_0_1"), "count 1 never makes _1");
	stream_file_close(f);

	/* Uneven sizes: 4096 + 4096 fits 10000, a third does not. */
	f = stream_file_open(dir, "uneven_0", 10000, 0, (uid_t) -1, (gid_t) -1, true, &err);
	isnt_ptr_null(f, "open with size 10000");
	is_int(write_seq(f, 4096, 0, NULL), 0, "uneven 0");
	is_int(write_seq(f, 4096, 1, NULL), 0, "uneven 1");
	is_uint(stream_file_tracefile_index(f), 0, "8192 <= 10000 stays in file 0");
	is_int(write_seq(f, 4096, 2, NULL), 0, "uneven 2");
	is_uint(stream_file_tracefile_index(f), 1, "12288 > 10000 moved to file 1");
	is_int(file_size(dir, "uneven_0_0"), 8192, "file 0 keeps 8192 bytes");
	stream_file_close(f);

	/* A packet longer than the tracefile size moves on even from an empty file. */
	f = stream_file_open(dir, "big_0", 1000, 0, (uid_t) -1, (gid_t) -1, true, &err);
	isnt_ptr_null(f, "open with size 1000");
	is_int(write_seq(f, 4096, 0, &off), 0, "oversized packet written");
	is_uint(stream_file_tracefile_index(f), 1, "went to file 1 first (LTTng's test)");
	is_uint(off, 0, "at offset 0 of file 1");
	is_int(file_size(dir, "big_0_0"), 0, "file 0 stays empty");
	is_int(file_size(dir, "index/big_0_0.idx"), 16, "its index has only the header");
	is_int(file_size(dir, "big_0_1"), 4096, "file 1 holds the whole packet");
	stream_file_close(f);
	close(dir);
}

static void test_write_errors(void)
{
	int dir = make_dir("errors");
	int err = 0;
	struct rlimit saved, lim;
	struct stream_file *f;
	uint64_t off = 0;
	int r[3];

	/* RLIMIT_FSIZE makes writes past a size fail with EFBIG (SIGXFSZ ignored), after
	 * a short write: the partial-write and roll-back paths without a full disk. */
	signal(SIGXFSZ, SIG_IGN);
	if (getrlimit(RLIMIT_FSIZE, &saved) < 0)
		bail_out("getrlimit");

	f = stream_file_open(dir, "data_0", 0, 0, (uid_t) -1, (gid_t) -1, true, &err);
	isnt_ptr_null(f, "open for data-write errors");
	lim = saved;
	lim.rlim_cur = 10000;
	/* Nothing is printed under the limit: stdout may be a file that would hit it. */
	setrlimit(RLIMIT_FSIZE, &lim);
	r[0] = write_seq(f, 4096, 0, NULL);
	r[1] = write_seq(f, 4096, 1, NULL);
	r[2] = write_seq(f, 4096, 2, NULL);
	setrlimit(RLIMIT_FSIZE, &saved);
	is_int(r[0], 0, "packet 0 under the limit");
	is_int(r[1], 0, "packet 1 under the limit");
	is_int(r[2], -EFBIG, "packet 2 crosses the limit: -EFBIG");
	is_int(file_size(dir, "data_0"), 8192, "no half packet left in the stream file");
	is_int(file_size(dir, "index/data_0.idx"), 16 + 2 * 72, "no entry for it");
	is_int(write_seq(f, 4096, 2, &off), 0, "retry after the limit is lifted");
	is_uint(off, 8192, "retried packet lands at 8192");
	{
		const unsigned s[] = { 0, 1, 2 };

		check_generation(dir, "data_0", "data_0.idx", 4096, s, 3);
	}
	stream_file_close(f);

	/* Small packets: the index (72 bytes per entry) reaches the limit first. */
	f = stream_file_open(dir, "idx_0", 0, 0, (uid_t) -1, (gid_t) -1, true, &err);
	isnt_ptr_null(f, "open for index-write errors");
	lim.rlim_cur = 16 + 2 * 72 + 10;
	setrlimit(RLIMIT_FSIZE, &lim);
	r[0] = write_seq(f, 8, 0, NULL);
	r[1] = write_seq(f, 8, 1, NULL);
	r[2] = write_seq(f, 8, 2, NULL);
	setrlimit(RLIMIT_FSIZE, &saved);
	is_int(r[0], 0, "small packet 0");
	is_int(r[1], 0, "small packet 1");
	is_int(r[2], -EFBIG, "index entry 2 crosses the limit: -EFBIG");
	is_int(file_size(dir, "idx_0"), 16, "its packet was taken back out of the stream file");
	is_int(file_size(dir, "index/idx_0.idx"), 16 + 2 * 72, "no partial entry left");
	is_int(write_seq(f, 8, 2, NULL), 0, "retry works");
	{
		const unsigned s[] = { 0, 1, 2 };

		check_generation(dir, "idx_0", "idx_0.idx", 8, s, 3);
	}
	stream_file_close(f);
	close(dir);
}

static void test_creation_safety(void)
{
	int dir = make_dir("safety");
	int err = 0, fd;
	struct stream_file *f;
	char target[512];

	snprintf(target, sizeof(target), "%s/safety/target", root);
	fd = open(target, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || write(fd, "precious", 8) != 8)
		bail_out("target");
	close(fd);

	if (symlinkat(target, dir, "link_0") < 0)
		bail_out("symlink");
	f = stream_file_open(dir, "link_0", 0, 0, (uid_t) -1, (gid_t) -1, false, &err);
	ok(!f && err == -ELOOP, "a symbolic link is not followed (err %d)", err);
	stream_file_close(f);
	is_int(file_size(dir, "target"), 8, "link target untouched");

	if (linkat(dir, "target", dir, "hard_0", 0) < 0)
		bail_out("link");
	f = stream_file_open(dir, "hard_0", 0, 0, (uid_t) -1, (gid_t) -1, false, &err);
	ok(!f && err == -EPERM, "a file with two links is not truncated (err %d)", err);
	stream_file_close(f);
	is_int(file_size(dir, "target"), 8, "hard-link target untouched");

	if (mkdirat(dir, "adir_0", 0755) < 0)
		bail_out("mkdir");
	f = stream_file_open(dir, "adir_0", 0, 0, (uid_t) -1, (gid_t) -1, false, &err);
	ok(!f && err < 0, "a directory in the way is an error (err %d)", err);

	if (mkfifoat(dir, "fifo_0", 0600) < 0)
		bail_out("mkfifo");
	f = stream_file_open(dir, "fifo_0", 0, 0, (uid_t) -1, (gid_t) -1, false, &err);
	ok(!f && err < 0, "a FIFO in the way is refused without blocking (err %d)", err);

	{
		int sub = make_dir("safety-index");

		if (symlinkat(root, sub, "index") < 0)
			bail_out("symlink index");
		f = stream_file_open(sub, "c_0", 0, 0, (uid_t) -1, (gid_t) -1, true, &err);
		ok(!f && (err == -ENOTDIR || err == -ELOOP), "an index/ symlink is not followed (err %d)",
		   err);
		stream_file_close(f);
		close(sub);
	}

	/* Existing file of ours: truncated, mode kept (O_TRUNC on an existing file). */
	fd = openat(dir, "mine_0", O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, "old", 3) != 3)
		bail_out("mine");
	close(fd);
	f = stream_file_open(dir, "mine_0", 0, 0, (uid_t) -1, (gid_t) -1, false, &err);
	isnt_ptr_null(f, "an existing file of ours is reused");
	is_int(file_size(dir, "mine_0"), 0, "and truncated");
	is_int(file_mode(dir, "mine_0"), 0600, "its mode is left alone");
	stream_file_close(f);

	/* Names. */
	f = stream_file_open(dir, "", 0, 0, (uid_t) -1, (gid_t) -1, false, &err);
	ok(!f && err == -EINVAL, "empty name refused");
	f = stream_file_open(dir, "a/b", 0, 0, (uid_t) -1, (gid_t) -1, false, &err);
	ok(!f && err == -EINVAL, "name with a slash refused");
	f = stream_file_open(dir, "..", 0, 0, (uid_t) -1, (gid_t) -1, false, &err);
	ok(!f && err == -EINVAL, "\"..\" refused");
	{
		char longname[300];

		memset(longname, 'x', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		f = stream_file_open(dir, longname, 0, 0, (uid_t) -1, (gid_t) -1, false, &err);
		ok(!f && err == -ENAMETOOLONG, "over-long name refused");
	}
	close(dir);
}

static void test_ownership(void)
{
	int dir = make_dir("owner");
	int err = 0;
	struct stream_file *f;
	struct metadata_file *m;
	struct stat st;
	const uint8_t uuid[16] = { 0 };

	if (geteuid() != 0) {
		skip(6, "ownership: files made for another user need root");
		close(dir);
		return;
	}
	f = stream_file_open(dir, "own_0", 4096, 0, 4321, 8765, true, &err);
	isnt_ptr_null(f, "open as root for uid 4321 gid 8765");
	ok(fstatat(dir, "own_0_0", &st, 0) == 0 && st.st_uid == 4321 && st.st_gid == 8765,
	   "stream file owned by 4321:8765");
	ok(fstatat(dir, "index", &st, 0) == 0 && st.st_uid == 4321 && st.st_gid == 8765,
	   "index dir owned by 4321:8765");
	write_seq(f, 4096, 0, NULL);
	write_seq(f, 4096, 1, NULL); /* rolls over to _1 */
	ok(fstatat(dir, "index/own_0_1.idx", &st, 0) == 0 && st.st_uid == 4321 &&
		   st.st_gid == 8765,
	   "rolled index file owned by 4321:8765");
	stream_file_close(f);
	/* Reopening files the session's user owns is allowed. */
	f = stream_file_open(dir, "own_0", 4096, 0, 4321, 8765, true, &err);
	isnt_ptr_null(f, "reopen files owned by the session user");
	stream_file_close(f);
	m = metadata_file_open(dir, uuid, 4321, 8765, &err);
	ok(m && fstatat(dir, "metadata", &st, 0) == 0 && st.st_uid == 4321 &&
		   st.st_gid == 8765 && (st.st_mode & 07777) == 0660,
	   "metadata owned by 4321:8765, mode 0660");
	metadata_file_close(m);
	close(dir);
}

/* ---- metadata ---- */

static void expected_meta_header(uint8_t out[37], const uint8_t uuid[16], uint32_t content)
{
	le32_at(out, 0x75D11D57u); /* host order; the tests run little-endian */
	memcpy(out + 4, uuid, 16);
	le32_at(out + 20, 0);
	le32_at(out + 24, content * 8);
	le32_at(out + 28, 4096 * 8);
	out[32] = out[33] = out[34] = 0;
	out[35] = 1;
	out[36] = 8;
}

/* Checks that the metadata file is exactly the given chunks, one packet each. */
static void check_metadata(int dir, const uint8_t uuid[16], const char *text,
			   const size_t *chunks, size_t n, const char *what)
{
	size_t len;
	_cleanup_free_ uint8_t *got = slurp(dir, "metadata", &len);
	_cleanup_free_ uint8_t *want = calloc(n ? n : 1, 4096);

	for (size_t k = 0; k < n; k++) {
		expected_meta_header(want + 4096 * k, uuid, (uint32_t) (37 + chunks[k]));
		memcpy(want + 4096 * k + 37, text, chunks[k]);
		text += chunks[k];
	}
	is_mem(got, len, want, 4096 * n, "%s: %zu packet(s), header, text, zero padding", what,
	       n);
}

static void test_metadata(void)
{
	int dir = make_dir("meta");
	int err = 0;
	const uint8_t uuid[16] = { 0xf9, 0x0c, 0xae, 0x94, 0x19, 0xed, 0x46, 0x78,
				   0x93, 0x8b, 0xac, 0x8b, 0x6a, 0xdc, 0xa8, 0x4c };
	struct metadata_file *m;
	struct rlimit saved, lim;
	char *text = malloc(20000);
	uint8_t hdr[37], want_hdr[37];

	if (!text)
		bail_out("out of memory");
	for (size_t i = 0; i < 20000; i++)
		text[i] = (char) ('a' + i % 26);

	metadata_packet_header_encode(hdr, uuid, 137, 4096);
	expected_meta_header(want_hdr, uuid, 137);
	is_mem(hdr, sizeof(hdr), want_hdr, sizeof(want_hdr), "metadata packet header bytes");
	{
		const uint8_t lit[8] = { 0x57, 0x1d, 0xd1, 0x75, 0xf9, 0x0c, 0xae, 0x94 };

		is_mem(hdr, 8, lit, 8, "magic 0x75D11D57 in host (little-endian) order, then uuid");
	}

	m = metadata_file_open(dir, uuid, (uid_t) -1, (gid_t) -1, &err);
	if (!isnt_ptr_null(m, "metadata file opened"))
		bail_out("cannot continue: %d", err);
	is_int(file_size(dir, "metadata"), 0, "empty at first");
	is_int(file_mode(dir, "metadata"), 0660, "mode 0660");
	ok(!exists(dir, "index"), "no index for metadata");
	is_int(metadata_file_append(m, text, 0), 0, "empty append");
	is_int(file_size(dir, "metadata"), 0, "writes nothing");

	/* One big push: first packet 4059 bytes of text, then 4056 per packet. */
	is_int(metadata_file_append(m, text, 10000), 0, "append 10000 bytes");
	{
		const size_t chunks[] = { 4059, 4056, 10000 - 4059 - 4056 };

		check_metadata(dir, uuid, text, chunks, 3, "10000 bytes");
	}
	is_uint(metadata_file_size(m), 3 * 4096, "size 3 packets");

	/* A later small push gets its own packet. */
	is_int(metadata_file_append(m, text + 10000, 100), 0, "append 100 more bytes");
	{
		const size_t chunks[] = { 4059, 4056, 1885, 100 };

		check_metadata(dir, uuid, text, chunks, 4, "then 100 bytes");
	}

	/* Exactly one later packet's worth. */
	is_int(metadata_file_append(m, text + 10100, 4056), 0, "append 4056 bytes");
	is_uint(metadata_file_size(m), 5 * 4096, "exactly one more packet");

	is_int(metadata_file_truncate(m), 0, "truncate");
	is_int(file_size(dir, "metadata"), 0, "file emptied");
	is_uint(metadata_file_size(m), 0, "size 0");
	is_int(metadata_file_append(m, text, 5000), 0, "append after truncate");
	{
		const size_t chunks[] = { 4056, 944 };

		check_metadata(dir, uuid, text, chunks, 2, "after truncate: 4056-byte packets");
	}

	/* All or nothing. */
	signal(SIGXFSZ, SIG_IGN);
	if (getrlimit(RLIMIT_FSIZE, &saved) < 0)
		bail_out("getrlimit");
	lim = saved;
	lim.rlim_cur = 2 * 4096 + 4096 + 100;
	setrlimit(RLIMIT_FSIZE, &lim);
	err = metadata_file_append(m, text + 5000, 9000);
	setrlimit(RLIMIT_FSIZE, &saved);
	is_int(err, -EFBIG, "append crossing the file-size limit: -EFBIG");
	is_int(file_size(dir, "metadata"), 2 * 4096, "file back to its length before the call");
	is_int(metadata_file_append(m, text + 5000, 300), 0, "append works again");
	{
		const size_t chunks[] = { 4056, 944, 300 };

		check_metadata(dir, uuid, text, chunks, 3, "after a failed append");
	}
	metadata_file_close(m);

	/* Reopen: truncated, and the first packet holds 4059 bytes again. */
	m = metadata_file_open(dir, uuid, (uid_t) -1, (gid_t) -1, &err);
	isnt_ptr_null(m, "reopen");
	is_int(file_size(dir, "metadata"), 0, "reopen truncates");
	is_int(metadata_file_append(m, text, 4060), 0, "append 4060");
	{
		const size_t chunks[] = { 4059, 1 };

		check_metadata(dir, uuid, text, chunks, 2, "4060 bytes after reopen");
	}
	metadata_file_close(m);
	free(text);
	close(dir);
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* ---- tool modes, for consumer-files-roundtrip.sh ----
 *
 *   --copy-stream DST SRC BASE SIZE COUNT
 *	rewrites the packets of stream BASE of the channel directory SRC (as listed by
 *	its index files; BASE_<n> files when SIZE > 0) into DST through stream_file, in
 *	sequence-number order. Packets lost to a tracefile-count wrap in SRC are replaced
 *	by stand-ins of the same size so the rollovers happen where LTTng's did.
 *   --metadata-text DST SRCMETA TEXT     TEXT appended in one go (uuid from SRCMETA)
 *   --metadata-copy DST SRCMETA          each packet's text of SRCMETA appended alone
 *   --metadata-compare SRCMETA OURMETA   same headers and text, our padding zeros
 */

struct src_packet {
	uint8_t *data;
	size_t len;
	struct packet_info info;
};

static int cmp_seq(const void *a, const void *b)
{
	const struct src_packet *x = a, *y = b;

	return x->info.packet_seq_num < y->info.packet_seq_num ? -1
	       : x->info.packet_seq_num > y->info.packet_seq_num ? 1
								 : 0;
}

static int open_dir_or_die(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		exit(1);
	}
	return fd;
}

static int tool_copy_stream(const char *dst, const char *src, const char *base,
			    uint64_t size, uint64_t count)
{
	int src_fd = open_dir_or_die(src), dst_fd = open_dir_or_die(dst), err = 0;
	struct src_packet *pk = NULL;
	size_t npk = 0;
	struct stream_file *f;
	uint64_t lost = 0;

	for (uint64_t n = 0;; n++) {
		char name[300], idx_name[310];
		size_t dlen, ilen;
		uint8_t *data, *idx;
		uint32_t elen;

		if (size == 0 && n > 0)
			break;
		if (size > 0)
			snprintf(name, sizeof(name), "%s_%llu", base, (unsigned long long) n);
		else
			snprintf(name, sizeof(name), "%s", base);
		snprintf(idx_name, sizeof(idx_name), "index/%s.idx", name);
		data = slurp(src_fd, name, &dlen);
		if (!data)
			break;
		idx = slurp(src_fd, idx_name, &ilen);
		if (!idx || ctf_index_header_decode(idx, ilen, &elen) < 0) {
			fprintf(stderr, "%s: no usable index\n", idx_name);
			return 1;
		}
		for (size_t at = CTF_INDEX_HEADER_SIZE; at + elen <= ilen; at += elen) {
			struct src_packet *p;

			pk = realloc(pk, (npk + 1) * sizeof(*pk));
			if (!pk)
				bail_out("out of memory");
			p = &pk[npk++];
			ctf_index_entry_decode(idx + at, ilen - at, elen, &p->info);
			p->len = p->info.packet_size_bits / 8;
			if (p->info.offset_bytes > dlen || p->len > dlen - p->info.offset_bytes) {
				fprintf(stderr, "%s: entry beyond the file\n", idx_name);
				return 1;
			}
			p->data = malloc(p->len);
			if (!p->data)
				bail_out("out of memory");
			memcpy(p->data, data + p->info.offset_bytes, p->len);
		}
		free(data);
		free(idx);
	}
	if (npk == 0) {
		fprintf(stderr, "%s/%s: no packets\n", src, base);
		return 1;
	}
	qsort(pk, npk, sizeof(*pk), cmp_seq);
	if (size > 0 && pk[0].info.packet_seq_num != PACKET_INFO_UNKNOWN)
		lost = pk[0].info.packet_seq_num;

	f = stream_file_open(dst_fd, base, size, count, (uid_t) -1, (gid_t) -1, true, &err);
	if (!f) {
		fprintf(stderr, "stream_file_open %s: %s\n", base, strerror(-err));
		return 1;
	}
	for (uint64_t k = 0; k < lost; k++) {
		struct packet_info info = pk[0].info;

		info.packet_seq_num = k;
		err = stream_file_write_packet(f, pk[0].data, pk[0].len, &info);
		if (err < 0)
			break;
	}
	for (size_t k = 0; k < npk && err == 0; k++) {
		uint64_t want = pk[k].info.offset_bytes;

		err = stream_file_write_packet(f, pk[k].data, pk[k].len, &pk[k].info);
		if (err == 0 && pk[k].info.offset_bytes != want) {
			fprintf(stderr, "%s: packet %zu at %llu, LTTng had it at %llu\n", base, k,
				(unsigned long long) pk[k].info.offset_bytes,
				(unsigned long long) want);
			err = -EPROTO;
		}
	}
	stream_file_close(f);
	for (size_t k = 0; k < npk; k++)
		free(pk[k].data);
	free(pk);
	close(src_fd);
	close(dst_fd);
	if (err < 0) {
		fprintf(stderr, "writing %s: %s\n", base, strerror(-err));
		return 1;
	}
	return 0;
}

/* Calls fn(text, len, ctx) for each packet of a metadata file; < 0 on a bad file. */
static int each_meta_packet(const uint8_t *d, size_t len,
			    int (*fn)(const uint8_t *pkt, uint32_t content, uint32_t packet, void *),
			    void *ctx)
{
	size_t off = 0;

	while (off < len) {
		uint32_t magic, content, packet;

		if (len - off < 37)
			return -1;
		memcpy(&magic, d + off, 4);
		memcpy(&content, d + off + 24, 4);
		memcpy(&packet, d + off + 28, 4);
		content /= 8;
		packet /= 8;
		if (magic != 0x75D11D57u || content < 37 || packet < content ||
		    packet > len - off)
			return -1;
		if (fn(d + off, content, packet, ctx) < 0)
			return -1;
		off += packet;
	}
	return 0;
}

static int push_one(const uint8_t *pkt, uint32_t content, uint32_t packet, void *ctx)
{
	int ret = metadata_file_append(ctx, (const char *) pkt + 37, content - 37);

	if (ret < 0)
		fprintf(stderr, "metadata_file_append: %s\n", strerror(-ret));
	return ret;
}

static int tool_metadata(const char *dst, const char *srcmeta, const char *textfile)
{
	size_t mlen, tlen = 0;
	_cleanup_free_ uint8_t *meta = slurp(AT_FDCWD, srcmeta, &mlen);
	_cleanup_free_ uint8_t *text = textfile ? slurp(AT_FDCWD, textfile, &tlen) : NULL;
	int dst_fd = open_dir_or_die(dst), err = 0, ret;
	struct metadata_file *m;

	if (!meta || mlen < 37 || (textfile && !text)) {
		fprintf(stderr, "cannot read %s\n", !meta || mlen < 37 ? srcmeta : textfile);
		return 1;
	}
	m = metadata_file_open(dst_fd, meta + 4, (uid_t) -1, (gid_t) -1, &err);
	if (!m) {
		fprintf(stderr, "metadata_file_open: %s\n", strerror(-err));
		return 1;
	}
	if (text)
		ret = metadata_file_append(m, (const char *) text, tlen);
	else
		ret = each_meta_packet(meta, mlen, push_one, m);
	metadata_file_close(m);
	close(dst_fd);
	if (ret < 0) {
		fprintf(stderr, "writing metadata failed\n");
		return 1;
	}
	return 0;
}

struct meta_cursor {
	const uint8_t *ours;
	size_t len, off;
	size_t packets;
};

static int compare_one(const uint8_t *pkt, uint32_t content, uint32_t packet, void *ctx)
{
	struct meta_cursor *c = ctx;
	const uint8_t *o = c->ours + c->off;

	if (c->len - c->off < packet || memcmp(o, pkt, content) != 0) {
		fprintf(stderr, "metadata packet %zu: header or text differs\n", c->packets);
		return -1;
	}
	for (uint32_t i = content; i < packet; i++) {
		if (o[i] != 0) {
			fprintf(stderr, "metadata packet %zu: padding not zero\n", c->packets);
			return -1;
		}
	}
	c->off += packet;
	c->packets++;
	return 0;
}

static int tool_metadata_compare(const char *real, const char *ours)
{
	size_t rlen, olen;
	_cleanup_free_ uint8_t *r = slurp(AT_FDCWD, real, &rlen);
	_cleanup_free_ uint8_t *o = slurp(AT_FDCWD, ours, &olen);
	struct meta_cursor c = { .ours = o, .len = olen };

	if (!r || !o || each_meta_packet(r, rlen, compare_one, &c) < 0 || c.off != olen) {
		fprintf(stderr, "metadata files differ (%zu vs %zu bytes)\n", rlen, olen);
		return 1;
	}
	printf("metadata: %zu packets, same headers and text, zero padding\n", c.packets);
	return 0;
}

static int tool_main(int argc, char **argv)
{
	if (argc == 7 && strcmp(argv[1], "--copy-stream") == 0)
		return tool_copy_stream(argv[2], argv[3], argv[4], strtoull(argv[5], NULL, 10),
					strtoull(argv[6], NULL, 10));
	if (argc == 5 && strcmp(argv[1], "--metadata-text") == 0)
		return tool_metadata(argv[2], argv[3], argv[4]);
	if (argc == 4 && strcmp(argv[1], "--metadata-copy") == 0)
		return tool_metadata(argv[2], argv[3], NULL);
	if (argc == 4 && strcmp(argv[1], "--metadata-compare") == 0)
		return tool_metadata_compare(argv[2], argv[3]);
	fprintf(stderr, "usage: see the comment above tool_main() in %s\n", __FILE__);
	return 2;
}


/* Packing mode: small appends share a packet; the content size grows with them. */
static void test_metadata_packing(void)
{
	int dir = make_dir("meta-packed");
	const uint8_t uuid[16] = { 1, 2, 3 };
	struct metadata_file *m = metadata_file_open(dir, uuid, (uid_t) -1, (gid_t) -1, NULL);
	char big[6000];
	uint8_t *data;
	size_t len = 0;
	uint32_t content_bits;

	if (!isnt_ptr_null(m, "packed metadata file opened"))
		return;
	metadata_file_set_packing(m, true);
	is_int(metadata_file_append(m, "abc", 3), 0, "first append");
	is_int(metadata_file_append(m, "defg", 4), 0, "second append");
	is_int(file_size(dir, "metadata"), 4096, "both in one packet");
	data = slurp(dir, "metadata", &len);
	memcpy(&content_bits, data + 24, 4);
	is_uint(content_bits, (37 + 7) * 8, "content size covers both appends");
	is_mem(data + 37, 7, "abcdefg", 7, "text in order, after the header");
	free(data);
	memset(big, 'x', sizeof(big));
	is_int(metadata_file_append(m, big, sizeof(big)), 0, "append larger than the free space");
	is_int(file_size(dir, "metadata"), 2 * 4096, "last packet filled, the rest in a new packet");
	data = slurp(dir, "metadata", &len);
	memcpy(&content_bits, data + 24, 4);
	is_uint(content_bits, 4096 * 8, "first packet now full");
	memcpy(&content_bits, data + 4096 + 24, 4);
	is_uint(content_bits, (37 + 6000 - (4096 - 44)) * 8, "second packet holds the rest");
	free(data);
	is_int(metadata_file_truncate(m), 0, "truncate");
	is_int(metadata_file_append(m, "z", 1), 0, "append after truncate");
	is_int(file_size(dir, "metadata"), 4096, "a fresh packet");
	metadata_file_close(m);
	close(dir);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return tool_main(argc, argv);
	if (!mkdtemp(root))
		bail_out("mkdtemp: %s", strerror(errno));
	test_index_encoding();
	test_plain_stream();
	test_rollover();
	test_write_errors();
	test_creation_safety();
	test_ownership();
	test_metadata();
	test_metadata_packing();
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return exit_status();
}
