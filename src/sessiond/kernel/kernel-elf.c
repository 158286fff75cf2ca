/* SPDX-License-Identifier: GPL-2.0-only */
/* Userspace probe offsets in ELF files, through libelf (kernel-elf.h). Blocking:
 * worker threads only. */
#include <errno.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel/kernel-elf.h"

/* The largest section read whole (symbol, string and note tables): big enough for
 * the symbol table of any real program, small enough that a client's file cannot
 * make the daemon allocate without bound (LTTng 2.13 stops at 512 MiB). */
#define KELF_MAX_SECTION_SIZE ((uint64_t) 256 << 20)

/* sys/sdt.h: notes named "stapsdt", of type 3, in section .note.stapsdt. */
#define SDT_NOTE_SECTION ".note.stapsdt"
#define SDT_BASE_SECTION ".stapsdt.base"
#define SDT_NOTE_NAME "stapsdt"
#define SDT_NOTE_TYPE 3

/* More program headers than any real file has (they are a handful). */
#define KELF_MAX_PHNUM 4096

struct kelf {
	Elf *elf;
	int class; /* ELFCLASS32 or ELFCLASS64 */
	uint64_t file_size;
	size_t shnum, shstrndx, phnum;
};

/* The (class, machine) pairs whose code this machine's uprobes can run. */
static bool machine_supported(int class, unsigned machine)
{
#if defined(__x86_64__)
	return (class == ELFCLASS64 && machine == EM_X86_64) ||
	       (class == ELFCLASS32 && (machine == EM_386 || machine == EM_X86_64));
#elif defined(__i386__)
	return class == ELFCLASS32 && machine == EM_386;
#elif defined(__aarch64__)
	return (class == ELFCLASS64 && machine == EM_AARCH64) ||
	       (class == ELFCLASS32 && machine == EM_ARM);
#elif defined(__arm__)
	return class == ELFCLASS32 && machine == EM_ARM;
#else
	(void) class;
	(void) machine;
	return true; /* no table for this machine: the class and byte order checks only */
#endif
}

/* The identification bytes, read before libelf sees the file, so that a file that
 * is not ELF (or is big-endian, or of no known class) is told apart from an I/O
 * error. */
static int check_ident(int fd)
{
	unsigned char ident[EI_NIDENT];
	ssize_t n;

	do
		n = pread(fd, ident, sizeof(ident), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if ((size_t) n < sizeof(ident) || memcmp(ident, ELFMAG, SELFMAG) != 0 ||
	    (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64) ||
	    ident[EI_DATA] != ELFDATA2LSB || ident[EI_VERSION] != EV_CURRENT)
		return -ENOEXEC;
	return 0;
}

/* Whether a table of count entries of entsize bytes at offset lies in the file. */
static bool table_in_file(const struct kelf *k, uint64_t offset, uint64_t count, uint64_t entsize)
{
	return offset <= k->file_size &&
	       (entsize == 0 || count <= (k->file_size - offset) / entsize);
}

static void kelf_close(struct kelf *k)
{
	if (k->elf)
		elf_end(k->elf);
	k->elf = NULL;
}

static int kelf_open(int fd, struct kelf *k)
{
	GElf_Ehdr ehdr;
	struct stat st;
	int r;

	*k = (struct kelf){ 0 };
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return -ENOEXEC; /* as LTTng: regular files only */
	k->file_size = (uint64_t) st.st_size;
	r = check_ident(fd);
	if (r < 0)
		return r;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOEXEC;
	/* ELF_C_READ: libelf reads what it needs with pread (no mmap, no seek). */
	k->elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!k->elf)
		return -ENOEXEC;
	if (elf_kind(k->elf) != ELF_K_ELF || !gelf_getehdr(k->elf, &ehdr))
		goto malformed;
	k->class = gelf_getclass(k->elf);
	if ((ehdr.e_type != ET_EXEC && ehdr.e_type != ET_DYN) ||
	    !machine_supported(k->class, ehdr.e_machine))
		goto malformed;
	if (elf_getshdrnum(k->elf, &k->shnum) < 0 || elf_getphdrnum(k->elf, &k->phnum) < 0 ||
	    k->phnum > KELF_MAX_PHNUM)
		goto malformed;
	/* libelf reads a section header table cut short by the end of the file as
	 * none at all: that is a truncated file, not one without sections. */
	if (ehdr.e_shoff != 0 && k->shnum == 0)
		goto malformed;
	if (k->shnum > 0 &&
	    (ehdr.e_shentsize != gelf_fsize(k->elf, ELF_T_SHDR, 1, EV_CURRENT) ||
	     !table_in_file(k, ehdr.e_shoff, k->shnum, ehdr.e_shentsize) ||
	     elf_getshdrstrndx(k->elf, &k->shstrndx) < 0 || k->shstrndx >= k->shnum))
		goto malformed;
	if (k->phnum > 0 &&
	    (ehdr.e_phentsize != gelf_fsize(k->elf, ELF_T_PHDR, 1, EV_CURRENT) ||
	     !table_in_file(k, ehdr.e_phoff, k->phnum, ehdr.e_phentsize)))
		goto malformed;
	return 0;

malformed:
	kelf_close(k);
	return -ENOEXEC;
}

