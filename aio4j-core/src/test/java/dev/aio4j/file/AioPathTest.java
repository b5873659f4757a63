package dev.aio4j.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aio4j.Aio;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AioPathTest {
    @TempDir
    Path dir;

    @Test
    void wholeFileHelpersDoWhatFilesDoOffTheLoop() {
        AsyncFileTest.run(() -> {
            AioPath a = AioPath.of(dir).resolve("a.txt");
            assertThat(a.exists()).isFalse();
            a.writeString("héllo\n");
            a.writeString("more\n", StandardOpenOption.APPEND);
            assertThat(a.readString()).isEqualTo("héllo\nmore\n");
            assertThat(a.size()).isEqualTo("héllo\nmore\n".getBytes(StandardCharsets.UTF_8).length);
            AioPath b =
                    AioPath.of(dir.resolve("sub/deeper")).createDirectories().resolve("b.bin");
            b.writeBytes(new byte[] {1, 2, 3});
            assertThat(b.readBytes()).containsExactly(1, 2, 3);
            AioPath c = a.copy(AioPath.of(dir.resolve("c.txt")));
            assertThat(c.readString(StandardCharsets.UTF_8)).isEqualTo("héllo\nmore\n");
            assertThatThrownBy(() -> a.copy(c)).isInstanceOf(FileAlreadyExistsException.class);
            a.copy(c, StandardCopyOption.REPLACE_EXISTING);
            AioPath d = c.move(AioPath.of(dir.resolve("d.txt")));
            assertThat(c.exists()).isFalse();
            assertThat(d.exists()).isTrue();
            assertThat(AioPath.of(dir).list())
                    .extracting(AioPath::toString)
                    .containsExactlyInAnyOrder(
                            dir.resolve("a.txt").toString(),
                            dir.resolve("d.txt").toString(),
                            dir.resolve("sub").toString());
            List<AioPath> all = AioPath.of(dir).walk();
            assertThat(all).contains(b, AioPath.of(dir.resolve("sub/deeper")), AioPath.of(dir));
            assertThat(AioPath.of(dir).walk(1)).doesNotContain(b);
            assertThat(AioPath.of(dir.resolve("sub")).isDirectory()).isTrue();
            d.delete();
            assertThat(d.deleteIfExists()).isFalse();
            assertThatThrownBy(d::delete).isInstanceOf(NoSuchFileException.class);
            return null;
        });
    }

    @Test
    void readBytesAndReadStringReadWholeFilesLargerThanOneRead() throws Exception {
        byte[] data = new byte[3 * AsyncFile.MAX_IO + 17];
        new java.util.Random(5).nextBytes(data);
        java.nio.file.Files.write(dir.resolve("big.bin"), data);
        java.nio.file.Files.writeString(dir.resolve("big.txt"), "é".repeat(AsyncFile.MAX_IO));
        java.nio.file.Files.write(dir.resolve("bad.txt"), new byte[] {(byte) 0xC3, (byte) 0x28});
        AsyncFileTest.run(() -> {
            assertThat(AioPath.of(dir.resolve("big.bin")).readBytes()).isEqualTo(data);
            assertThat(AioPath.of(dir.resolve("big.txt")).readString()).isEqualTo("é".repeat(AsyncFile.MAX_IO));
            assertThatThrownBy(() -> AioPath.of(dir.resolve("bad.txt")).readString())
                    .isInstanceOf(java.nio.charset.MalformedInputException.class);
            AioPath empty = AioPath.of(dir.resolve("empty"));
            empty.writeBytes(new byte[0]);
            assertThat(empty.readBytes()).isEmpty();
            return null;
        });
    }

    @Test
    void helpersRunOnFileThreadsNotOnTheLoop() {
        String thread = AsyncFileTest.run(
                () -> FilePool.call(() -> Thread.currentThread().getName()));
        assertThat(thread).startsWith("aio4j-file-");
        assertThatThrownBy(() -> AioPath.of(dir).exists()).isInstanceOf(IllegalStateException.class);
        assertThat(Aio.class).isNotNull();
    }
}
