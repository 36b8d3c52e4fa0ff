/* inspect.c: "hcuapply inspect PATCH": what a patch would change, read from
 * the ELF file itself. The patch is never loaded (its constructors would
 * run, and it needs a target's symbols): hcu_patch_info and the arrays it
 * points to are decoded from the file, their pointers resolved through the
 * patch's relocations. Needs a 64-bit ELF patch of this machine's byte
 * order; the layouts come from the same hcu_patch.h the runtime uses. */
#include <elf.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "hcu/hcu_patch.h"
#include "hcuapply.h"

#define MAX_PATCH_SIZE (256u << 20)

struct elf {
  const char *path;
  unsigned char *data;
  size_t size;
  const Elf64_Ehdr *eh;
  const Elf64_Phdr *ph;
  const Elf64_Shdr *sh;
  const Elf64_Rela *rela;
  size_t nrela;
  const Elf64_Sym *dynsym, *symtab;
  size_t ndynsym, nsymtab;
  const char *dynstr, *strtab;
  size_t dynstr_size, strtab_size;
};

static int load_elf(struct elf *e, char *why, size_t whysz) {
  FILE *f = fopen(e->path, "rb");
  struct stat st;
  if (!f || fstat(fileno(f), &st) != 0) {
    snprintf(why, whysz, "%s", strerror(errno));
    if (f)
      fclose(f);
    return -1;
  }
  if (!S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr) ||
      (uint64_t)st.st_size > MAX_PATCH_SIZE) {
    snprintf(why, whysz, "not a regular file of a plausible size");
    fclose(f);
    return -1;
  }
  e->size = (size_t)st.st_size;
  e->data = malloc(e->size);
  if (!e->data || fread(e->data, 1, e->size, f) != e->size) {
    snprintf(why, whysz, "cannot read it");
    fclose(f);
    return -1;
  }
  fclose(f);
  e->eh = (const Elf64_Ehdr *)e->data;
  if (memcmp(e->eh->e_ident, ELFMAG, SELFMAG) != 0) {
    snprintf(why, whysz, "not an ELF file");
    return -1;
  }
  if (e->eh->e_ident[EI_CLASS] != ELFCLASS64 ||
      e->eh->e_ident[EI_DATA] != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
                                      ? ELFDATA2LSB
                                      : ELFDATA2MSB)) {
    snprintf(why, whysz, "not a 64-bit ELF file of this machine's byte order");
    return -1;
  }
  if (e->eh->e_type != ET_DYN) {
    snprintf(why, whysz,
             "not a shared object (patches are built with "
             "hcu-cc -shared)");
    return -1;
  }
  uint64_t phend =
      e->eh->e_phoff + (uint64_t)e->eh->e_phnum * sizeof(Elf64_Phdr);
  uint64_t shend =
      e->eh->e_shoff + (uint64_t)e->eh->e_shnum * sizeof(Elf64_Shdr);
  if (phend > e->size || shend > e->size ||
      e->eh->e_shstrndx >= e->eh->e_shnum) {
    snprintf(why, whysz, "truncated or malformed ELF headers");
    return -1;
  }
  e->ph = (const Elf64_Phdr *)(e->data + e->eh->e_phoff);
  e->sh = (const Elf64_Shdr *)(e->data + e->eh->e_shoff);
  for (int i = 0; i < e->eh->e_shnum; i++) {
    const Elf64_Shdr *s = &e->sh[i];
    if (s->sh_type == SHT_NOBITS || s->sh_offset + s->sh_size > e->size)
      continue;
    const void *p = e->data + s->sh_offset;
    if (s->sh_type == SHT_RELA && !(s->sh_flags & SHF_INFO_LINK)) {
      e->rela = p; /* .rela.dyn (not .rela.plt, which has the link flag) */
      e->nrela = s->sh_size / sizeof(Elf64_Rela);
    } else if ((s->sh_type == SHT_DYNSYM || s->sh_type == SHT_SYMTAB) &&
               s->sh_link < e->eh->e_shnum) {
      const Elf64_Shdr *str = &e->sh[s->sh_link];
      if (str->sh_offset + str->sh_size > e->size)
        continue;
      if (s->sh_type == SHT_DYNSYM) {
        e->dynsym = p;
        e->ndynsym = s->sh_size / sizeof(Elf64_Sym);
        e->dynstr = (const char *)e->data + str->sh_offset;
        e->dynstr_size = str->sh_size;
      } else {
        e->symtab = p;
        e->nsymtab = s->sh_size / sizeof(Elf64_Sym);
        e->strtab = (const char *)e->data + str->sh_offset;
        e->strtab_size = str->sh_size;
      }
    }
  }
  if (!e->dynsym) {
    snprintf(why, whysz, "no dynamic symbol table");
    return -1;
  }
  return 0;
}

