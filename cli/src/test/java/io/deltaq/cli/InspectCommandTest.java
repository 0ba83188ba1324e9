package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.deltaq.deltalog.CommitWriter;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Maintenance;
import io.deltaq.deltalog.TableLease;
import io.deltaq.deltalog.MaintenanceReport;
import io.deltaq.deltalog.MaintenanceRunner;
import io.deltaq.deltalog.MessageStats;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.internal.parquet.MessageBatch;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.s3io.LocalObjectStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3server.EmbeddedS3Server;
import io.deltaq.testkit.GoldenTables;
import io.deltaq.testkit.TestS3;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code deltaq inspect} run in process on the golden tables, an S3 table, and broken tables. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class InspectCommandTest {

    /** What INDEX.md states for a table deltaq reads. */
    record Expected(long version, int files, long rows, Map<String, Long> txns, Long checkpointVersion) {
    }

    private static final Map<String, Expected> READABLE = new LinkedHashMap<>();

    static {
        READABLE.put("time-travel-start-start20-start40", new Expected(2, 6, 30, Map.of(), null));
        READABLE.put("snapshot-data3", new Expected(3, 4, 30, Map.of(), null));
        READABLE.put("basic-with-inserts-deletes-checkpoint", new Expected(13, 7, 41, Map.of(), 10L));
        READABLE.put("multi-part-checkpoint", new Expected(1, 10, 31, Map.of(), 1L));
        READABLE.put("data-reader-escaped-chars", new Expected(2, 3, 3, Map.of(), null));
        READABLE.put("delta-kernel-rs/app-txn-checkpoint",
                new Expected(1, 4, 22, Map.of("my-app", 3L, "my-app2", 2L), 1L));
        READABLE.put("delta-rs/data_err_logs/table_b", new Expected(13, 130, 130, Map.of(), 10L));
    }

    /** Tables INDEX.md marks "must fail", with what the one line on stderr must name. */
    private static final Map<String, List<String>> MUST_FAIL = Map.of(
            "versions-not-contiguous", List.of("missing version 1", "00000000000000000001.json"),
            "deltalog-invalid-protocol-version", List.of("reader version 99"),
            "log-replay-dv-key-cases", List.of("deletionVectors"),
            "v2-checkpoint-parquet", List.of("v2Checkpoint"));

    @TempDir
    Path tmp;


    private static CapturedIo run(int expectedStatus, String... args) {
        CapturedIo captured = new CapturedIo();
        assertEquals(expectedStatus, DeltaqMain.run(args, captured.io),
                () -> "deltaq " + String.join(" ", args) + "\nstdout: " + captured.out() + "\nstderr: " + captured.err());
        return captured;
    }

    /** Runs {@code inspect --json TABLE...}, expects success and one JSON object on one line. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> inspectJson(String... tableArgs) throws IOException {
        String[] args = new String[tableArgs.length + 2];
        args[0] = "inspect";
        args[1] = "--json";
        System.arraycopy(tableArgs, 0, args, 2, tableArgs.length);
        CapturedIo captured = run(0, args);
        assertEquals("", captured.err());
        String out = captured.out();
        assertTrue(out.endsWith("\n") && out.indexOf('\n') == out.length() - 1, "one line: " + out);
        return (Map<String, Object>) InspectCommand.parseJson(out);
    }

    /** Runs inspect and expects exit status 1, nothing on stdout and exactly one line on stderr. */
    private static String inspectFailure(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "inspect";
        System.arraycopy(args, 0, all, 1, args.length);
        CapturedIo captured = run(1, all);
        assertEquals("", captured.out());
        String err = captured.err();
        assertTrue(err.startsWith("deltaq inspect: ") && err.endsWith("\n") && err.indexOf('\n') == err.length() - 1,
                "exactly one line on stderr: " + err);
        assertTrue(!err.contains("\tat ") && !err.contains("Exception"), "no stack trace or exception name: " + err);
        return err;
    }

    private static long number(Map<String, Object> json, String field) {
        Object value = json.get(field);
        assertTrue(value instanceof Number, field + " is a number: " + json);
        return ((Number) value).longValue();
    }

    @Test
    void everyGoldenTableIsCovered() throws IOException {
        // A table added to INDEX.md must be added here too, with its expectations.
        Set<String> indexed = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([^`]+)` \\|").matcher(Files.readString(GoldenTables.dir().resolve("INDEX.md")));
        while (row.find()) {
            indexed.add(row.group(1));
        }
        Set<String> tested = new TreeSet<>(READABLE.keySet());
        tested.addAll(MUST_FAIL.keySet());
        assertEquals(indexed, tested);
    }

    @Test
    @SuppressWarnings("unchecked")
    void readableGoldenTablesGiveTheIndexNumbers() throws IOException {
        for (Map.Entry<String, Expected> e : READABLE.entrySet()) {
            Path table = GoldenTables.dir().resolve(e.getKey());
            Expected expected = e.getValue();
            Map<String, Object> json = inspectJson(table.toString());
            String name = e.getKey();
            assertEquals(expected.version(), number(json, "version"), name);
            assertEquals(expected.files(), number(json, "numFiles"), name);
            assertEquals(expected.rows(), number(json, "numRecords"), name);
            Map<String, Long> txns = new LinkedHashMap<>();
            ((Map<String, Object>) json.get("txns")).forEach((app, v) -> txns.put(app, ((Number) v).longValue()));
            assertEquals(expected.txns(), txns, name);
            assertTrue(json.containsKey("checkpointVersion"), name);
            Object checkpoint = json.get("checkpointVersion");
            assertEquals(expected.checkpointVersion(), checkpoint == null ? null : ((Number) checkpoint).longValue(), name);
            Map<String, Object> protocol = (Map<String, Object>) json.get("protocol");
            assertTrue(number(protocol, "minReaderVersion") >= 1, name);
            assertTrue(number(protocol, "minWriterVersion") >= 1, name);
            assertTrue(protocol.get("readerFeatures") instanceof List, name);
            assertTrue(protocol.get("writerFeatures") instanceof List, name);
            assertTrue(json.get("metadataId") instanceof String, name);
            assertEquals("struct", ((Map<String, Object>) json.get("schema")).get("type"), name);
            assertTrue(json.get("partitionColumns") instanceof List, name);
            assertTrue(json.get("configuration") instanceof Map, name);
            assertTrue(((String) json.get("table")).startsWith("file:"), name);
        }
    }

    @Test
    void goldenTableDetails() throws IOException {
        Path golden = GoldenTables.dir();
        Map<String, Object> escaped = inspectJson(golden.resolve("data-reader-escaped-chars").toString());
        assertEquals(List.of("_2"), escaped.get("partitionColumns"));
        assertEquals(3L, number(escaped, "filesCountedFromFooters"), "no stats: every count from a footer");
        Map<String, Object> multiPart = inspectJson(golden.resolve("multi-part-checkpoint").toUri().toString());
        assertEquals(Map.of("delta.checkpointInterval", "1"), multiPart.get("configuration"));
        assertEquals("testId", multiPart.get("metadataId"));
        // table_b has no data files at all: the count can only come from statistics.
        Path tableB = golden.resolve("delta-rs/data_err_logs/table_b");
        try (Stream<Path> files = Files.list(tableB)) {
            assertEquals(List.of(tableB.resolve("_delta_log")), files.toList());
        }
        assertEquals(0L, number(inspectJson(tableB.toString()), "filesCountedFromFooters"));
    }

    @Test
    void mustFailGoldenTablesExit1WithOneLineNamingTheReason() {
        for (Map.Entry<String, List<String>> e : MUST_FAIL.entrySet()) {
            for (boolean json : new boolean[] {true, false}) {
                String table = GoldenTables.dir().resolve(e.getKey()).toString();
                String err = json ? inspectFailure("--json", table) : inspectFailure(table);
                assertTrue(err.contains(e.getKey()), "names the table: " + err);
                for (String reason : e.getValue()) {
                    assertTrue(err.contains(reason), e.getKey() + " names '" + reason + "': " + err);
                }
            }
        }
    }

    @Test
    void textOutputShowsEveryPart() {
        CapturedIo captured = run(0, "inspect", GoldenTables.dir().resolve("delta-kernel-rs/app-txn-checkpoint").toString());
        assertEquals("", captured.err());
        String out = captured.out();
        for (String line : List.of(
                "version:            1",
                "checkpoint:         version 1",
                "protocol:           reader version 1, writer version 2",
                "metadata id:        e7802058-f49c-4f0b-937f-82a3e42781a3",
                "partition columns:  modified",
                "configuration:      none",
                "files:              4 (3198 bytes)",
                "records:            22 (from statistics)",
                "txns:",
                "  my-app:           3",
                "  my-app2:          2",
                "schema:",
                "  id: string (nullable)",
                "  value: integer (nullable)",
                "  modified: string (nullable)")) {
            assertTrue(out.contains("\n" + line + "\n") || out.startsWith(line + "\n"), "line '" + line + "' in\n" + out);
        }
        String footers = run(0, "inspect", GoldenTables.dir().resolve("time-travel-start-start20-start40").toString()).out();
        assertTrue(footers.contains("\nrecords:            30 (from Parquet footers)\n"), footers);
        assertTrue(footers.contains("\ncheckpoint:         none (read from commits)\n"), footers);
    }

    @Test
    void aMessageTableOnS3ThroughTheEmbeddedServer() throws Exception {
        EmbeddedS3Server server = TestS3.server();
        String address = TestS3.freshAddress("inspect");
        try (ObjectStore store = TestS3.open(address)) {
            writeMessageTable(store, 3, 4);
            DeltaTable.at(store, "").checkpoint(2);
        }
        // The SDK's default credential chain reads these system properties before the environment.
        String oldKey = System.setProperty("aws.accessKeyId", server.accessKey());
        String oldSecret = System.setProperty("aws.secretAccessKey", server.secretKey());
        try {
            Map<String, Object> json = inspectJson("--endpoint", server.endpoint().toString(),
                    "--region", server.region(), address);
            assertEquals(3L, number(json, "version"));
            assertEquals(3L, number(json, "numFiles"));
            assertEquals(12L, number(json, "numRecords"));
            assertEquals(0L, number(json, "filesCountedFromFooters"));
            assertEquals(Map.of("producer-1", 3), json.get("txns"));
            assertEquals(2L, number(json, "checkpointVersion"));
            assertEquals(address, json.get("table"));
            assertEquals(Map.of("minReaderVersion", 1, "minWriterVersion", 2,
                    "readerFeatures", List.of(), "writerFeatures", List.of()), json.get("protocol"));

            String missing = inspectFailure("--endpoint", server.endpoint().toString(), address + "-missing");
            assertTrue(missing.startsWith("deltaq inspect: " + address + "-missing (endpoint " + server.endpoint()),
                    missing);
            assertTrue(missing.contains(": no Delta table here"), missing);
        } finally {
            restore("aws.accessKeyId", oldKey);
            restore("aws.secretAccessKey", oldSecret);
        }
    }

    private static void restore(String property, String old) {
        if (old == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, old);
        }
    }

    /** Creates a message table and appends {@code commits} batches of {@code perCommit} messages. */
    static void writeMessageTable(ObjectStore store, int commits, int perCommit) {
        DeltaTable table = DeltaTable.at(store, "");
        table.createMessageTable();
        CommitWriter writer = table.newWriter("producer-1", table.snapshot(), null);
        try (MessageFileWriter encoder = new MessageFileWriter()) {
            for (int c = 1; c <= commits; c++) {
                MessageBatch batch = new MessageBatch();
                for (int i = 0; i < perCommit; i++) {
                    byte[] value = ("commit " + c + " message " + i).getBytes(StandardCharsets.UTF_8);
                    batch.append(null, 0, MessageBatch.NULL_LENGTH, value, 0, value.length, 1_700_000_000_000_000L + i);
                }
                int length = encoder.encode(batch);
                String path = "part-" + UUID.randomUUID() + ".parquet";
                store.put(path, encoder.toByteArray()).join();
                writer.commit(c, List.of(AddFile.ofNewFile(path, length, System.currentTimeMillis(),
                        MessageStats.of(encoder.stats()).toJson()))).join();
            }
        }
    }

    @Test
    void missingTables() throws IOException {
        Path nowhere = tmp.resolve("no-such-dir");
        String err = inspectFailure(nowhere.toString());
        assertTrue(err.contains(nowhere + ": no Delta table here (no such directory)"), err);
        assertTrue(Files.notExists(nowhere), "inspect does not create the directory");

        Path empty = Files.createDirectory(tmp.resolve("empty"));
        err = inspectFailure("--json", empty.toUri().toString());
        assertTrue(err.contains("no Delta table here (_delta_log holds no commit or checkpoint)"), err);

        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertTrue(inspectFailure(file.toString()).contains("no Delta table here (not a directory)"));
    }

    @Test
    void corruptCommitIsNamedWithItsVersion() throws IOException {
        Path table = copyGolden("time-travel-start-start20-start40");
        Path commit = table.resolve("_delta_log/00000000000000000001.json");
        String text = Files.readString(commit);
        Files.writeString(commit, text.substring(0, text.length() / 2));
        String err = inspectFailure("--json", table.toString());
        assertTrue(err.contains("00000000000000000001.json (version 1)"), err);
        assertTrue(err.contains("truncated JSON"), err);

        Files.writeString(commit, "{\"commitInfo\":{}}\n{\"add\": {\"path\": nope}}\n");
        err = inspectFailure(table.toString());
        assertTrue(err.contains("00000000000000000001.json (version 1), line 2, column"), err);
        assertTrue(err.contains("invalid JSON"), err);

        Files.writeString(commit, "{\"add\": [1, 2]}\n");
        err = inspectFailure(table.toString());
        assertTrue(err.contains("00000000000000000001.json (version 1), line 1: field 'add' of 'add' should be an object"),
                err);
    }

    @Test
    void missingOrCorruptDataFileWithoutStatisticsIsNamed() throws IOException {
        Path table = copyGolden("time-travel-start-start20-start40");
        List<Path> parquet;
        try (Stream<Path> files = Files.list(table)) {
            parquet = files.filter(p -> p.toString().endsWith(".parquet")).sorted().toList();
        }
        Files.write(parquet.get(0), "not parquet at all".getBytes(StandardCharsets.UTF_8));
        String err = inspectFailure(table.toString());
        assertTrue(err.contains(parquet.get(0).getFileName().toString()) && err.contains("cannot be read"), err);

        Files.delete(parquet.get(0));
        err = inspectFailure(table.toString());
        assertTrue(err.contains(parquet.get(0).getFileName() + "' (added at or before version"), err);
        assertTrue(err.contains("does not exist"), err);
    }

    @Test
    void aMessageTableOnTheLocalFilesystem() throws IOException {
        Path dir = tmp.resolve("topic");
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            writeMessageTable(store, 2, 5);
        }
        Map<String, Object> json = inspectJson(dir.toString());
        assertEquals(2L, number(json, "version"));
        assertEquals(10L, number(json, "numRecords"));
        assertNull(json.get("checkpointVersion"));
        String text = run(0, "inspect", dir.toString()).out();
        assertTrue(text.contains("\nschema:\n  key: binary (nullable)\n  value: binary\n  timestamp: timestamp\n"), text);
        assertTrue(text.contains("\n  delta.checkpointInterval:"), text);
    }

    @Test
    void theNewestCommitsAreListedWithTheirTimeFilesRecordsOperationAndWriter() throws IOException {
        Path dir = tmp.resolve("history");
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            writeMessageTable(store, 3, 4);
        }
        Map<String, Object> json = inspectJson("--commits", "2", dir.toString());
        List<?> commits = (List<?>) json.get("commits");
        assertEquals(2, commits.size(), json.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> newest = (Map<String, Object>) commits.get(0);
        assertEquals(3L, number(newest, "version"));
        assertEquals(1L, number(newest, "filesAdded"));
        assertEquals(0L, number(newest, "filesRemoved"));
        assertEquals(4L, number(newest, "records"));
        assertEquals("WRITE", newest.get("operation"));
        assertEquals("producer-1", newest.get("writer"));
        assertTrue(Instant.parse((String) newest.get("timestamp")).isAfter(Instant.now().minusSeconds(600)), newest.toString());
        assertNull(inspectJson(dir.toString()).get("commits"), "no commits field unless asked");

        String text = run(0, "inspect", "--commits", "10", dir.toString()).out();
        int at = text.indexOf("commits (newest first):\n");
        assertTrue(at >= 0, text);
        List<String> lines = text.substring(at).lines().skip(1).toList();
        assertEquals(5, lines.size(), "a header and versions 3, 2, 1 and 0 (the table's creation): " + lines);
        assertTrue(lines.get(0).matches(" +version +time +added +removed +records +operation +writer"), lines.get(0));
        assertTrue(lines.get(1).matches(" +3 +\\S+Z +1 +0 +4 +WRITE +producer-1"), lines.get(1));
        assertTrue(lines.get(4).matches(" +0 +.*"), lines.get(4));
        assertTrue(run(2, "inspect", "--commits", "0", dir.toString()).err().contains("--commits"));
    }

    @Test
    void wrongCommandLinesAreUsageErrors() {
        CapturedIo endpoint = run(2, "inspect", "--endpoint", "http://127.0.0.1:1", tmp.toString());
        assertTrue(endpoint.err().startsWith("deltaq inspect: --endpoint applies to s3:// tables only"), endpoint.err());
        assertTrue(run(2, "inspect").err().startsWith("deltaq inspect: missing TABLE"));
        assertTrue(run(2, "inspect", "a", "b").err().startsWith("deltaq inspect: too many arguments"));
        assertTrue(run(2, "inspect", "http://example.com/t").err()
                .startsWith("deltaq inspect: TABLE: unsupported table address 'http://example.com/t'"));
        assertTrue(run(2, "inspect", "--endpoint", "not a url", "s3://b/t").err()
                .startsWith("deltaq inspect: --endpoint"));
        assertTrue(run(0, "inspect", "--help").out().startsWith("usage: deltaq inspect [-h] [--json] [--commits=N] [--endpoint=URL] [--region=NAME] TABLE"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Map<String, Object> json, String field) {
        Object value = json.get(field);
        assertTrue(value instanceof Map, field + " is an object: " + json);
        return (Map<String, Object>) value;
    }

    private static void assertLine(String out, String line) {
        assertTrue(out.contains("\n" + line + "\n"), "line '" + line + "' in\n" + out);
    }

    /** A new message table: every maintenance setting but the one creation writes is the default; nothing ran yet. */
    @Test
    void aFreshTableShowsDefaultMaintenanceAndNeverARun() throws IOException {
        Path dir = tmp.resolve("fresh");
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            DeltaTable.at(store, "").createMessageTable();
        }
        Map<String, Object> maintenance = object(inspectJson(dir.toString()), "maintenance");
        Map<String, Object> settings = object(maintenance, "settings");
        assertEquals(List.of("deltaq.retention.ms", "deltaq.retention.bytes", "deltaq.compaction.min.age.ms",
                "deltaq.compaction.target.bytes", "deltaq.maintenance.interval.ms", "delta.deletedFileRetentionDuration",
                "delta.logRetentionDuration", "delta.setTransactionRetentionDuration"), List.copyOf(settings.keySet()));
        Map<String, Object> expectedDefaults = new LinkedHashMap<>();
        expectedDefaults.put("deltaq.retention.ms", 604_800_000L);
        expectedDefaults.put("deltaq.retention.bytes", -1L);
        expectedDefaults.put("deltaq.compaction.min.age.ms", 600_000L);
        expectedDefaults.put("deltaq.compaction.target.bytes", 134_217_728L);
        expectedDefaults.put("deltaq.maintenance.interval.ms", 60_000L);
        expectedDefaults.put("delta.deletedFileRetentionDuration", 604_800_000L);
        expectedDefaults.put("delta.logRetentionDuration", 2_592_000_000L);
        expectedDefaults.forEach((key, value) -> {
            Map<String, Object> setting = object(settings, key);
            assertEquals(value, number(setting, "value"), key);
            assertEquals("default", setting.get("source"), key);
            assertTrue(setting.containsKey("property") && setting.get("property") == null, key);
        });
        Map<String, Object> txnRetention = object(settings, "delta.setTransactionRetentionDuration");
        assertEquals(604_800_000L, number(txnRetention, "value"));
        assertEquals("table property", txnRetention.get("source"));
        assertEquals("interval 7 days", txnRetention.get("property"));

        assertEquals(Map.of("count", 0, "bytes", 0), object(maintenance, "liveFiles"));
        assertEquals(Map.of("count", 0, "bytes", 0, "withoutSize", 0), object(maintenance, "removedFiles"));
        assertEquals(0L, number(maintenance, "logStartVersion"));
        assertEquals(0L, number(maintenance, "oldestVersionInLog"));
        for (String none : List.of("compactedThroughVersion", "lease", "lastRun", "newestCheckpoint")) {
            assertTrue(maintenance.containsKey(none) && maintenance.get(none) == null, none + " in " + maintenance);
        }

        String text = run(0, "inspect", dir.toString()).out();
        assertTrue(text.contains("\nmaintenance:\n"), text);
        for (String line : List.of(
                "  deltaq.retention.ms:                    604800000 ms (default)",
                "  deltaq.retention.bytes:                 no limit (default)",
                "  deltaq.compaction.target.bytes:         134217728 bytes (default)",
                "  delta.logRetentionDuration:             2592000000 ms (default)",
                "  delta.setTransactionRetentionDuration:  604800000 ms (table property 'interval 7 days')",
                "  live files:                             0 (0 bytes)",
                "  removed files:                          0 (0 bytes, kept as tombstones)",
                "  log start version:                      0",
                "  compacted through:                      none",
                "  oldest version in log:                  0",
                "  lease:                                  none",
                "  last run:                               never")) {
            assertLine(text, line);
        }
        assertTrue(text.endsWith("\n  newest checkpoint:                      none\n"), text);
    }

    /**
     * A table after a real maintenance pass (compaction of three commits into one file, run by a
     * {@link MaintenanceRunner} with a clock two hours ahead) and a checkpoint: the counts, log start
     * version, lease, last run and checkpoint size inspect shows are those of the table and the run.
     */
    @Test
    @SuppressWarnings("unchecked")
    void aTableAfterAMaintenanceRunShowsItsState() throws Exception {
        Path dir = tmp.resolve("maintained");
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            writeMessageTable(store, 3, 4); // versions 0 (creation) and 1..3, one file each
            DeltaTable table = DeltaTable.at(store, "");
            long originalBytes = table.snapshot().sizeInBytes();
            table.setProperties(Map.of("deltaq.retention.ms", "2592000000"), Set.of()); // 30 days: nothing expires

            List<Object> reports = new CopyOnWriteArrayList<>();
            List<Long> epochs = new CopyOnWriteArrayList<>();
            CountDownLatch ended = new CountDownLatch(1);
            long twoHours = TimeUnit.HOURS.toMillis(2);
            TableLease lease = new TableLease(table, "inspect-test", Duration.ofSeconds(30), Duration.ofSeconds(1));
            MaintenanceRunner runner = MaintenanceRunner.start(table, lease,
                    Maintenance.of(table, () -> System.currentTimeMillis() + twoHours), Duration.ofMillis(50), 1,
                    (epoch, report, failure) -> {
                        reports.add(failure != null ? failure : report);
                        epochs.add(epoch);
                        ended.countDown();
                    });
            MaintenanceReport report;
            Map<String, Object> whileHeld;
            try {
                assertTrue(ended.await(60, TimeUnit.SECONDS), "the pass ended");
                assertTrue(reports.get(0) instanceof MaintenanceReport, "the pass compacted: " + reports);
                report = (MaintenanceReport) reports.get(0);
                assertEquals(3, report.filesCompacted());
                // After its last pass a runner keeps the lease until closed.
                whileHeld = object(object(inspectJson(dir.toString()), "maintenance"), "lease");
            } finally {
                runner.close(Duration.ofSeconds(10));
            }
            assertEquals("inspect-test", whileHeld.get("holder"));
            assertEquals(lease.instance(), whileHeld.get("instance"));
            assertEquals("held", whileHeld.get("state"));
            long checkpointVersion = table.latestVersion();
            table.checkpoint(checkpointVersion);
            long checkpointBytes = Files.size(dir.resolve("_delta_log").resolve(
                    String.format("%020d.checkpoint.parquet", checkpointVersion)));
            long compactedBytes = table.snapshot().sizeInBytes();

            Map<String, Object> json = inspectJson(dir.toString());
            Map<String, Object> maintenance = object(json, "maintenance");
            Map<String, Object> retention = object(object(maintenance, "settings"), "deltaq.retention.ms");
            assertEquals(2_592_000_000L, number(retention, "value"));
            assertEquals("table property", retention.get("source"));
            assertEquals("default", object(object(maintenance, "settings"), "deltaq.compaction.min.age.ms").get("source"));
            assertEquals(Map.of("count", 1, "bytes", (int) compactedBytes), object(maintenance, "liveFiles"));
            assertEquals(Map.of("count", 3, "bytes", (int) originalBytes, "withoutSize", 0),
                    object(maintenance, "removedFiles"));
            assertTrue(report.logStartVersion() >= 0 && report.logStartVersion() <= 1, "the compacted file starts at"
                    + " the creation commit (no rows) or the first data commit: " + report);
            assertEquals(report.logStartVersion(), number(maintenance, "logStartVersion"));
            assertEquals(report.compactedThrough(), number(maintenance, "compactedThroughVersion"));
            assertTrue(report.compactedThrough() >= 3, report.toString());
            assertEquals(0L, number(maintenance, "oldestVersionInLog"), "log retention (30 days) deleted nothing");
            Map<String, Object> leaseJson = object(maintenance, "lease");
            assertEquals("released", leaseJson.get("state"), "close released the lease: " + leaseJson);
            assertEquals(0L, number(leaseJson, "expiresAtMs"));
            Map<String, Object> lastRun = object(maintenance, "lastRun");
            assertEquals("ok", lastRun.get("outcome"));
            assertEquals(report.toString(), lastRun.get("summary"));
            assertEquals(epochs.get(0), number(lastRun, "epoch"));
            assertEquals("inspect-test", lastRun.get("holder"));
            assertEquals(lease.instance(), lastRun.get("instance"));
            assertTrue(number(lastRun, "startedAtMs") <= number(lastRun, "endedAtMs"), lastRun.toString());
            assertEquals(Map.of("version", (int) checkpointVersion, "parts", 1, "sizeInBytes", (int) checkpointBytes),
                    object(maintenance, "newestCheckpoint"));

            String text = run(0, "inspect", dir.toString()).out();
            for (String line : List.of(
                    "  deltaq.retention.ms:                    2592000000 ms (table property)",
                    "  deltaq.compaction.min.age.ms:           600000 ms (default)",
                    "  live files:                             1 (" + compactedBytes + " bytes)",
                    "  removed files:                          3 (" + originalBytes + " bytes, kept as tombstones)",
                    "  log start version:                      " + report.logStartVersion(),
                    "  compacted through:                      version " + report.compactedThrough(),
                    "  oldest version in log:                  0",
                    "  lease:                                  inspect-test (instance " + lease.instance() + "), epoch "
                            + number(leaseJson, "epoch") + ", released")) {
                assertLine(text, line);
            }
            Matcher lastRunLine = Pattern.compile("\n  last run: +ok at (\\S+) \\((\\d+) ms\\) by inspect-test, epoch "
                    + epochs.get(0) + ": (.*)\n").matcher(text);
            assertTrue(lastRunLine.find(), text);
            assertEquals(report.toString(), lastRunLine.group(3));
            assertTrue(text.endsWith("\n  newest checkpoint:                      version " + checkpointVersion + ", "
                    + checkpointBytes + " bytes\n"), text);
            assertFalse(text.contains("unreadable"), text);
        }
    }

    /** The lease and the last run are informational: one that cannot be read is named, and the rest is shown. */
    @Test
    void anUnreadableLastRunIsNamedWithoutFailingInspect() throws IOException {
        Path dir = tmp.resolve("corrupt-run");
        try (LocalObjectStore store = new LocalObjectStore(dir, 2, false)) {
            DeltaTable.at(store, "").createMessageTable();
            store.put("_deltaq/maintenance/last-run.json", "{\"epoch\": \"x\"}".getBytes(StandardCharsets.UTF_8)).join();
        }
        Map<String, Object> maintenance = object(inspectJson(dir.toString()), "maintenance");
        assertNull(maintenance.get("lastRun"));
        String error = (String) maintenance.get("lastRunError");
        assertTrue(error != null && error.contains("last-run.json is not a record of a run"), String.valueOf(error));
        assertTrue(run(0, "inspect", dir.toString()).out().contains("\n  last run:                               unreadable: "));
    }

    private Path copyGolden(String name) {
        return GoldenTables.copy(name, tmp.resolve(name.replace('/', '_')));
    }
}