/* Whether section index's data may be read whole (string tables for elf_strptr). */
static bool section_size_ok(const struct kelf *k, size_t index)
{
	Elf_Scn *scn = elf_getscn(k->elf, index);
	GElf_Shdr shdr;

	return scn && gelf_getshdr(scn, &shdr) && shdr.sh_size <= KELF_MAX_SECTION_SIZE;
}

/* The data of a section (its size checked first); libelf refuses data that lies
 * past the end of the file. */
static int section_data(Elf_Scn *scn, const GElf_Shdr *shdr, Elf_Data **ret_data)
{
	Elf_Data *data;

	if (shdr->sh_size > KELF_MAX_SECTION_SIZE)
		return -EFBIG;
	data = elf_getdata(scn, NULL);
	if (!data || (data->d_size > 0 && !data->d_buf))
		return -ENOEXEC;
	*ret_data = data;
	return 0;
}

/* The name of a section, or NULL when it has none we can read. */
static const char *section_name(const struct kelf *k, const GElf_Shdr *shdr)
{
	if (!section_size_ok(k, k->shstrndx))
		return NULL;
	return elf_strptr(k->elf, k->shstrndx, shdr->sh_name);
}

/*
 * A virtual address of code as a file offset: the address less the virtual address
 * of the loadable segment whose file bytes hold it, plus that segment's file offset
 * (what the loader maps: the offset uprobes are given). Only an executable segment
 * holds probe points.
 */
static int vaddr_to_offset(const struct kelf *k, uint64_t addr, uint64_t *ret_offset)
{
	for (size_t i = 0; i < k->phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(k->elf, (int) i, &ph))
			return -ENOEXEC;
		if (ph.p_type != PT_LOAD || addr < ph.p_vaddr || addr - ph.p_vaddr >= ph.p_filesz)
			continue;
		if (!(ph.p_flags & PF_X) || !table_in_file(k, ph.p_offset, ph.p_filesz, 1))
			return -ENOEXEC;
		*ret_offset = ph.p_offset + (addr - ph.p_vaddr);
		return 0;
	}
	return -ENOEXEC;
}

/* The address of the first defined function symbol `name` in the symbol tables of
 * type sh_type (SHT_SYMTAB or SHT_DYNSYM). */
static int find_function(const struct kelf *k, uint32_t sh_type, const char *name,
			 uint64_t *ret_addr)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(k->elf, scn))) {
		GElf_Shdr shdr;
		size_t count, entsize = gelf_fsize(k->elf, ELF_T_SYM, 1, EV_CURRENT);
		Elf_Data *data;
		int r;

		if (!gelf_getshdr(scn, &shdr))
			return -ENOEXEC;
		if (shdr.sh_type != sh_type)
			continue;
		if (shdr.sh_link >= k->shnum || !section_size_ok(k, shdr.sh_link))
			return -ENOEXEC;
		r = section_data(scn, &shdr, &data);
		if (r < 0)
			return r;
		if (entsize == 0)
			return -ENOEXEC;
		count = data->d_size / entsize;
		/* Entry 0 is the undefined symbol. gelf_getsym checks the index. */
		for (size_t i = 1; i < count; i++) {
			const char *sym_name;
			GElf_Sym sym;

			if (!gelf_getsym(data, (int) i, &sym))
				return -ENOEXEC;
			if (GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
			    sym.st_name == 0)
				continue;
			/* elf_strptr checks the offset and the string's end against its
			 * section. */
			sym_name = elf_strptr(k->elf, shdr.sh_link, sym.st_name);
			if (sym_name && strcmp(sym_name, name) == 0) {
				*ret_addr = sym.st_value;
				return 0;
			}
		}
	}
	return -ENOENT;
}

int kernel_elf_function_offset(int fd, const char *name, uint64_t *ret_offset)
{
	struct kelf k;
	uint64_t addr = 0;
	int r;

	if (fd < 0 || !name || !*name || !ret_offset)
		return -EINVAL;
	r = kelf_open(fd, &k);
	if (r < 0)
		return r;
	/* .symtab holds every symbol of .dynsym unless it was stripped; .dynsym is
	 * searched too, for files whose .symtab was cut down. */
	r = find_function(&k, SHT_SYMTAB, name, &addr);
	if (r == -ENOENT)
		r = find_function(&k, SHT_DYNSYM, name, &addr);
	if (r == 0)
		r = vaddr_to_offset(&k, addr, ret_offset);
	kelf_close(&k);
	return r;
}

/* An address field of an SDT note: 4 or 8 bytes, little-endian (checked at open). */
static uint64_t read_address(const unsigned char *p, size_t size)
{
	uint64_t v = 0;

	for (size_t i = size; i > 0; i--)
		v = (v << 8) | p[i - 1];
	return v;
}