static const char *sym_name(const char *str, size_t size, const Elf64_Sym *s) {
  if (s->st_name >= size || !memchr(str + s->st_name, '\0', size - s->st_name))
    return "";
  return str + s->st_name;
}

static const Elf64_Sym *find_dynsym(const struct elf *e, const char *name) {
  for (size_t i = 0; i < e->ndynsym; i++)
    if (e->dynsym[i].st_shndx != SHN_UNDEF &&
        strcmp(sym_name(e->dynstr, e->dynstr_size, &e->dynsym[i]), name) == 0)
      return &e->dynsym[i];
  return NULL;
}

/* File bytes at a virtual address, n of them, or NULL. */
static const unsigned char *at(const struct elf *e, uint64_t vaddr, size_t n) {
  for (int i = 0; i < e->eh->e_phnum; i++) {
    const Elf64_Phdr *p = &e->ph[i];
    if (p->p_type != PT_LOAD || vaddr < p->p_vaddr ||
        vaddr + n > p->p_vaddr + p->p_filesz)
      continue;
    uint64_t off = p->p_offset + (vaddr - p->p_vaddr);
    return off + n <= e->size ? e->data + off : NULL;
  }
  return NULL;
}

/* The value a pointer at vaddr has once loaded at address 0: from its
 * relocation (relative, or a symbol defined in the patch), else as stored. */
static uint64_t pointer_at(const struct elf *e, uint64_t vaddr) {
  for (size_t i = 0; i < e->nrela; i++) {
    const Elf64_Rela *r = &e->rela[i];
    if (r->r_offset != vaddr)
      continue;
    uint32_t sym = ELF64_R_SYM(r->r_info);
    if (sym == 0)
      return (uint64_t)r->r_addend; /* R_*_RELATIVE */
    if (sym < e->ndynsym && e->dynsym[sym].st_shndx != SHN_UNDEF)
      return e->dynsym[sym].st_value + (uint64_t)r->r_addend;
    return 0; /* bound to the target at load time: not the patch's */
  }
  const unsigned char *p = at(e, vaddr, 8);
  uint64_t v = 0;
  if (p)
    memcpy(&v, p, 8);
  return v;
}

static int int_at(const struct elf *e, uint64_t vaddr) {
  const unsigned char *p = at(e, vaddr, sizeof(int));
  int v = 0;
  if (p)
    memcpy(&v, p, sizeof v);
  return v;
}

static const char *string_at(const struct elf *e, uint64_t vaddr) {
  if (!vaddr)
    return NULL;
  for (int i = 0; i < e->eh->e_phnum; i++) {
    const Elf64_Phdr *p = &e->ph[i];
    if (p->p_type != PT_LOAD || vaddr < p->p_vaddr ||
        vaddr >= p->p_vaddr + p->p_filesz)
      continue;
    size_t max = (size_t)(p->p_vaddr + p->p_filesz - vaddr);
    const char *s = (const char *)at(e, vaddr, 1);
    return s && memchr(s, '\0', max) ? s : NULL;
  }
  return NULL;
}

static void build_id(const struct elf *e, char *out, size_t size) {
  out[0] = '\0';
  for (int i = 0; i < e->eh->e_phnum; i++) {
    const Elf64_Phdr *p = &e->ph[i];
    if (p->p_type != PT_NOTE || p->p_offset + p->p_filesz > e->size)
      continue;
    size_t off = 0;
    while (off + sizeof(Elf64_Nhdr) <= p->p_filesz) {
      const Elf64_Nhdr *n = (const Elf64_Nhdr *)(e->data + p->p_offset + off);
      size_t name = (n->n_namesz + 3u) & ~3u, desc = (n->n_descsz + 3u) & ~3u;
      const unsigned char *d = e->data + p->p_offset + off + sizeof *n + name;
      if (off + sizeof *n + name + desc > p->p_filesz)
        break;
      if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4) {
        for (size_t k = 0; k < n->n_descsz && 2 * k + 2 < size; k++)
          snprintf(out + 2 * k, 3, "%02x", d[k]);
        return;
      }
      off += sizeof *n + name + desc;
    }
  }
}

