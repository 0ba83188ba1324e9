package io.deltaq.deltalog.internal.parquet;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The reference tables under {@code deltaq.golden.dir}; a missing directory fails the test, it never skips. */
final class Golden {
    private Golden() {
    }

    static Path dir() {
        String dir = System.getProperty("deltaq.golden.dir");
        if (dir == null) {
            fail("system property deltaq.golden.dir is not set (the parent pom sets it for surefire)");
        }
        Path path = Path.of(dir);
        if (!Files.isDirectory(path)) {
            fail("golden tables directory " + path.toAbsolutePath() + " (deltaq.golden.dir) does not exist");
        }
        return path;
    }

    static Path table(String name) {
        Path p = dir().resolve(name);
        if (!Files.isDirectory(p)) {
            fail("golden table " + p + " is missing");
        }
        return p;
    }

    static byte[] bytes(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
