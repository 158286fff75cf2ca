/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace probe offsets (src/sessiond/kernel/kernel-elf.c) against what binutils'
 * readelf says of the fixture program (elf-fixture.c, path in $ELF_FIXTURE, its
 * i386 build in $ELF_FIXTURE32 when there is one), and against where the loader
 * really mapped the fixture's function (elf-fixture --where).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/kernel-elf.h"

#include "tap.h"

#define MAX_LOADS 32
#define MAX_NOTES 64

/* What readelf says of a file. */
struct load {
	uint64_t offset, vaddr, filesz;
};

struct sdt_fact {
	char provider[64], name[64];
	uint64_t location, base, semaphore;
};

struct facts {
	struct load loads[MAX_LOADS];
	size_t nloads;
	bool has_base;
	uint64_t base_addr; /* of section .stapsdt.base */
	unsigned base_index; /* its section index */
	uint64_t shoff, shentsize; /* of the section header table */
	struct sdt_fact notes[MAX_NOTES];
	size_t nnotes;
};

static FILE *run_readelf(const char *opts, const char *path)
{
	char cmd[4200];

	if (strchr(path, '\''))
		return NULL;
	snprintf(cmd, sizeof(cmd), "readelf -W %s '%s' 2>/dev/null", opts, path);
	return popen(cmd, "r");
}

/* Program headers: "  LOAD  0xOFF 0xVADDR 0xPADDR 0xFILESZ 0xMEMSZ FLAGS 0xALIGN". */
static bool read_loads(const char *path, struct facts *f)
{
	FILE *p = run_readelf("-l", path);
	char line[512];

	if (!p)
		return false;
	while (fgets(line, sizeof(line), p)) {
		uint64_t off, vaddr, paddr, filesz;

		if (sscanf(line, " LOAD %" SCNx64 " %" SCNx64 " %" SCNx64 " %" SCNx64, &off, &vaddr,
			   &paddr, &filesz) == 4 &&
		    f->nloads < MAX_LOADS)
			f->loads[f->nloads++] = (struct load){ off, vaddr, filesz };
	}
	return pclose(p) == 0 && f->nloads > 0;
}

/* Section headers: "  [17] .stapsdt.base  PROGBITS  ADDR OFF SIZE ...". */
static void read_sdt_base(const char *path, struct facts *f)
{
	FILE *p = run_readelf("-S", path);
	char line[512];

	if (!p)
		return;
	while (fgets(line, sizeof(line), p)) {
		char *s = strstr(line, " .stapsdt.base "), *bracket = strchr(line, '[');

		if (s && bracket &&
		    sscanf(s + strlen(" .stapsdt.base "), "%*s %" SCNx64, &f->base_addr) == 1) {
			f->base_index = (unsigned) strtoul(bracket + 1, NULL, 10);
			f->has_base = true;
		}
	}
	pclose(p);
	p = run_readelf("-h", path);
	if (!p)
		return;
	while (fgets(line, sizeof(line), p)) {
		sscanf(line, " Start of section headers: %" SCNu64, &f->shoff);
		sscanf(line, " Size of section headers: %" SCNu64, &f->shentsize);
	}
	pclose(p);
}

/* Notes: "stapsdt 0x... NT_STAPSDT (...) Provider: P", "Name: N",
 * "Location: 0x..., Base: 0x..., Semaphore: 0x...". */
static void read_sdt_notes(const char *path, struct facts *f)
{
	FILE *p = run_readelf("-n", path);
	struct sdt_fact cur = { 0 };
	char line[512];

	if (!p)
		return;
	while (fgets(line, sizeof(line), p)) {
		char *s;

		if ((s = strstr(line, "Provider: ")))
			sscanf(s + 10, "%63s", cur.provider);
		else if ((s = strstr(line, "Name: ")))
			sscanf(s + 6, "%63s", cur.name);
		else if ((s = strstr(line, "Location: ")) &&
			 sscanf(s, "Location: %" SCNx64 ", Base: %" SCNx64 ", Semaphore: %" SCNx64,
				&cur.location, &cur.base, &cur.semaphore) == 3 &&
			 f->nnotes < MAX_NOTES)
			f->notes[f->nnotes++] = cur;
	}
	pclose(p);
}

/* The value of the first defined FUNC symbol `name`:
 * "   Num: Value Size Type Bind Vis Ndx Name". */
