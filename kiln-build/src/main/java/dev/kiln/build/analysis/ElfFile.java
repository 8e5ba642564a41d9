package dev.kiln.build.analysis;

import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The facts the dependency scanner, hardening check and linters need from one ELF file, parsed in
 * Java from the ELF header, program headers, dynamic section, symbol tables and GNU property notes
 * (System V gABI; 32/64-bit, either byte order).
 */
public final class ElfFile {

    /** {@code e_type}. */
    public enum Type {
        NONE,
        REL,
        EXEC,
        DYN,
        CORE,
        OTHER
    }

    static final int EM_386 = 3;
    static final int EM_ARM = 40;
    static final int EM_X86_64 = 62;
    static final int EM_AARCH64 = 183;
    static final int EM_RISCV = 243;

    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final int PT_NOTE = 4;
    private static final int PT_GNU_STACK = 0x6474e551;
    private static final int PT_GNU_RELRO = 0x6474e552;
    private static final int PF_X = 1;

    private static final int SHT_SYMTAB = 2;
    private static final int SHT_NOTE = 7;
    private static final int SHT_DYNSYM = 11;

    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_SONAME = 14;
    private static final long DT_RPATH = 15;
    private static final long DT_BIND_NOW = 24;
    private static final long DT_RUNPATH = 29;
    private static final long DT_FLAGS = 30;
    private static final long DT_FLAGS_1 = 0x6ffffffbL;
    private static final long DF_BIND_NOW = 0x8;
    private static final long DF_1_NOW = 0x1;
    private static final long DF_1_PIE = 0x08000000L;

    private static final int NT_GNU_PROPERTY_TYPE_0 = 5;
    private static final int GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002;
    private static final int X86_FEATURE_1_IBT = 0x1;
    private static final int X86_FEATURE_1_SHSTK = 0x2;

    private final boolean is64;
    private final ByteOrder order;
    private final Type type;
    private final int machine;
    private @Nullable String interpreter;
    private final List<String> needed = new ArrayList<>();
    private @Nullable String soname;
    private @Nullable String runpath;
    private @Nullable String rpath;
    private boolean hasDynamic;
    private boolean relro;
    private boolean bindNow;
    private long flags1;
    private boolean hasGnuStack;
    private boolean stackExecutable;
    private boolean canary;
    private final SortedSet<String> fortifiedFunctions = new TreeSet<>();
    private int x86Features;
    private boolean debugInfo;

    private ElfFile(boolean is64, ByteOrder order, Type type, int machine) {
        this.is64 = is64;
        this.order = order;
        this.type = type;
        this.machine = machine;
    }