/* The address of section .stapsdt.base, which sys/sdt.h's notes record as their
 * base when linked: when the section has moved since (prelink), the probe
 * addresses move with it. */
static bool find_sdt_base(const struct kelf *k, uint64_t *ret_addr)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(k->elf, scn))) {
		GElf_Shdr shdr;
		const char *sname;

		if (!gelf_getshdr(scn, &shdr))
			return false;
		sname = section_name(k, &shdr);
		if (sname && strcmp(sname, SDT_BASE_SECTION) == 0) {
			*ret_addr = shdr.sh_addr;
			return true;
		}
	}
	return false;
}

struct sdt_query {
	const char *provider, *name;
	uint64_t *offsets;
	size_t max, count;
	bool has_base;
	uint64_t base_addr;
};

/*
 * One note of .note.stapsdt: if it is a probe of q, its offset is added. The
 * descriptor is three addresses of the file's class (probe point, link-time
 * .stapsdt.base, semaphore) then the provider, name and argument strings.
 */
static int sdt_note(const struct kelf *k, struct sdt_query *q, const GElf_Nhdr *nh,
		    const unsigned char *note_name, const unsigned char *desc)
{
	const size_t asize = k->class == ELFCLASS64 ? 8 : 4;
	const unsigned char *strings, *end, *provider_end, *name_end;
	uint64_t pc, base, offset;
	int r;

	if (nh->n_type != SDT_NOTE_TYPE || nh->n_namesz != sizeof(SDT_NOTE_NAME) ||
	    memcmp(note_name, SDT_NOTE_NAME, sizeof(SDT_NOTE_NAME)) != 0)
		return 0;
	if (nh->n_descsz < 3 * asize + 2)
		return -ENOEXEC;
	strings = desc + 3 * asize;
	end = desc + nh->n_descsz;
	provider_end = memchr(strings, '\0', (size_t) (end - strings));
	if (!provider_end)
		return -ENOEXEC;
	name_end = memchr(provider_end + 1, '\0', (size_t) (end - provider_end - 1));
	if (!name_end)
		return -ENOEXEC;
	if (strcmp((const char *) strings, q->provider) != 0 ||
	    strcmp((const char *) provider_end + 1, q->name) != 0)
		return 0;
	if (read_address(desc + 2 * asize, asize) != 0)
		return -EPERM; /* guarded by a semaphore: LTTng refuses it */
	pc = read_address(desc, asize);
	base = read_address(desc + asize, asize);
	if (base != 0 && q->has_base) {
		pc += q->base_addr - base;
		if (asize == 4)
			pc &= UINT32_MAX;
	}
	r = vaddr_to_offset(k, pc, &offset);
	if (r < 0)
		return r;
	if (q->count < q->max)
		q->offsets[q->count] = offset;
	q->count++;
	return 0;
}

static int sdt_section(const struct kelf *k, struct sdt_query *q, Elf_Scn *scn,
		       const GElf_Shdr *shdr)
{
	size_t next, pos = 0, name_off, desc_off;
	Elf_Data *data;
	GElf_Nhdr nh;
	int r;

	r = section_data(scn, shdr, &data);
	if (r < 0)
		return r;
	/* gelf_getnote checks each note's header, name and descriptor against the
	 * section's data; 0 is the end, or a note that does not fit. */
	while (pos < data->d_size &&
	       (next = gelf_getnote(data, pos, &nh, &name_off, &desc_off)) > 0) {
		r = sdt_note(k, q, &nh, (const unsigned char *) data->d_buf + name_off,
			     (const unsigned char *) data->d_buf + desc_off);
		if (r < 0)
			return r;
		pos = next;
	}
	return pos < data->d_size ? -ENOEXEC : 0;
}

int kernel_elf_sdt_offsets(int fd, const char *provider, const char *name,
			   uint64_t *ret_offsets, size_t max, size_t *ret_count)
{
	struct sdt_query q = { .provider = provider, .name = name, .offsets = ret_offsets,
			       .max = max };
	Elf_Scn *scn = NULL;
	struct kelf k;
	int r;

	if (fd < 0 || !provider || !*provider || !name || !*name || (max && !ret_offsets) ||
	    !ret_count)
		return -EINVAL;
	*ret_count = 0;
	r = kelf_open(fd, &k);
	if (r < 0)
		return r;
	q.has_base = find_sdt_base(&k, &q.base_addr);
	while (r == 0 && (scn = elf_nextscn(k.elf, scn))) {
		GElf_Shdr shdr;
		const char *sname;

		if (!gelf_getshdr(scn, &shdr)) {
			r = -ENOEXEC;
			break;
		}
		if (shdr.sh_type != SHT_NOTE)
			continue;
		sname = section_name(&k, &shdr);
		if (sname && strcmp(sname, SDT_NOTE_SECTION) == 0)
			r = sdt_section(&k, &q, scn, &shdr);
	}
	kelf_close(&k);
	if (r < 0)
		return r;
	if (q.count == 0)
		return -ENOENT;
	*ret_count = q.count;
	return q.count > max ? -E2BIG : 0;
}