static bool readelf_function(const char *path, const char *name, uint64_t *value)
{
	FILE *p = run_readelf("-s", path);
	char line[512];
	bool found = false;

	if (!p)
		return false;
	while (fgets(line, sizeof(line), p)) {
		char type[32], ndx[32], sym[256];
		uint64_t v;

		if (!found &&
		    sscanf(line, " %*u: %" SCNx64 " %*s %31s %*s %*s %31s %255s", &v, type, ndx,
			   sym) == 4 &&
		    strcmp(type, "FUNC") == 0 && strcmp(ndx, "UND") != 0 &&
		    strcmp(sym, name) == 0) {
			*value = v;
			found = true;
		}
	}
	pclose(p);
	return found;
}

/* The ELF rule, on readelf's numbers: the LOAD segment whose file bytes hold vaddr. */
static bool expected_offset(const struct facts *f, uint64_t vaddr, uint64_t *offset)
{
	for (size_t i = 0; i < f->nloads; i++)
		if (vaddr >= f->loads[i].vaddr && vaddr - f->loads[i].vaddr < f->loads[i].filesz) {
			*offset = f->loads[i].offset + (vaddr - f->loads[i].vaddr);
			return true;
		}
	return false;
}

/* The expected offsets of SDT probe provider:name (sorted), and whether one has a
 * semaphore. */
static size_t expected_sdt(const struct facts *f, const char *provider, const char *name,
			   uint64_t *out, size_t max, bool *guarded, bool is64)
{
	size_t n = 0;

	*guarded = false;
	for (size_t i = 0; i < f->nnotes; i++) {
		uint64_t pc = f->notes[i].location;

		if (strcmp(f->notes[i].provider, provider) != 0 ||
		    strcmp(f->notes[i].name, name) != 0)
			continue;
		if (f->notes[i].semaphore)
			*guarded = true;
		if (f->has_base && f->notes[i].base)
			pc += f->base_addr - f->notes[i].base;
		if (!is64)
			pc &= UINT32_MAX;
		if (n < max && expected_offset(f, pc, &out[n]))
			n++;
	}
	return n;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;

	return x < y ? -1 : x > y;
}

/* A memfd holding the first len bytes of path (all of them when len is SIZE_MAX). */
static int copy_prefix(const char *path, size_t len)
{
	int in = open(path, O_RDONLY | O_CLOEXEC), out = memfd_create("elf-copy", MFD_CLOEXEC);
	char buf[65536];
	size_t done = 0;

	if (in < 0 || out < 0)
		goto fail;
	while (done < len) {
		size_t want = len - done < sizeof(buf) ? len - done : sizeof(buf);
		ssize_t n = read(in, buf, want);

		if (n < 0)
			goto fail;
		if (n == 0)
			break;
		if (write(out, buf, (size_t) n) != n)
			goto fail;
		done += (size_t) n;
	}
	close(in);
	return out;
fail:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return -1;
}

/* The offset elf-fixture --where prints (the loader's mapping), or false. */
static bool loader_offset(const char *path, uint64_t *offset)
{
	char cmd[4200];
	FILE *p;
	bool got;

	if (strchr(path, '\''))
		return false;
	snprintf(cmd, sizeof(cmd), "'%s' --where 2>/dev/null", path);
	p = popen(cmd, "r");
	if (!p)
		return false;
	got = fscanf(p, "%" SCNu64, offset) == 1;
	return pclose(p) == 0 && got;
}

static void test_function(const char *path, const struct facts *f, const char *label)
{
	uint64_t value = 0, want = 0, got = 0, where = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	if (!readelf_function(path, "elf_fixture_target", &value) ||
	    !expected_offset(f, value, &want)) {
		fail("%s: readelf gives elf_fixture_target's address and segment", label);
		close(fd);
		return;
	}
	diag("%s: elf_fixture_target at 0x%" PRIx64 ", file offset 0x%" PRIx64, label, value,
	     want);
	ok(lseek(fd, 17, SEEK_SET) == 17, "%s: fd positioned", label);
	r = kernel_elf_function_offset(fd, "elf_fixture_target", &got);
	is_int(r, 0, "%s: elf_fixture_target found", label);
	is_hex(got, want, "%s: its file offset is readelf's address, converted", label);
	is_int(lseek(fd, 0, SEEK_CUR), 17, "%s: the fd's position is untouched", label);
	if (loader_offset(path, &where))
		is_hex(got, where, "%s: and where the loader mapped it", label);
	else
		skip(1, "%s cannot run here", label);

	is_int(kernel_elf_function_offset(fd, "elf_fixture_missing", &got), -ENOENT,
	       "%s: unknown function: -ENOENT", label);
	is_int(kernel_elf_function_offset(fd, "elf_fixture_guarded_semaphore", &got), -ENOENT,
	       "%s: a data symbol is no function: -ENOENT", label);
	is_int(kernel_elf_function_offset(fd, "elf_fixture_tar", &got), -ENOENT,
	       "%s: a prefix of a name is not the name", label);
	close(fd);
}