    /**
     * Reads {@code file} when it is a regular file starting with the ELF magic.
     *
     * @return empty for anything that is not ELF (scripts, data, symlinks, directories)
     * @throws AnalysisException for an unreadable file or an ELF file whose headers point outside it
     */
    public static Optional<ElfFile> read(Path file) {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 52 || size > Integer.MAX_VALUE) {
                return Optional.empty();
            }
            ByteBuffer magic = ByteBuffer.allocate(4);
            ch.read(magic, 0);
            if (magic.getInt(0) != 0x7f454c46) {
                return Optional.empty();
            }
            ByteBuffer buf = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            try {
                return Optional.of(parse(buf));
            } catch (IndexOutOfBoundsException | BufferUnderflowException | IllegalArgumentException e) {
                throw new AnalysisException(
                        "malformed ELF file " + file + ": a header points outside the file (" + e.getMessage() + ")",
                        e);
            }
        } catch (IOException e) {
            throw new AnalysisException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static ElfFile parse(ByteBuffer buf) {
        int elfClass = buf.get(4);
        int data = buf.get(5);
        if ((elfClass != 1 && elfClass != 2) || (data != 1 && data != 2)) {
            throw new IllegalArgumentException("EI_CLASS " + elfClass + " / EI_DATA " + data + " unknown");
        }
        buf.order(data == 1 ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        boolean is64 = elfClass == 2;
        int eType = Short.toUnsignedInt(buf.getShort(16));
        Type type = switch (eType) {
            case 0 -> Type.NONE;
            case 1 -> Type.REL;
            case 2 -> Type.EXEC;
            case 3 -> Type.DYN;
            case 4 -> Type.CORE;
            default -> Type.OTHER;
        };
        ElfFile elf = new ElfFile(is64, buf.order(), type, Short.toUnsignedInt(buf.getShort(18)));
        elf.readSegments(buf);
        elf.readSections(buf);
        return elf;
    }

    private record Segment(int type, int flags, long offset, long vaddr, long filesz) {}

    private record Section(int name, int type, long offset, long size, int link, long entsize) {}

    private void readSegments(ByteBuffer buf) {
        long phoff = is64 ? buf.getLong(32) : Integer.toUnsignedLong(buf.getInt(28));
        int phentsize = Short.toUnsignedInt(buf.getShort(is64 ? 54 : 42));
        int phnum = Short.toUnsignedInt(buf.getShort(is64 ? 56 : 44));
        List<Segment> segments = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int at = Math.toIntExact(phoff + (long) i * phentsize);
            segments.add(
                    is64
                            ? new Segment(
                                    buf.getInt(at),
                                    buf.getInt(at + 4),
                                    buf.getLong(at + 8),
                                    buf.getLong(at + 16),
                                    buf.getLong(at + 32))
                            : new Segment(
                                    buf.getInt(at),
                                    buf.getInt(at + 24),
                                    u32(buf, at + 4),
                                    u32(buf, at + 8),
                                    u32(buf, at + 16)));
        }
        for (Segment s : segments) {
            switch (s.type()) {
                case PT_INTERP -> interpreter = cString(buf, s.offset(), s.offset() + s.filesz());
                case PT_GNU_RELRO -> relro = true;
                case PT_GNU_STACK -> {
                    hasGnuStack = true;
                    stackExecutable = (s.flags() & PF_X) != 0;
                }
                case PT_NOTE -> {
                    if (Short.toUnsignedInt(buf.getShort(is64 ? 60 : 48)) == 0) {
                        // Without section headers the notes are only reachable through segments.
                        readNotes(buf, s.offset(), s.filesz());
                    }
                }
                default -> {}
            }
        }
        for (Segment s : segments) {
            if (s.type() == PT_DYNAMIC) {
                readDynamic(buf, s, segments);
            }
        }
    }

    private void readDynamic(ByteBuffer buf, Segment dynamic, List<Segment> segments) {
        hasDynamic = true;
        int entSize = is64 ? 16 : 8;
        List<long[]> entries = new ArrayList<>();
        long strtabAddr = -1;
        for (long at = dynamic.offset(); at + entSize <= dynamic.offset() + dynamic.filesz(); at += entSize) {
            int p = Math.toIntExact(at);
            long tag = is64 ? buf.getLong(p) : buf.getInt(p);
            long val = is64 ? buf.getLong(p + 8) : u32(buf, p + 4);
            if (tag == 0) {
                break;
            }
            entries.add(new long[] {tag, val});
            if (tag == DT_STRTAB) {
                strtabAddr = val;
            }
        }
        long strtab = strtabAddr < 0 ? -1 : fileOffset(strtabAddr, segments);
        for (long[] e : entries) {
            long tag = e[0];
            long val = e[1];
            if (tag == DT_NEEDED && strtab >= 0) {
                needed.add(cString(buf, strtab + val, buf.limit()));
            } else if (tag == DT_SONAME && strtab >= 0) {
                soname = cString(buf, strtab + val, buf.limit());
            } else if (tag == DT_RUNPATH && strtab >= 0) {
                runpath = cString(buf, strtab + val, buf.limit());
            } else if (tag == DT_RPATH && strtab >= 0) {
                rpath = cString(buf, strtab + val, buf.limit());
            } else if (tag == DT_BIND_NOW) {
                bindNow = true;
            } else if (tag == DT_FLAGS && (val & DF_BIND_NOW) != 0) {
                bindNow = true;
            } else if (tag == DT_FLAGS_1) {
                flags1 = val;
                if ((val & DF_1_NOW) != 0) {
                    bindNow = true;
                }
            }
        }
    }

    /** DT_STRTAB holds a virtual address; the loadable segment containing it gives the file offset. */
    private static long fileOffset(long vaddr, List<Segment> segments) {
        for (Segment s : segments) {
            if (s.type() == PT_LOAD && vaddr >= s.vaddr() && vaddr < s.vaddr() + s.filesz()) {
                return s.offset() + (vaddr - s.vaddr());
            }
        }
        return -1;
    }

    private void readSections(ByteBuffer buf) {
        long shoff = is64 ? buf.getLong(40) : u32(buf, 32);
        int shentsize = Short.toUnsignedInt(buf.getShort(is64 ? 58 : 46));
        int shnum = Short.toUnsignedInt(buf.getShort(is64 ? 60 : 48));
        int shstrndx = Short.toUnsignedInt(buf.getShort(is64 ? 62 : 50));
        if (shoff == 0 || shnum == 0) {
            return;
        }
        List<Section> sections = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            int at = Math.toIntExact(shoff + (long) i * shentsize);
            sections.add(
                    is64
                            ? new Section(
                                    buf.getInt(at),
                                    buf.getInt(at + 4),
                                    buf.getLong(at + 24),
                                    buf.getLong(at + 32),
                                    buf.getInt(at + 40),
                                    buf.getLong(at + 56))
                            : new Section(
                                    buf.getInt(at),
                                    buf.getInt(at + 4),
                                    u32(buf, at + 16),
                                    u32(buf, at + 20),
                                    buf.getInt(at + 24),
                                    u32(buf, at + 36)));
        }
        Section names = shstrndx < sections.size() ? sections.get(shstrndx) : null;
        for (Section s : sections) {
            if (names != null) {
                String name =
                        cString(buf, names.offset() + Integer.toUnsignedLong(s.name()), names.offset() + names.size());
                if (name.startsWith(".debug_") || name.startsWith(".zdebug_")) {
                    debugInfo = true;
                }
            }
            if (s.type() == SHT_NOTE) {
                readNotes(buf, s.offset(), s.size());
            } else if ((s.type() == SHT_SYMTAB || s.type() == SHT_DYNSYM) && s.link() < sections.size()) {
                readSymbols(buf, s, sections.get(s.link()));
            }
        }
    }

    private void readSymbols(ByteBuffer buf, Section symtab, Section strtab) {
        long entSize = symtab.entsize() > 0 ? symtab.entsize() : (is64 ? 24 : 16);
        long end = strtab.offset() + strtab.size();
        for (long at = symtab.offset(); at + entSize <= symtab.offset() + symtab.size(); at += entSize) {
            long nameOff = u32(buf, Math.toIntExact(at));
            if (nameOff == 0) {
                continue;
            }
            String name = cString(buf, strtab.offset() + nameOff, end);
            int version = name.indexOf('@');
            if (version > 0) {
                name = name.substring(0, version);
            }
            if (name.equals("__stack_chk_fail") || name.equals("__stack_chk_guard")) {
                canary = true;
            } else if (name.startsWith("__") && name.endsWith("_chk") && name.length() > 6) {
                fortifiedFunctions.add(name);
            }
        }
    }

    /** Walks ELF notes looking for the GNU property note's x86 feature bits (IBT, SHSTK). */
    private void readNotes(ByteBuffer buf, long offset, long size) {
        long at = offset;
        long end = offset + size;
        while (at + 12 <= end) {
            int p = Math.toIntExact(at);
            long namesz = u32(buf, p);
            long descsz = u32(buf, p + 4);
            int noteType = buf.getInt(p + 8);
            long nameAt = at + 12;
            long descAt = nameAt + align(namesz, 4);
            String name = cString(buf, nameAt, nameAt + namesz);
            if (noteType == NT_GNU_PROPERTY_TYPE_0 && name.equals("GNU")) {
                readProperties(buf, descAt, descsz);
            }
            // Property notes are 8-aligned on 64-bit; other notes 4-aligned (gABI "Note Section").
            long step = noteType == NT_GNU_PROPERTY_TYPE_0 && is64 ? 8 : 4;
            at = descAt + align(descsz, step);
        }
    }

    private void readProperties(ByteBuffer buf, long offset, long size) {
        long at = offset;
        while (at + 8 <= offset + size) {
            int p = Math.toIntExact(at);
            int prType = buf.getInt(p);
            long prSize = u32(buf, p + 4);
            if (prType == GNU_PROPERTY_X86_FEATURE_1_AND && prSize >= 4) {
                x86Features |= buf.getInt(p + 8);
            }
            at += 8 + align(prSize, is64 ? 8 : 4);
        }
    }

    private static long align(long value, long alignment) {
        return (value + alignment - 1) & -alignment;
    }

    private static long u32(ByteBuffer buf, int at) {
        return Integer.toUnsignedLong(buf.getInt(at));
    }

    private static String cString(ByteBuffer buf, long from, long limit) {
        int start = Math.toIntExact(from);
        int end = start;
        int max = (int) Math.min(limit, buf.limit());
        if (start < 0 || start > max) {
            throw new IndexOutOfBoundsException("string at offset " + from + " beyond " + max);
        }
        while (end < max && buf.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        buf.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    public boolean is64Bit() {
        return is64;
    }

    public ByteOrder byteOrder() {
        return order;
    }

    public Type type() {
        return type;
    }

    /** {@code e_machine}, e.g. 62 for x86-64. */
    public int machine() {
        return machine;
    }

    /** The APK architecture name of {@link #machine()}, or {@code em-N} when Kiln has no name for it. */
    public String architecture() {
        return switch (machine) {
            case EM_X86_64 -> "x86_64";
            case EM_AARCH64 -> "aarch64";
            case EM_386 -> "x86";
            case EM_ARM -> "armv7";
            case EM_RISCV -> is64 ? "riscv64" : "riscv32";
            case 21 -> order == ByteOrder.LITTLE_ENDIAN ? "ppc64le" : "ppc64";
            case 22 -> "s390x";
            default -> "em-" + machine;
        };
    }

    /** PT_INTERP, the dynamic loader path. */
    public Optional<String> interpreter() {
        return Optional.ofNullable(interpreter);
    }

    /** DT_NEEDED entries in file order. */
    public List<String> needed() {
        return List.copyOf(needed);
    }

    public Optional<String> soname() {
        return Optional.ofNullable(soname);
    }

    /** DT_RUNPATH, or the older DT_RPATH when only that is present. */
    public Optional<String> runpath() {
        return Optional.ofNullable(runpath != null ? runpath : rpath);
    }

    public boolean isPie() {
        return type == Type.DYN && (interpreter != null || (flags1 & DF_1_PIE) != 0);
    }

    /** Statically linked executable, including static-pie. */
    public boolean isStatic() {
        if (interpreter != null || !needed.isEmpty()) {
            return false;
        }
        return type == Type.EXEC || (type == Type.DYN && (flags1 & DF_1_PIE) != 0);
    }

    /** Has a dynamic section (shared objects, dynamic executables, static-pie). */
    public boolean isDynamic() {
        return hasDynamic;
    }

    public boolean hasRelro() {
        return relro;
    }

    public boolean hasBindNow() {
        return bindNow;
    }

    /** A missing PT_GNU_STACK means the kernel maps the stack executable, so it counts as executable. */
    public boolean hasExecutableStack() {
        return !hasGnuStack || stackExecutable;
    }

    public boolean hasStackCanary() {
        return canary;
    }

    public boolean isFortified() {
        return !fortifiedFunctions.isEmpty();
    }

    /** The {@code __*_chk} functions referenced, e.g. {@code __printf_chk}. */
    public Set<String> fortifiedFunctions() {
        return java.util.Collections.unmodifiableSortedSet(fortifiedFunctions);
    }

    /** Intel CET: both indirect-branch tracking and shadow stack are marked in the GNU property note. */
    public boolean hasCet() {
        int both = X86_FEATURE_1_IBT | X86_FEATURE_1_SHSTK;
        return (machine == EM_X86_64 || machine == EM_386) && (x86Features & both) == both;
    }

    /** Carries DWARF sections ({@code .debug_*} or compressed {@code .zdebug_*}), i.e. was not stripped. */
    public boolean hasDebugInfo() {
        return debugInfo;
    }
}