#define FIELD(f) offsetof(struct hcu_patch_info, f)

/* Functions with a body in the patch: local symbols "<name>__hcu_v<N>". */
static void list_bodies(const struct elf *e, int version, int json) {
  char suffix[32];
  int first = 1;
  snprintf(suffix, sizeof suffix, "__hcu_v%d", version);
  size_t sl = strlen(suffix);
  for (size_t i = 0; e->symtab && i < e->nsymtab; i++) {
    const Elf64_Sym *s = &e->symtab[i];
    const char *n = sym_name(e->strtab, e->strtab_size, s);
    size_t l = strlen(n);
    if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF ||
        l <= sl || strcmp(n + l - sl, suffix) != 0)
      continue;
    char name[256];
    snprintf(name, sizeof name, "%.*s", (int)(l - sl), n);
    if (json) {
      printf("%s", first ? "" : ",");
      json_string(stdout, name);
    } else {
      printf("%s%s", first ? "" : ", ", name);
    }
    first = 0;
  }
  if (!json && first)
    printf("(no symbol table: stripped patch)");
}

/* New storage of retyped globals: defined objects "<name>_v<N>". */
static void list_new_storage(const struct elf *e, int version, int json) {
  char suffix[32];
  int first = 1;
  snprintf(suffix, sizeof suffix, "_v%d", version);
  size_t sl = strlen(suffix);
  for (size_t i = 0; i < e->ndynsym; i++) {
    const Elf64_Sym *s = &e->dynsym[i];
    const char *n = sym_name(e->dynstr, e->dynstr_size, s);
    size_t l = strlen(n);
    if (ELF64_ST_TYPE(s->st_info) != STT_OBJECT || s->st_shndx == SHN_UNDEF ||
        l <= sl || strcmp(n + l - sl, suffix) != 0 ||
        strncmp(n, "mapping_", 8) == 0)
      continue;
    if (json) {
      printf("%s{\"name\":", first ? "" : ",");
      printf("\"%.*s\",\"storage\":", (int)(l - sl), n);
      json_string(stdout, n);
      printf(",\"size\":%llu}", (unsigned long long)s->st_size);
    } else {
      printf("%s%.*s (new storage %s, %llu bytes)", first ? "" : ", ",
             (int)(l - sl), n, n, (unsigned long long)s->st_size);
    }
    first = 0;
  }
  if (!json && first)
    printf("none");
}


/* The safety constraints, as the mapping wrote them: one line (or JSON
 * object) per entry, its terms joined by "or", the items of a term by "and".
 * An all-zero item ends a term, as in the runtime. */
static void print_constraints(const struct elf *e, uint64_t info, int json) {
  uint64_t tab = pointer_at(e, info + FIELD(constraints));
  int n = int_at(e, info + FIELD(nconstraints));
  if (!tab || n < 0 || n > 10000)
    n = 0;
  const size_t csz = sizeof(hcu_safety_constraint_t);
  const size_t isz = sizeof(hcu_safety_constraint_item_t);
  if (!json)
    printf("safety constraints:%s", n ? "\n" : " none\n");
  for (int k = 0; k < n; k++) {
    uint64_t c = tab + (uint64_t)k * csz;
    const char *th = string_at(e, pointer_at(e, c));
    const char *fn = string_at(e, pointer_at(e, c + sizeof(char *)));
    int count = int_at(e, c + offsetof(hcu_safety_constraint_t, count));
    if (count < 0 || count > HCU_MAX_CONSTRAINT_TERMS)
      count = HCU_MAX_CONSTRAINT_TERMS;
    if (json) {
      printf("%s{\"thread\":", k ? "," : "");
      json_string(stdout, th ? th : "");
      printf(",\"function\":");
      json_string(stdout, fn ? fn : "");
      printf(",\"terms\":[");
    } else {
      printf("  %d. thread %s, function %s: forbidden while ", k + 1,
             th ? th : "?", fn ? fn : "?");
    }
    for (int t = 0; t < count; t++) {
      uint64_t term = c + offsetof(hcu_safety_constraint_t, terms) +
                      (uint64_t)t * sizeof(hcu_safety_constraint_term_t);
      printf(json ? "%s[" : "%s(", t ? (json ? "," : " or ") : "");
      for (int i = 0; i < HCU_MAX_CONSTRAINT_ITEMS; i++) {
        uint64_t it = term + (uint64_t)i * isz;
        int lo = int_at(e, it + offsetof(hcu_safety_constraint_item_t, min_point));
        int hi = int_at(e, it + offsetof(hcu_safety_constraint_item_t, max_point));
        int neg = int_at(e, it + offsetof(hcu_safety_constraint_item_t, negated));
        if (!lo && !hi && !neg)
          break;
        if (json)
          printf("%s{\"min_point\":%d,\"max_point\":%d,\"negated\":%s}",
                 i ? "," : "", lo, hi, neg ? "true" : "false");
        else {
          char from[24], to[24];
          snprintf(from, sizeof from, lo < 0 ? "its entry" : "point %d", lo);
          snprintf(to, sizeof to, hi < 0 ? "its end" : "point %d", hi);
          printf("%s%sin %s between %s and %s", i ? " and " : "",
                 neg ? "not " : "", fn ? fn : "?", from, to);
        }
      }
      printf(json ? "]" : ")");
    }
    printf(json ? "]}" : "\n");
  }
}

