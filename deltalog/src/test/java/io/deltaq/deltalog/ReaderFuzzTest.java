package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.internal.parquet.Compression;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileReader;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.deltalog.internal.parquet.ParquetFormatException;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStoreException;
import io.deltaq.testkit.TestS3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded corruptions of every kind of file a reader meets (commit JSON, checkpoint Parquet,
 * {@code _last_checkpoint}, message data files) in a small table written by deltaq on the local
 * store. Each case must end in the right answer (the snapshot and the messages of the clean table)
 * or in a deltaq exception that names the damaged file: never a hang, an {@link OutOfMemoryError}, a
 * wrong set of files or messages, or an unchecked exception of the JDK escaping.
 *
 * <p>{@code -Ddeltaq.fuzz.cases=N} runs N cases (default 300), {@code -Ddeltaq.fuzz.seed=S} starts
 * at seed S; a failing case prints its seed, and {@code -Ddeltaq.fuzz.cases=1 -Ddeltaq.fuzz.seed=S}
 * repeats it alone.
 *
 * <p>Commit JSON has no checksum: a corruption that leaves valid JSON with other valid values (a
 * digit of a size, a letter of {@code "add"}) describes another table, which no reader can tell from
 * the one written. For JSON the cases are therefore ones that break the file's syntax or types
 * (truncation, insertion, bit flips of its structure, huge or mistyped values, swapped fields): each
 * must be refused naming the file, or answered rightly.
 */
class ReaderFuzzTest {

    private static final int CASES = Integer.getInteger("deltaq.fuzz.cases", 300);
    private static final long FIRST_SEED = Long.getLong("deltaq.fuzz.seed", 1);
    private static final long CASE_TIMEOUT_SECONDS = 20;
    private static final String TABLE = "t";

    @TempDir
    static Path scratch;

    private static Path clean;
    /** Relative to the table directory. */
    private static List<String> commitFiles;
    private static List<String> checkpointFiles;
    private static List<String> dataFiles;
    private static Answer expected;
    private static ExecutorService runner;

    /**
     * What a reader concludes from a table: its version, its live files and their messages. (A file's
     * added-in version is left out: for files taken from a checkpoint it is the checkpoint's version,
     * so a reader that rightly falls back to an older checkpoint reports another, equally true, one.)
     */
    record Answer(long version, java.util.Set<String> files, Map<String, List<String>> messages) {
    }