static void test_sdt(const char *path, const struct facts *f, bool is64, const char *label)
{
	uint64_t want[8], got[8];
	size_t nwant, count = 99;
	bool guarded;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int r;

	nwant = expected_sdt(f, "elf_fixture", "plain", want, 8, &guarded, is64);
	is_uint(nwant, 2, "%s: readelf lists elf_fixture:plain twice", label);
	ok(!guarded, "%s: without semaphore", label);
	r = kernel_elf_sdt_offsets(fd, "elf_fixture", "plain", got, 8, &count);
	is_int(r, 0, "%s: elf_fixture:plain found", label);
	is_uint(count, nwant, "%s: as many offsets as readelf has notes", label);
	if (r == 0 && count == nwant && nwant <= 8) {
		qsort(want, nwant, sizeof(want[0]), cmp_u64);
		qsort(got, count, sizeof(got[0]), cmp_u64);
		for (size_t i = 0; i < count; i++)
			is_hex(got[i], want[i], "%s: offset %zu is readelf's location, converted",
			       label, i);
#if defined(__x86_64__) || defined(__i386__)
		for (size_t i = 0; i < count; i++) {
			unsigned char insn = 0;

			ok(pread(fd, &insn, 1, (off_t) got[i]) == 1 && insn == 0x90,
			   "%s: the file has sys/sdt.h's nop at offset %zu", label, i);
		}
#endif
	} else {
		fail("%s: offsets not compared", label);
	}

	count = 99;
	r = kernel_elf_sdt_offsets(fd, "elf_fixture", "plain", got, 1, &count);
	is_int(r, -E2BIG, "%s: room for one offset of two: -E2BIG", label);
	is_uint(count, 2, "%s: and the count of them all", label);
	is_int(kernel_elf_sdt_offsets(fd, "elf_fixture", "plain", NULL, 0, &count), -E2BIG,
	       "%s: no room at all: -E2BIG", label);

	expected_sdt(f, "elf_fixture", "guarded", want, 8, &guarded, is64);
	ok(guarded, "%s: readelf shows elf_fixture:guarded's semaphore", label);
	is_int(kernel_elf_sdt_offsets(fd, "elf_fixture", "guarded", got, 8, &count), -EPERM,
	       "%s: a probe guarded by a semaphore: -EPERM", label);
	is_int(kernel_elf_sdt_offsets(fd, "elf_fixture", "nothing", got, 8, &count), -ENOENT,
	       "%s: unknown probe name: -ENOENT", label);
	is_int(kernel_elf_sdt_offsets(fd, "elf_fixturex", "plain", got, 8, &count), -ENOENT,
	       "%s: unknown provider: -ENOENT", label);
	close(fd);
}

/* A copy whose section .stapsdt.base has moved by one byte since it was linked
 * (as prelink moves sections): every probe moves with it. */
static void test_sdt_base_moved(const char *path, const struct facts *f, bool is64,
				const char *label)
{
	uint64_t before[4], after[4], moved = f->base_addr + 1;
	unsigned char addr[8];
	size_t n_before = 0, n_after = 0;
	int fd = copy_prefix(path, SIZE_MAX);
	const size_t asize = is64 ? 8 : 4;

	for (size_t i = 0; i < asize; i++)
		addr[i] = (unsigned char) (moved >> (8 * i));
	if (fd < 0 || !f->has_base || !f->shoff || !f->shentsize ||
	    kernel_elf_sdt_offsets(fd, "elf_fixture", "plain", before, 4, &n_before) != 0 ||
	    /* sh_addr: bytes 12-15 of an Elf32_Shdr, 16-23 of an Elf64_Shdr */
	    pwrite(fd, addr, asize,
		   (off_t) (f->shoff + f->base_index * f->shentsize + (is64 ? 16 : 12))) !=
		    (ssize_t) asize) {
		fail("%s: copy with .stapsdt.base moved", label);
		if (fd >= 0)
			close(fd);
		return;
	}
	is_int(kernel_elf_sdt_offsets(fd, "elf_fixture", "plain", after, 4, &n_after), 0,
	       "%s, .stapsdt.base moved: elf_fixture:plain found", label);
	is_uint(n_after, n_before, "%s, .stapsdt.base moved: as many offsets", label);
	qsort(before, n_before, sizeof(before[0]), cmp_u64);
	qsort(after, n_after, sizeof(after[0]), cmp_u64);
	for (size_t i = 0; i < n_before && i < n_after; i++)
		is_hex(after[i], before[i] + 1, "%s, .stapsdt.base moved: offset %zu moved too",
		       label, i);
	close(fd);
}

