package io.deltaq.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The reference Delta tables written by Spark, delta-rs and delta-kernel-rs (resources under
 * {@code golden/}; {@code golden/README.md} names where each comes from and its licence,
 * {@code golden/INDEX.md} what each exercises). A missing table fails the test, never skips it.
 *
 * <p>They ship inside this module, so a clone of the repository anywhere has them. Maven puts a
 * module's jar on the test class path of the modules after it, and tests need real directories, so
 * from a jar they are copied once per JVM into a temporary directory, removed when the JVM exits.
 */
public final class GoldenTables {

    private static final String ROOT = "golden";
    private static Path dir;

    private GoldenTables() {
    }

    /** The directory holding every reference table and {@code INDEX.md}. */
    public static synchronized Path dir() {
        if (dir == null) {
            dir = locate();
        }
        return dir;
    }

    /** The reference table {@code name} (a path under the directory, e.g. {@code delta-rs/data_err_logs/table_b}). */
    public static Path table(String name) {
        Path table = dir().resolve(name);
        if (!Files.isDirectory(table)) {
            fail("reference table " + name + " is missing from " + dir());
        }
        return table;
    }

    /** Copies table {@code name} into {@code target}, writable, for tests that change or damage it. */
    public static Path copy(String name, Path target) {
        copyTree(table(name), target);
        return target;
    }

    /** A file's bytes. */
    public static byte[] bytes(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path locate() {
        URL index = GoldenTables.class.getClassLoader().getResource(ROOT + "/INDEX.md");
        if (index == null) {
            fail("reference tables missing: no " + ROOT + "/INDEX.md on the class path (testkit's resources)");
        }
        try {
            URI uri = index.toURI();
            if ("file".equals(uri.getScheme())) {
                return Path.of(uri).getParent();
            }
            Path extracted = Files.createTempDirectory("deltaq-golden-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(extracted), "golden-tables-cleanup"));
            return extract(uri, extracted);
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the reference tables at " + index, e);
        }
    }

    /** Copies the tables out of the jar whose {@code golden/INDEX.md} is {@code indexInJar} into {@code target}. */
    static Path extract(URI indexInJar, Path target) throws IOException {
        try (FileSystem jar = FileSystems.newFileSystem(indexInJar, Map.of())) {
            copyTree(jar.getPath("/" + ROOT), target);
        }
        return target;
    }

    private static void copyTree(Path source, Path target) {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                // Relative as text: source and target may belong to different file systems (a jar).
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                    dest.toFile().setWritable(true);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort at JVM exit: a temporary directory
        }
    }
}
