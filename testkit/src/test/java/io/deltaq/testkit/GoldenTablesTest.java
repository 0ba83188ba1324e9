package io.deltaq.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;

/** Tests read the reference tables exactly as the repository holds them, from classes or from a jar. */
class GoldenTablesTest {

    /** The tables in the repository (surefire runs a module's tests in its directory). */
    private static final Path SOURCE = Path.of("src/main/resources/golden");

    @TempDir
    Path tmp;

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isRegularFile(p)) {
                    files.put(root.relativize(p).toString(), Files.readAllBytes(p));
                }
            }
        }
        return files;
    }

    private static void assertSameTree(Path expected, Path actual) throws IOException {
        Map<String, byte[]> want = files(expected);
        Map<String, byte[]> got = files(actual);
        assertEquals(want.keySet(), got.keySet());
        want.forEach((name, bytes) -> assertArrayEquals(bytes, got.get(name), name));
    }

    @Test
    void testsReadTheRepositorysTablesByteForByte() throws IOException {
        assertTrue(Files.isRegularFile(SOURCE.resolve("basic-with-inserts-deletes-checkpoint/_delta_log/._last_checkpoint.crc")),
                "a file Maven's default excludes would drop is in the repository");
        assertSameTree(SOURCE, GoldenTables.dir());
    }

    @Test
    void fromAJarTheTablesAreCopiedOutWhole() throws IOException {
        Path jar = tmp.resolve("testkit.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             Stream<Path> paths = Files.walk(SOURCE)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                String name = "golden/" + SOURCE.relativize(p).toString().replace('\\', '/');
                out.putNextEntry(new JarEntry(Files.isDirectory(p) && !name.endsWith("/") ? name + "/" : name));
                if (Files.isRegularFile(p)) {
                    out.write(Files.readAllBytes(p));
                }
                out.closeEntry();
            }
        }
        Path extracted = Files.createDirectory(tmp.resolve("extracted"));
        GoldenTables.extract(URI.create("jar:" + jar.toUri() + "!/golden/INDEX.md"), extracted);
        assertSameTree(SOURCE, extracted);
    }

    @Test
    void aMissingTableFailsTheTestInsteadOfSkippingIt() {
        AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> GoldenTables.table("no-such-table"));
        assertTrue(e.getMessage().contains("no-such-table"), e.getMessage());
    }

    @Test
    void aCopyIsWritableAndEqual() throws IOException {
        Path copy = GoldenTables.copy("snapshot-data3", tmp.resolve("copy"));
        assertSameTree(GoldenTables.table("snapshot-data3"), copy);
        try (Stream<Path> paths = Files.walk(copy)) {
            assertTrue(paths.filter(Files::isRegularFile).allMatch(Files::isWritable));
        }
    }
}