static void test_truncated(const char *path, const char *label)
{
	static const size_t cuts[] = { 0, 4, 40, 63 };
	struct stat st;
	uint64_t off, offs[4];
	size_t count;

	if (stat(path, &st) < 0) {
		fail("%s: stat", label);
		return;
	}
	for (size_t i = 0; i <= sizeof(cuts) / sizeof(cuts[0]); i++) {
		/* The last cut is half the file: the section headers, at its end, are gone. */
		size_t len = i < sizeof(cuts) / sizeof(cuts[0]) ? cuts[i] : (size_t) st.st_size / 2;
		int fd = copy_prefix(path, len);

		is_int(kernel_elf_function_offset(fd, "elf_fixture_target", &off), -ENOEXEC,
		       "%s cut to %zu bytes: function: -ENOEXEC", label, len);
		is_int(kernel_elf_sdt_offsets(fd, "elf_fixture", "plain", offs, 4, &count),
		       -ENOEXEC, "%s cut to %zu bytes: SDT: -ENOEXEC", label, len);
		if (fd >= 0)
			close(fd);
	}
}

static void test_fixture(const char *path, bool is64, const char *label)
{
	struct facts f = { 0 };

	if (!read_loads(path, &f)) {
		fail("readelf cannot read %s (binutils is a build dependency)", path);
		return;
	}
	read_sdt_base(path, &f);
	read_sdt_notes(path, &f);
	ok(f.has_base, "%s: readelf shows section .stapsdt.base", label);
	test_function(path, &f, label);
	test_sdt(path, &f, is64, label);
	test_sdt_base_moved(path, &f, is64, label);
	test_truncated(path, label);
}

/* A copy stripped of .symtab: the function is found in .dynsym (the fixture
 * exports its symbols). */
static void test_stripped(const char *path)
{
	char copy[] = "/tmp/test-kernel-elf-XXXXXX", cmd[4300];
	uint64_t a = 0, b = 0;
	int tmp = mkstemp(copy), fd;

	if (tmp < 0 || strchr(path, '\'')) {
		fail("no temporary file for the stripped copy");
		return;
	}
	close(tmp);
	snprintf(cmd, sizeof(cmd), "strip --strip-all -o '%s' '%s' 2>/dev/null", copy, path);
	if (system(cmd) != 0) {
		fail("strip failed (binutils is a build dependency)");
		unlink(copy);
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	is_int(kernel_elf_function_offset(fd, "elf_fixture_target", &a), 0, "unstripped");
	close(fd);
	fd = open(copy, O_RDONLY | O_CLOEXEC);
	is_int(kernel_elf_function_offset(fd, "elf_fixture_target", &b), 0,
	       "stripped copy: elf_fixture_target found (.dynsym)");
	is_hex(b, a, "stripped copy: same offset");
	close(fd);
	unlink(copy);
}

static void test_not_elf(void)
{
	uint64_t off, offs[2];
	size_t count;
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);

	is_int(kernel_elf_function_offset(fd, "main", &off), -ENOEXEC, "/etc/passwd: -ENOEXEC");
	is_int(kernel_elf_sdt_offsets(fd, "a", "b", offs, 2, &count), -ENOEXEC,
	       "/etc/passwd: SDT: -ENOEXEC");
	close(fd);
	fd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	is_int(kernel_elf_function_offset(fd, "main", &off), -ENOEXEC, "a directory: -ENOEXEC");
	close(fd);
	is_int(kernel_elf_function_offset(-1, "main", &off), -EINVAL, "no fd: -EINVAL");
	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	is_int(kernel_elf_function_offset(fd, "", &off), -EINVAL, "empty name: -EINVAL");
	is_int(kernel_elf_sdt_offsets(fd, "a", "b", NULL, 2, &count), -EINVAL,
	       "room for offsets but no array: -EINVAL");
	close(fd);
}

int main(void)
{
	const char *fixture = getenv("ELF_FIXTURE"), *fixture32 = getenv("ELF_FIXTURE32");

	if (!fixture) {
		printf("1..0 # SKIP ELF_FIXTURE not set (run through meson test)\n");
		return 0;
	}
	test_fixture(fixture, sizeof(void *) == 8, "fixture");
	if (fixture32)
		test_fixture(fixture32, false, "i386 fixture");
	else
		fail("no i386 fixture (gcc-multilib is a build dependency)");
	test_stripped(fixture);
	test_not_elf();
	done_testing();
	return exit_status();
}