    @BeforeAll
    static void writeTable() throws Exception {
        clean = scratch.resolve("clean");
        try (ObjectStore store = TestS3.local(clean)) {
            DeltaTable table = DeltaTable.at(store, TABLE, DeltaLogOptions.builder().defaultCheckpointInterval(3).build());
            table.createMessageTable();
            CommitWriter writer = table.newWriter("fuzz", table.snapshot(), Runnable::run);
            Compression[] codecs = {Compression.SNAPPY, Compression.UNCOMPRESSED, Compression.GZIP};
            int n = 0;
            for (int v = 1; v <= 7; v++) {
                Compression codec = codecs[v % codecs.length];
                MessageFileWriter fileWriter = new MessageFileWriter(codec);
                MessageBatch batch = new MessageBatch();
                int count = 2 + v % 3;
                for (int i = 0; i < count; i++, n++) {
                    byte[] key = n % 4 == 3 ? null : ("k-" + n).getBytes(StandardCharsets.UTF_8);
                    byte[] value = ("message-" + n + "-" + "x".repeat(n % 5)).getBytes(StandardCharsets.UTF_8);
                    batch.append(key, 0, key == null ? 0 : key.length, value, 0, value.length, 1_000_000L + n);
                }
                int length = fileWriter.encode(batch);
                String path = DeltaTable.newDataFilePath(codec);
                table.writeDataFile(path, java.nio.ByteBuffer.wrap(fileWriter.toByteArray())).get(30, TimeUnit.SECONDS);
                String stats = new MessageStats(count, 1_000_000L + n - count, 1_000_000L + n - 1, 0).toJson();
                writer.commit(v, List.of(AddFile.ofNewFile(path, length, 1, stats)), null).get(30, TimeUnit.SECONDS);
            }
            writer.lastCheckpoint().get(30, TimeUnit.SECONDS);
        }
        Path tableDir = clean.resolve(TABLE);
        commitFiles = list(tableDir, p -> p.startsWith("_delta_log/") && p.endsWith(".json"));
        checkpointFiles = list(tableDir, p -> p.endsWith(".checkpoint.parquet"));
        dataFiles = list(tableDir, p -> !p.startsWith("_delta_log/") && p.endsWith(".parquet"));
        assertEquals(8, commitFiles.size(), commitFiles.toString());
        assertEquals(2, checkpointFiles.size(), checkpointFiles.toString());
        assertEquals(7, dataFiles.size(), dataFiles.toString());
        runner = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "reader-fuzz");
            t.setDaemon(true);
            return t;
        });
        expected = read(clean);
        assertEquals(7, expected.version());
        assertEquals(7, expected.files().size());
    }

    @AfterAll
    static void stopRunner() {
        if (runner != null) {
            runner.shutdownNow();
        }
    }

    private static List<String> list(Path tableDir, java.util.function.Predicate<String> keep) throws IOException {
        try (Stream<Path> files = Files.walk(tableDir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> tableDir.relativize(p).toString().replace('\\', '/'))
                    .filter(keep)
                    .sorted()
                    .toList();
        }
    }

    /** The reader under test: a snapshot, then every live file read and decoded as a consumer does. */
    private static Answer read(Path root) throws Exception {
        try (ObjectStore store = TestS3.local(root)) {
            DeltaTable table = DeltaTable.at(store, TABLE);
            Snapshot snapshot = table.snapshot();
            java.util.Set<String> files = new java.util.TreeSet<>();
            Map<String, List<String>> messages = new TreeMap<>();
            try (MessageFileReader reader = new MessageFileReader()) {
                for (LiveFile file : snapshot.liveFiles()) {
                    files.add(file.path());
                    byte[] bytes = unwrap(() -> table.readDataFile(file).get(30, TimeUnit.SECONDS));
                    List<String> decoded = new ArrayList<>();
                    reader.decode(bytes, file.path(), (row, k, ko, kl, v, vo, vl, ts, hb, ho, hl) -> decoded.add(
                            (kl < 0 ? "null" : new String(k, ko, kl, StandardCharsets.UTF_8)) + "="
                                    + new String(v, vo, vl, StandardCharsets.UTF_8) + "@" + ts));
                    long stated = file.numRecordsFromStats();
                    if (stated >= 0 && stated != decoded.size()) {
                        throw new AssertionError("wrong count: " + file.path() + " decoded " + decoded.size()
                                + " rows, its statistics say " + stated);
                    }
                    messages.put(file.path(), decoded);
                }
            }
            return new Answer(snapshot.version(), files, messages);
        }
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T unwrap(Call<T> call) throws Exception {
        try {
            return call.call();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /* ------------------------------ the cases ------------------------------ */

    @Test
    void everyCorruptionEndsInTheRightAnswerOrANamedError() throws Exception {
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < CASES; i++) {
            long seed = FIRST_SEED + i;
            String failure = runCase(seed);
            if (failure != null) {
                failures.add("seed " + seed + ": " + failure);
                System.err.println("reader fuzz FAILED at seed " + seed + " (repeat with -Ddeltaq.fuzz.seed=" + seed
                        + " -Ddeltaq.fuzz.cases=1): " + failure);
            }
        }
        if (!failures.isEmpty()) {
            fail(failures.size() + " of " + CASES + " cases failed:\n" + String.join("\n", failures));
        }
    }

    /** Runs one case; null when it passed, otherwise what went wrong. */
    private static String runCase(long seed) throws Exception {
        Random random = new Random(seed);
        Path root = scratch.resolve("case-" + seed);
        copy(clean, root);
        Path tableDir = root.resolve(TABLE);
        Target target = Target.values()[random.nextInt(Target.values().length)];
        String file = switch (target) {
            case COMMIT -> commitFiles.get(random.nextInt(commitFiles.size()));
            case CHECKPOINT -> checkpointFiles.get(random.nextInt(checkpointFiles.size()));
            case LAST_CHECKPOINT -> "_delta_log/" + LogFiles.LAST_CHECKPOINT;
            case DATA -> dataFiles.get(random.nextInt(dataFiles.size()));
        };
        Path path = tableDir.resolve(file);
        byte[] before = Files.readAllBytes(path);
        Mutation mutation = target == Target.COMMIT || target == Target.LAST_CHECKPOINT
                ? Mutation.json(before, random) : Mutation.binary(before, random);
        Files.write(path, mutation.bytes());
        String what = target + " " + file + " " + mutation.description();
        Future<Answer> outcome = runner.submit(() -> read(root));
        try {
            Answer answer = outcome.get(CASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!answer.equals(expected)) {
                return what + ": a wrong answer " + answer + " instead of " + expected;
            }
            return null;
        } catch (TimeoutException e) {
            outcome.cancel(true);
            return what + ": no answer within " + CASE_TIMEOUT_SECONDS + " s (a hang?)";
        } catch (ExecutionException e) {
            return judge(e.getCause(), what, file, target);
        } finally {
            deleteRecursively(root);
        }
    }

    /** A failure passes when it is deltaq's own and names the damaged file (by name or, for data, path). */
    private static String judge(Throwable error, String what, String file, Target target) {
        boolean ours = error instanceof DeltaLogException || error instanceof ParquetFormatException
                || error instanceof ObjectStoreException;
        if (!ours) {
            return what + ": " + describe(error);
        }
        String name = file.substring(file.lastIndexOf('/') + 1);
        // A log file may also be named by its version (as "version 7" or "at or before version 7").
        String version = target == Target.COMMIT || target == Target.CHECKPOINT
                ? "version " + Long.parseLong(name.substring(0, 20)) : null;
        if (!chainMentions(error, name) && (version == null || !chainMentions(error, version))) {
            return what + ": the error names neither " + name + (version == null ? "" : " nor " + version) + ": "
                    + describe(error);
        }
        return null;
    }

    private static boolean chainMentions(Throwable error, String name) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(name)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable error) {
        StringBuilder s = new StringBuilder(error.toString());
        StackTraceElement[] trace = error.getStackTrace();
        for (int i = 0; i < Math.min(6, trace.length); i++) {
            s.append("\n        at ").append(trace[i]);
        }
        if (error.getCause() != null && error.getCause() != error) {
            s.append("\n    caused by ").append(describe(error.getCause()));
        }
        return s.toString();
    }

    enum Target { COMMIT, CHECKPOINT, LAST_CHECKPOINT, DATA }

    /** Corrupted bytes and how they came about, for the failure message. */
    record Mutation(byte[] bytes, String description) {

        private static final String[] WRONG_VALUES = {
            "{}", "[]", "\"x\"", "-1", "1e309", "99999999999999999999999", "null", "true", "\"\"", "{\"a\":[1,{}]}",
            "-9223372036854775809", "2147483648", "\"" + "%2e%2e/".repeat(3) + "x\"", "0.5", "[[[[[[[[[[]]]]]]]]]]"};

        /** JSON: truncation, insertion, a flipped structural character, a value swapped, huge or mistyped. */
        static Mutation json(byte[] original, Random random) {
            int kind = random.nextInt(6);
            return switch (kind) {
                case 0 -> truncateInsideALine(original, random);
                case 1 -> insert(original, random);
                case 2 -> flipStructure(original, random);
                case 3 -> replaceValue(original, random, WRONG_VALUES[random.nextInt(WRONG_VALUES.length)]);
                case 4 -> replaceValue(original, random, hugeNumber(random));
                default -> swapValues(original, random);
            };
        }

        /** Parquet: bit flips, truncation, insertion, a range swapped, a huge length written in. */
        static Mutation binary(byte[] original, Random random) {
            int kind = random.nextInt(6);
            return switch (kind) {
                case 0 -> flipBits(original, random, 1 + random.nextInt(3));
                case 1 -> truncate(original, random);
                case 2 -> insert(original, random);
                case 3 -> swapRanges(original, random);
                case 4 -> hugeLength(original, random);
                default -> flipBits(original, random, 1);
            };
        }

        static Mutation truncate(byte[] b, Random random) {
            int at = random.nextInt(b.length);
            return new Mutation(Arrays.copyOf(b, at), "truncated to " + at + " of " + b.length + " bytes");
        }

        /**
         * Truncation of newline-delimited JSON anywhere but next to a newline: cut there, the file is
         * a valid commit of fewer actions, which no reader can tell from one written so.
         */
        static Mutation truncateInsideALine(byte[] b, Random random) {
            int at = random.nextInt(b.length);
            while (at > 0 && (b[at - 1] == '\n' || b[at] == '\n')) {
                at--;
            }
            return new Mutation(Arrays.copyOf(b, at), "truncated to " + at + " of " + b.length + " bytes");
        }

        static Mutation insert(byte[] b, Random random) {
            int at = random.nextInt(b.length + 1);
            byte[] extra = new byte[1 + random.nextInt(16)];
            random.nextBytes(extra);
            byte[] out = new byte[b.length + extra.length];
            System.arraycopy(b, 0, out, 0, at);
            System.arraycopy(extra, 0, out, at, extra.length);
            System.arraycopy(b, at, out, at + extra.length, b.length - at);
            return new Mutation(out, "inserted " + HexFormat.of().formatHex(extra) + " at " + at);
        }

        static Mutation flipBits(byte[] b, Random random, int flips) {
            byte[] out = b.clone();
            StringBuilder d = new StringBuilder("flipped bits");
            for (int i = 0; i < flips; i++) {
                int at = random.nextInt(out.length);
                int bit = random.nextInt(8);
                out[at] ^= (byte) (1 << bit);
                d.append(' ').append(at).append(':').append(bit);
            }
            return new Mutation(out, d.toString() + " of " + b.length + " bytes");
        }

        static Mutation swapRanges(byte[] b, Random random) {
            int len = 1 + random.nextInt(Math.max(1, Math.min(32, b.length / 2)));
            if (b.length < 2 * len) {
                return truncate(b, random);
            }
            int x = random.nextInt(b.length - 2 * len + 1);
            int y = x + len + random.nextInt(b.length - x - 2 * len + 1);
            byte[] out = b.clone();
            System.arraycopy(b, x, out, y, len);
            System.arraycopy(b, y, out, x, len);
            return new Mutation(out, "swapped " + len + " bytes at " + x + " and " + y);
        }

        /** Four bytes of a large little-endian length (as Parquet and Thrift lengths are) written over the file. */
        static Mutation hugeLength(byte[] b, Random random) {
            if (b.length < 4) {
                return truncate(b, random);
            }
            int[] values = {Integer.MAX_VALUE, 0x7fff_fff0, 1 << 30, -1, Integer.MIN_VALUE, 0x0fff_ffff};
            int value = values[random.nextInt(values.length)];
            // Half of the cases aim at the footer length, the last length a reader trusts first.
            int at = random.nextBoolean() ? b.length - 8 : random.nextInt(b.length - 3);
            byte[] out = b.clone();
            out[at] = (byte) value;
            out[at + 1] = (byte) (value >>> 8);
            out[at + 2] = (byte) (value >>> 16);
            out[at + 3] = (byte) (value >>> 24);
            return new Mutation(out, "wrote length " + value + " at " + at + " of " + b.length + " bytes");
        }

        /** Flips a bit of one of JSON's structural characters, which no valid file can survive unnoticed. */
        static Mutation flipStructure(byte[] b, Random random) {
            List<Integer> structural = new ArrayList<>();
            boolean inString = false;
            for (int i = 0; i < b.length; i++) {
                byte c = b[i];
                if (c == '"' && (i == 0 || b[i - 1] != '\\')) {
                    inString = !inString;
                    structural.add(i);
                } else if (!inString && (c == '{' || c == '}' || c == '[' || c == ']' || c == ':' || c == ',')) {
                    structural.add(i);
                }
            }
            if (structural.isEmpty()) {
                return truncate(b, random);
            }
            int at = structural.get(random.nextInt(structural.size()));
            int bit = random.nextInt(8);
            byte[] out = b.clone();
            out[at] ^= (byte) (1 << bit);
            return new Mutation(out, "flipped bit " + bit + " of '" + (char) b[at] + "' at " + at);
        }

        /** Replaces the value of a random field (a string, number, literal or container) with {@code value}. */
        static Mutation replaceValue(byte[] b, Random random, String value) {
            String text = new String(b, StandardCharsets.UTF_8);
            List<int[]> spans = valueSpans(text);
            if (spans.isEmpty()) {
                return truncate(b, random);
            }
            int[] span = spans.get(random.nextInt(spans.size()));
            String out = text.substring(0, span[0]) + value + text.substring(span[1]);
            return new Mutation(out.getBytes(StandardCharsets.UTF_8), "replaced the value " + text.substring(span[0],
                    Math.min(span[1], span[0] + 60)) + " at " + span[0] + " with " + value);
        }

        /** Exchanges the values of two fields of one line: mostly a type error, sometimes a harmless swap. */
        static Mutation swapValues(byte[] b, Random random) {
            String text = new String(b, StandardCharsets.UTF_8);
            List<int[]> spans = valueSpans(text);
            if (spans.size() < 2) {
                return truncate(b, random);
            }
            int[] x = spans.get(random.nextInt(spans.size()));
            int[] y = spans.get(random.nextInt(spans.size()));
            if (x[0] == y[0] || (x[0] < y[1] && y[0] < x[1])) {
                return replaceValue(b, random, "null");
            }
            int[] first = x[0] < y[0] ? x : y;
            int[] second = x[0] < y[0] ? y : x;
            String out = text.substring(0, first[0]) + text.substring(second[0], second[1])
                    + text.substring(first[1], second[0]) + text.substring(first[0], first[1]) + text.substring(second[1]);
            return new Mutation(out.getBytes(StandardCharsets.UTF_8), "swapped the values at " + first[0] + " and "
                    + second[0]);
        }

        private static String hugeNumber(Random random) {
            String[] huge = {"9223372036854775807", "9223372036854775808", "-9223372036854775808", "2147483647",
                "1" + "0".repeat(400), "1e2147483647", "-0", "4294967296"};
            return huge[random.nextInt(huge.length)];
        }

        /** [start, end) of every value that follows a {@code "name":}, by a scan that knows JSON's strings and nesting. */
        private static List<int[]> valueSpans(String text) {
            List<int[]> spans = new ArrayList<>();
            for (int i = 0; i < text.length(); i++) {
                if (text.charAt(i) == ':' && i > 0 && text.charAt(i - 1) == '"' && !insideString(text, i)) {
                    int start = i + 1;
                    int end = valueEnd(text, start);
                    if (end > start) {
                        spans.add(new int[] {start, end});
                    }
                }
            }
            return spans;
        }

        private static boolean insideString(String text, int at) {
            boolean in = false;
            for (int i = text.lastIndexOf('\n', at) + 1; i < at; i++) {
                char c = text.charAt(i);
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    in = !in;
                }
            }
            return in;
        }

        private static int valueEnd(String text, int start) {
            if (start >= text.length()) {
                return start;
            }
            char c = text.charAt(start);
            if (c == '"') {
                for (int i = start + 1; i < text.length(); i++) {
                    if (text.charAt(i) == '\\') {
                        i++;
                    } else if (text.charAt(i) == '"') {
                        return i + 1;
                    }
                }
                return start;
            }
            if (c == '{' || c == '[') {
                int depth = 0;
                boolean in = false;
                for (int i = start; i < text.length(); i++) {
                    char d = text.charAt(i);
                    if (in) {
                        if (d == '\\') {
                            i++;
                        } else if (d == '"') {
                            in = false;
                        }
                    } else if (d == '"') {
                        in = true;
                    } else if (d == '{' || d == '[') {
                        depth++;
                    } else if ((d == '}' || d == ']') && --depth == 0) {
                        return i + 1;
                    }
                }
                return start;
            }
            int i = start;
            while (i < text.length() && ",}]\n".indexOf(text.charAt(i)) < 0) {
                i++;
            }
            return i;
        }
    }

    /* ------------------------------ files ------------------------------ */

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
