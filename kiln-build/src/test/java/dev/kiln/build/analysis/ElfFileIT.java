package dev.kiln.build.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ElfFileIT {

    @TempDir
    static Path dir;

    static ElfFixtures elf;

    @BeforeAll
    static void build() throws IOException {
        elf = new ElfFixtures(dir);
    }

    private static ElfFile read(Path p) {
        return ElfFile.read(p).orElseThrow(() -> new AssertionError(p + " should be ELF"));
    }

    @Test
    void hardenedPieExecutable() {
        ElfFile f = read(elf.hardened);

        assertThat(f.type()).isEqualTo(ElfFile.Type.DYN);
        assertThat(f.machine()).isEqualTo(62);
        assertThat(f.architecture()).isEqualTo("x86_64");
        assertThat(f.is64Bit()).isTrue();
        assertThat(f.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
        assertThat(f.interpreter()).hasValue("/lib64/ld-linux-x86-64.so.2");
        assertThat(f.needed()).containsExactly("libdemo.so.1", "libc.so.6");
        assertThat(f.runpath()).hasValue("$ORIGIN/../lib");
        assertThat(f.soname()).isEmpty();
        assertThat(f.isPie()).isTrue();
        assertThat(f.isStatic()).isFalse();
        assertThat(f.hasRelro()).isTrue();
        assertThat(f.hasBindNow()).isTrue();
        assertThat(f.hasExecutableStack()).isFalse();
        assertThat(f.hasStackCanary()).isTrue();
        assertThat(f.isFortified()).isTrue();
        assertThat(f.fortifiedFunctions()).contains("__printf_chk");
        assertThat(f.hasDebugInfo()).isFalse();
    }

    @Test
    void weakExecutableLacksEveryProtection() {
        ElfFile f = read(elf.weak);

        assertThat(f.type()).isEqualTo(ElfFile.Type.EXEC);
        assertThat(f.isPie()).isFalse();
        assertThat(f.hasRelro()).isFalse();
        assertThat(f.hasBindNow()).isFalse();
        assertThat(f.hasExecutableStack()).isTrue();
        assertThat(f.hasStackCanary()).isFalse();
        assertThat(f.isFortified()).isFalse();
        assertThat(f.needed()).containsExactly("libc.so.6");
    }

    @Test
    void sharedLibraryHasSonameAndNoInterpreter() {
        ElfFile f = read(elf.library);

        assertThat(f.type()).isEqualTo(ElfFile.Type.DYN);
        assertThat(f.soname()).hasValue("libdemo.so.1");
        assertThat(f.interpreter()).isEmpty();
        assertThat(f.isPie()).isFalse();
        assertThat(f.isStatic()).isFalse();
        assertThat(f.hasRelro()).isTrue();
        assertThat(f.hasBindNow()).isTrue();
    }

    @Test
    void staticExecutable() {
        ElfFile f = read(elf.staticBinary);

        assertThat(f.isStatic()).isTrue();
        assertThat(f.interpreter()).isEmpty();
        assertThat(f.needed()).isEmpty();
    }

    @Test
    void cetPropertyNoteIsRead() {
        assertThat(read(elf.cetObject).type()).isEqualTo(ElfFile.Type.REL);
        assertThat(read(elf.cetObject).hasCet()).isTrue();
        assertThat(read(elf.plainObject).hasCet()).isFalse();
    }

    @Test
    void debugSectionsAreDetected() {
        assertThat(read(elf.withDebug).hasDebugInfo()).isTrue();
    }

    @Test
    void nonElfFilesAreEmpty() throws IOException {
        Path text = Files.writeString(
                dir.resolve("script.sh"), "#!/bin/sh\necho this is a long enough script to pass the size check\n");
        assertThat(ElfFile.read(text)).isEmpty();
        assertThat(ElfFile.read(dir.resolve("libdemo.so"))).as("symlink").isEmpty();
        assertThat(ElfFile.read(dir)).as("directory").isEmpty();
    }

    @Test
    void truncatedElfIsReportedWithItsPath() throws IOException {
        byte[] bytes = Files.readAllBytes(elf.hardened);
        Path truncated = Files.write(dir.resolve("truncated"), Arrays.copyOf(bytes, 80));

        assertThatThrownBy(() -> ElfFile.read(truncated))
                .isInstanceOf(AnalysisException.class)
                .hasMessageContaining("malformed ELF file")
                .hasMessageContaining(truncated.toString());
    }

    /** A 32-bit big-endian MIPS executable, built by hand: the compiler here only targets x86-64. */
    @Test
    void readsThirtyTwoBitBigEndian() throws IOException {
        byte[] interp = "/lib/ld.so.1\0".getBytes(StandardCharsets.US_ASCII);
        int phoff = 52;
        int interpOff = phoff + 2 * 32;
        ByteBuffer b = ByteBuffer.allocate(interpOff + interp.length).order(ByteOrder.BIG_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', 1, 2, 1, 0});
        b.position(16);
        b.putShort((short) 2).putShort((short) 8).putInt(1); // EXEC, EM_MIPS, version
        b.putInt(0x400000).putInt(phoff).putInt(0).putInt(0); // entry, phoff, shoff, flags
        b.putShort((short) 52).putShort((short) 32).putShort((short) 2); // ehsize, phentsize, phnum
        b.putShort((short) 40).putShort((short) 0).putShort((short) 0); // shentsize, shnum, shstrndx
        // PT_INTERP: type, offset, vaddr, paddr, filesz, memsz, flags, align
        b.putInt(3)
                .putInt(interpOff)
                .putInt(0)
                .putInt(0)
                .putInt(interp.length)
                .putInt(interp.length)
                .putInt(4)
                .putInt(1);
        // PT_GNU_STACK, read+write only
        b.putInt(0x6474e551)
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(0)
                .putInt(6)
                .putInt(16);
        b.put(interp);
        Path file = Files.write(dir.resolve("mips32be"), b.array());

        ElfFile f = read(file);

        assertThat(f.is64Bit()).isFalse();
        assertThat(f.byteOrder()).isEqualTo(ByteOrder.BIG_ENDIAN);
        assertThat(f.type()).isEqualTo(ElfFile.Type.EXEC);
        assertThat(f.machine()).isEqualTo(8);
        assertThat(f.interpreter()).hasValue("/lib/ld.so.1");
        assertThat(f.hasExecutableStack()).isFalse();
        assertThat(f.hasRelro()).isFalse();
    }
}
