#include "insn.h"

#include <capstone/capstone.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_DECODE (1 << 20) /* bytes of a function decoded at most */
#define MAX_INSN 16	     /* bytes of an instruction at most (x86) */

struct elf_facts {
	int machine;   /* EM_* */
	uint64_t size; /* of the function, 0 when no symbol says */
};

/* The file offset of a symbol's address, through its section. */
static bool sym_file_offset(Elf *elf, const GElf_Sym *sym, uint64_t *off)
{
	Elf_Scn *scn = elf_getscn(elf, sym->st_shndx);
	GElf_Shdr sh;

	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx >= SHN_LORESERVE || !scn ||
	    !gelf_getshdr(scn, &sh) || sh.sh_type == SHT_NOBITS || sym->st_value < sh.sh_addr ||
	    sym->st_value - sh.sh_addr >= sh.sh_size)
		return false;
	*off = sym->st_value - sh.sh_addr + sh.sh_offset;
	return true;
}

/* The largest size a function symbol starting at file offset func_off has. */
static uint64_t func_size(Elf *elf, uint64_t func_off)
{
	Elf_Scn *scn = NULL;
	uint64_t size = 0;

	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (!gelf_getshdr(scn, &sh) ||
		    (sh.sh_type != SHT_SYMTAB && sh.sh_type != SHT_DYNSYM) || !sh.sh_entsize ||
		    !(data = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			uint64_t off;
			int type;

			if (!gelf_getsym(data, (int)i, &sym))
				break;
			type = GELF_ST_TYPE(sym.st_info);
			if ((type == STT_FUNC || type == STT_GNU_IFUNC) && sym.st_size > size &&
			    sym_file_offset(elf, &sym, &off) && off == func_off)
				size = sym.st_size;
		}
	}
	return size;
}

static int read_elf_facts(int fd, const char *path, uint64_t func_off, struct elf_facts *f,
			  struct cbcc_err *err)
{
	Elf *elf;
	GElf_Ehdr eh;
	int rc = 0;

	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh))
		rc = cbcc_errf(err, "%s is not an ELF file", path);
	else {
		f->machine = eh.e_machine;
		f->size = func_size(elf, func_off);
	}
	if (elf)
		elf_end(elf);
	return rc;
}

static bool open_disassembler(int machine, csh *cs)
{
	switch (machine) {
	case EM_X86_64:
		return cs_open(CS_ARCH_X86, CS_MODE_64, cs) == CS_ERR_OK;
	case EM_386:
		return cs_open(CS_ARCH_X86, CS_MODE_32, cs) == CS_ERR_OK;
	case EM_AARCH64:
		return cs_open(CS_ARCH_ARM64, CS_MODE_ARM, cs) == CS_ERR_OK;
	default:
		return false;
	}
}

/* Decodes code (n bytes at function offset 0) up to offset: the start of
 * the instruction holding it (*before) and of the next one (*after). False
 * when an instruction does not decode (*before is where). */
static bool walk_insns(csh cs, const uint8_t *code, size_t n, uint64_t offset, uint64_t *before,
		       uint64_t *after)
{
	cs_insn *insn = cs_malloc(cs);
	uint64_t addr = 0;
	bool ok = true;

	*before = 0;
	while (ok && addr < offset) {
		*before = addr;
		ok = cs_disasm_iter(cs, &code, &n, &addr, insn);
	}
	*after = addr;
	cs_free(insn, 1);
	return ok;
}

static int check_code(int fd, const char *func, uint64_t func_off, uint64_t offset,
		      const struct elf_facts *f, struct cbcc_err *err)
{
	size_t n = (size_t)(f->size && f->size < offset + MAX_INSN ? f->size : offset + MAX_INSN);
	uint8_t *code = xmalloc(n);
	ssize_t got = pread(fd, code, n, (off_t)func_off);
	uint64_t before = 0, after = 0;
	csh cs;
	int rc = 0;

	if (!open_disassembler(f->machine, &cs)) {
		free(code);
		return cbcc_errf(err,
				 "cannot tell where instructions start in %s (ELF machine %d); "
				 "--unsafe probes +0x%llx anyway",
				 func, f->machine, (unsigned long long)offset);
	}
	if (got < 0 || !walk_insns(cs, code, (size_t)(got > 0 ? got : 0), offset, &before, &after))
		rc = cbcc_errf(
			err,
			"cannot decode the instruction at %s+0x%llx; --unsafe probes +0x%llx "
			"anyway",
			func, (unsigned long long)before, (unsigned long long)offset);
	else if (after != offset)
		rc = cbcc_errf(
			err,
			"offset +0x%llx is inside an instruction of %s: the nearest "
			"instructions start at +0x%llx and +0x%llx (--unsafe probes it anyway)",
			(unsigned long long)offset, func, (unsigned long long)before,
			(unsigned long long)after);
	cs_close(&cs);
	free(code);
	return rc;
}

int insn_check_offset(const char *path, const char *func, uint64_t func_off, uint64_t offset,
		      struct cbcc_err *err)
{
	struct elf_facts f = {0, 0};
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0)
		return cbcc_errf(err, "cannot read %s to check the offset into %s", path, func);
	rc = read_elf_facts(fd, path, func_off, &f, err);
	if (!rc && f.size && offset >= f.size)
		rc = cbcc_errf(
			err,
			"offset +0x%llx is beyond the end of %s (%llu bytes; --unsafe probes "
			"it anyway)",
			(unsigned long long)offset, func, (unsigned long long)f.size);
	else if (!rc && !f.size && offset >= MAX_DECODE)
		rc = cbcc_errf(err,
			       "offset +0x%llx is too far into %s to check (its size is unknown; "
			       "--unsafe probes it anyway)",
			       (unsigned long long)offset, func);
	else if (!rc)
		rc = check_code(fd, func, func_off, offset, &f, err);
	close(fd);
	return rc;
}
