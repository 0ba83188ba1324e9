package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** The reference tables in {@code shared/golden}, located by the system property the parent pom sets. */
final class Golden {

    private Golden() {
    }

    /** The golden directory; fails (never skips) when it is not configured or missing. */
    static Path dir() {
        String dir = System.getProperty("deltaq.golden.dir");
        if (dir == null || dir.isBlank()) {
            fail("system property deltaq.golden.dir is not set (the parent pom sets it for surefire)");
        }
        Path path = Path.of(dir).toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(path.resolve("INDEX.md")), "golden tables missing at " + path);
        return path;
    }

    /** Copies a golden table into {@code target} (for tests that write or damage it). */
    static Path copy(String table, Path target) {
        Path source = dir().resolve(table);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
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
        return target;
    }
}
