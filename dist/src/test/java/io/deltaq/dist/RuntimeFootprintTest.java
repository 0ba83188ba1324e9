package io.deltaq.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * Measures what each library module pulls in at runtime (its own jar plus the runtime class path its
 * build wrote to {@code target/classpath.txt}), writes the table to
 * {@code dist/target/runtime-footprint.md}, and holds the README's copy to it: the jar counts
 * exactly, the megabytes to within one (our own jars change with every commit; a new dependency
 * changes the count).
 */
class RuntimeFootprintTest {

    private static final List<String> MODULES = List.of("s3io", "deltalog", "producer", "consumer", "topic", "cli");
    private static final String START = "<!-- runtime-footprint:start -->";
    private static final String END = "<!-- runtime-footprint:end -->";
    private static final Pattern README_ROW = Pattern.compile("\\| `io\\.deltaq:deltaq-([a-z0-9]+)` \\| (\\d+) \\| (\\d+) \\|");

    private record Footprint(int jars, long bytes) {
        long megabytes() {
            return Math.round(bytes / (1024.0 * 1024.0));
        }
    }

    @Test
    void theReadmeTableIsWhatEachModulePullsIn() throws IOException {
        Path root = Path.of(System.getProperty("deltaq.root"));
        String version = System.getProperty("deltaq.version");
        Map<String, Footprint> measured = new LinkedHashMap<>();
        for (String module : MODULES) {
            measured.put(module, measure(root.resolve(module).resolve("target"), "deltaq-" + module + "-" + version + ".jar"));
        }
        String table = table(measured);
        Files.writeString(root.resolve("dist").resolve("target").resolve("runtime-footprint.md"), table,
                StandardCharsets.UTF_8);

        String readme = Files.readString(root.resolve("README.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf(START);
        int end = readme.indexOf(END);
        assertTrue(start >= 0 && end > start, "README.md has the table between " + START + " and " + END);
        Map<String, Footprint> documented = new LinkedHashMap<>();
        Matcher row = README_ROW.matcher(readme.substring(start, end));
        while (row.find()) {
            documented.put(row.group(1), new Footprint(Integer.parseInt(row.group(2)),
                    Long.parseLong(row.group(3)) * 1024 * 1024));
        }
        String stale = "README.md's runtime table is stale; the build measured (dist/target/runtime-footprint.md):\n" + table;
        assertEquals(measured.keySet(), documented.keySet(), stale);
        for (String module : MODULES) {
            assertEquals(measured.get(module).jars(), documented.get(module).jars(), module + ": " + stale);
            assertTrue(Math.abs(measured.get(module).megabytes() - documented.get(module).megabytes()) <= 1,
                    module + ": " + stale);
        }
    }

    /** The module's jar and every entry of its runtime class path: how many, and their bytes. */
    private static Footprint measure(Path target, String jarName) throws IOException {
        Path jar = target.resolve(jarName);
        assertTrue(Files.isRegularFile(jar), "the build made " + jar);
        List<Path> entries = new ArrayList<>();
        entries.add(jar);
        String classPath = Files.readString(target.resolve("classpath.txt"), StandardCharsets.UTF_8).trim();
        if (!classPath.isEmpty()) {
            for (String entry : classPath.split(java.io.File.pathSeparator)) {
                entries.add(Path.of(entry));
            }
        }
        long bytes = 0;
        for (Path entry : entries) {
            bytes += size(entry);
        }
        return new Footprint(entries.size(), bytes);
    }

    /** A jar's bytes; a module in the same build may be its classes directory. */
    private static long size(Path entry) throws IOException {
        if (!Files.isDirectory(entry)) {
            return Files.size(entry);
        }
        try (Stream<Path> files = Files.walk(entry)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        }
    }

    private static String table(Map<String, Footprint> measured) {
        StringBuilder md = new StringBuilder("| module | jars at runtime | MB |\n|---|---:|---:|\n");
        measured.forEach((module, f) -> md.append(String.format(Locale.ROOT, "| `io.deltaq:deltaq-%s` | %d | %d |%n",
                module, f.jars(), f.megabytes())));
        return md.toString();
    }
}