static int inspect(const char *path, int json) {
  struct elf e = {.path = path};
  char why[256];
  if (load_elf(&e, why, sizeof why) != 0) {
    free(e.data);
    fprintf(stderr, "hcuapply: error: %s: %s\n", path, why);
    if (json) {
      printf("{\"ok\":false,\"patch\":");
      json_string(stdout, path);
      printf(",\"message\":");
      json_string(stdout, why);
      printf("}\n");
    }
    return EXIT_FAILED;
  }
  const Elf64_Sym *info = find_dynsym(&e, "hcu_patch_info");
  if (!info || info->st_size < sizeof(struct hcu_patch_info) ||
      !at(&e, info->st_value, sizeof(struct hcu_patch_info))) {
    free(e.data);
    snprintf(why, sizeof why, "no hcu_patch_info: not a patch built by hcu-cc");
    fprintf(stderr, "hcuapply: error: %s: %s\n", path, why);
    if (json) {
      printf("{\"ok\":false,\"patch\":");
      json_string(stdout, path);
      printf(",\"message\":");
      json_string(stdout, why);
      printf("}\n");
    }
    return EXIT_FAILED;
  }
  uint64_t b = info->st_value;
  int abi = int_at(&e, b + FIELD(abi));
  int base = int_at(&e, b + FIELD(base_version));
  int ver = int_at(&e, b + FIELD(new_version));
  const char *target =
      string_at(&e, pointer_at(&e, b + FIELD(target_build_id)));
  const char *mapping = string_at(&e, pointer_at(&e, b + FIELD(mapping_file)));
  uint64_t threads = pointer_at(&e, b + FIELD(threads));
  int nthreads = int_at(&e, b + FIELD(nthreads));
  uint64_t fns = pointer_at(&e, b + FIELD(functions));
  int nfns = int_at(&e, b + FIELD(nfunctions));
  int has_xform = pointer_at(&e, b + FIELD(datatype_transformations)) != 0;
  const Elf64_Sym *rev = find_dynsym(&e, "hcu_patch_reverse_transformations");
  int has_rev = rev && pointer_at(&e, rev->st_value) != 0;
  char id[128];
  build_id(&e, id, sizeof id);
  if (abi != HCU_PATCH_ABI_VERSION) {
    free(e.data);
    snprintf(why, sizeof why,
             "patch ABI %d; this hcuapply reads patch ABI %d (use the hcuapply "
             "of the hcu that built the patch)",
             abi, HCU_PATCH_ABI_VERSION);
    fprintf(stderr, "hcuapply: error: %s: %s\n", path, why);
    if (json) {
      printf("{\"ok\":false,\"patch\":");
      json_string(stdout, path);
      printf(",\"message\":");
      json_string(stdout, why);
      printf("}\n");
    }
    return EXIT_FAILED;
  }
  if (nthreads < 0 || nthreads > 10000 || nfns < 0 || nfns > 100000)
    nthreads = nfns = 0;

  const size_t tsz = sizeof(hcu_mapping_update_description_t);
  const size_t fsz = sizeof(hcu_mapping_function_update_description_t);
  if (json) {
    printf("{\"ok\":true,\"patch\":");
    json_string(stdout, path);
    printf(",\"build_id\":");
    json_string(stdout, id);
    printf(",\"abi\":%d,\"target_build_id\":", abi);
    json_string(stdout, target ? target : "");
    printf(",\"base_version\":%d,\"new_version\":%d,\"mapping\":", base, ver);
    json_string(stdout, mapping ? mapping : "");
    printf(",\"threads\":[");
    for (int k = 0; k < nthreads; k++) {
      uint64_t t = threads + (uint64_t)k * tsz;
      const char *th = string_at(&e, pointer_at(&e, t));
      const char *up = string_at(&e, pointer_at(&e, t + sizeof(char *)));
      printf("%s{\"thread\":", k ? "," : "");
      json_string(stdout, th ? th : "");
      printf(",\"up_to\":");
      json_string(stdout, up ? up : "");
      printf("}");
    }
    printf("],\"function_updates\":[");
    for (int k = 0; k < nfns; k++) {
      uint64_t f = fns + (uint64_t)k * fsz;
      const char *o = string_at(&e, pointer_at(&e, f));
      const char *n = string_at(&e, pointer_at(&e, f + sizeof(char *)));
      printf("%s{\"old\":", k ? "," : "");
      json_string(stdout, o ? o : "");
      printf(",\"new\":");
      json_string(stdout, n ? n : "");
      printf(",\"thread_entry\":%s}",
             int_at(&e, f + offsetof(hcu_mapping_function_update_description_t,
                                     thread_entry))
                 ? "true"
                 : "false");
    }
    printf("],\"functions_in_patch\":[");
    list_bodies(&e, ver, 1);
    printf("],\"retyped_globals\":[");
    list_new_storage(&e, ver, 1);
    printf("],\"datatype_transformers\":%s,\"reverse_transformers\":%s,"
           "\"constraints\":[",
           has_xform ? "true" : "false", has_rev ? "true" : "false");
    print_constraints(&e, b, 1);
    printf("]}\n");
  } else {
    printf("patch %s (build id %s, patch ABI %d)\n", path, id[0] ? id : "none",
           abi);
    printf("applies to: build %s, version %d -> %d\n",
           target ? target : "(none)", base, ver);
    printf("mapping: %s\n", mapping ? mapping : "(none)");
    printf("threads rebuilt:");
    for (int k = 0; k < nthreads; k++) {
      uint64_t t = threads + (uint64_t)k * tsz;
      const char *th = string_at(&e, pointer_at(&e, t));
      const char *up = string_at(&e, pointer_at(&e, t + sizeof(char *)));
      printf("%s %s (up to %s)", k ? "," : "", th ? th : "?", up ? up : "?");
    }
    printf("%s\nfunction updates:", nthreads ? "" : " none");
    for (int k = 0; k < nfns; k++) {
      uint64_t f = fns + (uint64_t)k * fsz;
      const char *o = string_at(&e, pointer_at(&e, f));
      const char *n = string_at(&e, pointer_at(&e, f + sizeof(char *)));
      int entry =
          int_at(&e, f + offsetof(hcu_mapping_function_update_description_t,
                                  thread_entry));
      printf("%s %s -> %s%s", k ? "," : "", o ? o : "?", n ? n : "?",
             entry ? " (thread entry)" : "");
    }
    printf("%s\nfunctions in the patch: ", nfns ? "" : " none");
    list_bodies(&e, ver, 0);
    printf("\nglobals with a new type: ");
    list_new_storage(&e, ver, 0);
    printf("\ndatatype transformers: %s; reverse transformers: %s (%s)\n",
           has_xform ? "yes" : "no", has_rev ? "yes" : "no",
           !has_xform || has_rev ? "revertible" : "cannot be reverted");
    print_constraints(&e, b, 0);
  }
  free(e.data);
  return 0;
}

int cmd_inspect(int argc, char **argv) {
  static const struct option opts[] = {{"json", no_argument, NULL, 'j'},
                                       {"help", no_argument, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
  int c, json = 0;
  opterr = 0;
  while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
    if (c == 'j') {
      json = 1;
    } else if (c == 'h') {
      print_usage();
      return 0;
    } else {
      return option_error(c, argv);
    }
  }
  if (optind == argc)
    return usage_error("inspect needs a PATCH");
  if (optind + 1 < argc)
    return usage_error("inspect: one PATCH only (unexpected '%s')",
                       argv[optind + 1]);
  struct stat st;
  if (stat(argv[optind], &st) != 0) {
    fprintf(stderr, "hcuapply: error: patch file '%s': %s\n", argv[optind],
            strerror(errno));
    return EXIT_USAGE;
  }
  return inspect(argv[optind], json);
}
