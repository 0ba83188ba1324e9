package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.Position;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code deltaq produce} and {@code deltaq consume} in process, on tables in a temporary directory. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProduceConsumeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static BytesIo run(int expectedStatus, byte[] stdin, String... args) {
        BytesIo io = new BytesIo(stdin == null ? new byte[0] : stdin);
        int status = io.run(args);
        assertEquals(expectedStatus, status, () -> "deltaq " + String.join(" ", args) + "\nstdout: " + io.outText()
                + "\nstderr: " + io.err());
        return io;
    }

    static BytesIo run(int expectedStatus, String... args) {
        return run(expectedStatus, null, args);
    }

    static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] b ? b : part.toString().getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    static void assertSummary(BytesIo io, long messages) {
        assertTrue(Pattern.compile("^deltaq produce: " + messages + " of " + messages
                + " messages acknowledged, \\d+ commits?, [0-9.]+ s, \\d+ msg/s, table .*\n$").matcher(io.err()).matches(),
                io.err());
    }

    String table(String name) {
        return dir.resolve(name).toString();
    }

    /** Tabs, UTF-8, CR LF, an empty line, invalid UTF-8, a NUL, and a last line without a newline. */
    static final byte[] ODD_TEXT = bytes(
            "tab\there\n",
            "\n",
            "ünïcödé 🎉 ✓\n",
            "crlf line\r\n",
            "  spaced  \n",
            new byte[] {(byte) 0xFF, (byte) 0xFE, 'x', '\n'},
            "\u0000nul\n",
            "last line without a newline");

    @Test
    void rawOutputGivesStdinBackByteForByteWithANewlineAddedToAnUnterminatedLastLine() {
        String table = table("odd");
        BytesIo produced = run(0, ODD_TEXT, "produce", table);
        assertSummary(produced, 8);
        assertEquals("", produced.outText(), "produce prints nothing on stdout");

        BytesIo consumed = run(0, "consume", table, "--format", "raw", "--max", "8");
        assertArrayEquals(bytes(ODD_TEXT, "\n"), consumed.out());
        assertEquals("deltaq consume: 8 messages from " + table + "\n", consumed.err());
    }

    @Test
    void jsonlCarriesPositionsTimestampsKeysAndUtf8TextOrBase64() throws Exception {
        String table = table("json");
        byte[] invalid = {(byte) 0xC3, (byte) 0x28};
        long before = System.currentTimeMillis();
        run(0, bytes("plain\n", "quote\" back\\ tab\t ctl\u0001\n", invalid, "\n", "ü\n"), "produce", table,
                "--key", "k-ü");
        long after = System.currentTimeMillis();

        BytesIo consumed = run(0, "consume", table, "--max", "4");
        String[] lines = consumed.outText().split("\n", -1);
        assertEquals(5, lines.length, consumed.outText());
        assertEquals("", lines[4], "every object ends with a newline");
        List<JsonNode> objects = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            assertFalse(lines[i].contains("\t") || lines[i].contains("\u0001"), "control characters are escaped");
            objects.add(JSON.readTree(lines[i]));
        }
        Position previous = null;
        for (JsonNode o : objects) {
            Position p = new Position(o.get("version").asLong(), o.get("index").asInt());
            assertEquals(p.toOffset(), o.get("offset").asLong());
            if (previous != null) {
                assertTrue(p.compareTo(previous) > 0, "in position order");
            }
            previous = p;
            long ts = Instant.parse(o.get("timestamp").asText()).toEpochMilli();
            assertTrue(ts >= before && ts <= after, o.toString());
            assertEquals("k-ü", o.get("key").asText());
            assertNull(o.get("keyEncoding"));
        }
        assertEquals("plain", objects.get(0).get("value").asText());
        assertEquals("quote\" back\\ tab\t ctl\u0001", objects.get(1).get("value").asText());
        assertEquals(Base64.getEncoder().encodeToString(invalid), objects.get(2).get("value").asText());
        assertEquals("base64", objects.get(2).get("valueEncoding").asText());
        assertEquals("ü", objects.get(3).get("value").asText());
        assertNull(objects.get(3).get("valueEncoding"));
        assertEquals(List.of("version", "index", "offset", "timestamp", "key", "value"),
                iterable(objects.get(0).fieldNames()));
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void progressLinesAreWrittenInPlaceOnStderrWhenAskedAndNeverByDefaultWhenStderrIsNotATerminal() throws Exception {
        String table = table("progress");
        BytesIo produced = run(0, "produce", table, "--count", "30", "--progress", "always");
        String[] produceParts = produced.err().split("\n", -1);
        assertEquals(3, produceParts.length, "the progress line, the summary, the end: " + produced.err());
        assertTrue(produceParts[0].matches("(\r[^\r]*)+"), produceParts[0]);
        assertTrue(produceParts[0].substring(produceParts[0].lastIndexOf('\r'))
                .matches("\r30 sent, 30 acknowledged, 0 in flight, [0-9,]+ msg/s *"), "final figures: " + produceParts[0]);
        assertTrue(produceParts[1].startsWith("deltaq produce: 30 of 30 messages acknowledged, "), produceParts[1]);

        run(0, "produce", table, "--count", "30"); // two more versions: the consumer below stops behind the head
        run(0, "produce", table, "--count", "30");
        long head;
        try (ObjectStore store = TestS3.local(Path.of(table))) {
            head = DeltaTable.at(store, "").latestVersion();
        }
        BytesIo consumed = run(0, "consume", table, "--max", "30", "--format", "raw", "--progress", "always");
        String last = consumed.err().substring(consumed.err().lastIndexOf('\r'));
        assertTrue(last.startsWith("\r30 received, "), consumed.err());
        Matcher lag = Pattern.compile("position version (\\d+), lag (\\d+) version\\(s\\)").matcher(last);
        assertTrue(lag.find(), consumed.err());
        assertTrue(Long.parseLong(lag.group(2)) >= 1, "30 of 90 messages read: behind the head, " + last);
        assertEquals(head, Long.parseLong(lag.group(1)) + Long.parseLong(lag.group(2)), "lag reaches the table's head: " + last);
        assertTrue(consumed.err().endsWith("\ndeltaq consume: 30 messages from " + table + "\n"), consumed.err());

        assertFalse(run(0, "consume", table, "--max", "30").err().contains("\r"), "auto, stderr not a terminal");
        assertUsage("deltaq consume: --progress must be auto, always or never, got 'loud'", "consume", table,
                "--progress", "loud");
    }

    /** produce --format jsonl takes what consume --format jsonl writes: a round trip keeps keys, values, times and headers. */
    @Test
    void jsonlLinesWithHeadersRoundTripThroughProduceAndConsume() throws Exception {
        String table = table("headers");
        String input = String.join("\n",
                "{\"key\":\"k1\",\"value\":\"v1\",\"timestamp\":\"2024-05-01T12:00:00.123456Z\","
                        + "\"headers\":[{\"key\":\"trace\",\"value\":\"t-1\"},{\"key\":\"nil\",\"value\":null},"
                        + "{\"key\":\"bin\",\"value\":\"wyg=\",\"valueEncoding\":\"base64\"},{\"key\":\"trace\",\"value\":\"\u00fc\"}]}",
                "{\"value\":\"wyg=\",\"valueEncoding\":\"base64\",\"key\":null,\"timestamp\":\"2024-05-01T12:00:01Z\"}",
                "{\"version\":9,\"index\":0,\"offset\":1,\"value\":\"no headers, no time\",\"headers\":[]}") + "\n";
        long before = System.currentTimeMillis();
        assertSummary(run(0, bytes(input), "produce", table, "--format", "jsonl"), 3);

        String first = run(0, "consume", table, "--max", "3").outText();
        String[] lines = first.split("\n");
        assertEquals(3, lines.length, first);
        JsonNode withHeaders = JSON.readTree(lines[0]);
        assertEquals("2024-05-01T12:00:00.123456Z", withHeaders.get("timestamp").asText());
        assertEquals(JSON.readTree("[{\"key\":\"trace\",\"value\":\"t-1\"},{\"key\":\"nil\",\"value\":null},"
                + "{\"key\":\"bin\",\"value\":\"wyg=\",\"valueEncoding\":\"base64\"},{\"key\":\"trace\",\"value\":\"\u00fc\"}]"),
                withHeaders.get("headers"));
        assertEquals("wyg=", JSON.readTree(lines[1]).get("value").asText());
        assertEquals("base64", JSON.readTree(lines[1]).get("valueEncoding").asText());
        assertTrue(JSON.readTree(lines[1]).get("key").isNull());
        JsonNode plain = JSON.readTree(lines[2]);
        assertTrue(plain.get("headers") == null, "no headers field for a message without headers: " + plain);
        assertTrue(java.time.Instant.parse(plain.get("timestamp").asText()).toEpochMilli() >= before, "stamped when sent");

        // What consume wrote, produced again into another table, is consumed as the same messages.
        String copy = table("headers-copy");
        assertSummary(run(0, bytes(first), "produce", copy, "--format", "jsonl"), 3);
        String second = run(0, "consume", copy, "--max", "3").outText();
        assertEquals(withoutPositions(first), withoutPositions(second));
    }

    @Test
    void aBadJsonlLineStopsTheInputNamingItsLineAndKeepsWhatCameBefore() throws Exception {
        String table = table("bad-json");
        BytesIo produced = run(1, bytes("{\"value\":\"ok\"}\n{\"value\":\"x\",\"headers\":{\"a\":\"b\"}}\n{\"value\":\"never\"}\n"),
                "produce", table, "--format", "jsonl");
        assertTrue(produced.err().contains("1 of 1 messages acknowledged"), produced.err());
        assertTrue(produced.err().contains("line 2: \"headers\" must be an array"), produced.err());
        assertEquals("ok\n", run(0, "consume", table, "--format", "raw", "--max", "1").outText());
        BytesIo unknown = run(1, bytes("{\"value\":\"x\",\"vaule\":1}\n"), "produce", table("bad-field"), "--format", "jsonl");
        assertTrue(unknown.err().contains("line 1: unknown field \"vaule\""), unknown.err());
    }

    private static List<String> withoutPositions(String jsonl) throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : jsonl.split("\n")) {
            com.fasterxml.jackson.databind.node.ObjectNode o = (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(line);
            o.remove(List.of("version", "index", "offset"));
            out.add(o.toString());
        }
        return out;
    }

    @Test
    void aNullKeyIsJsonNull() throws Exception {
        String table = table("nokey");
        run(0, bytes("v\n"), "produce", table);
        JsonNode o = JSON.readTree(run(0, "consume", table, "--max", "1").outText());
        assertTrue(o.get("key").isNull(), o.toString());
    }

    @Test
    void emptyStdinSendsNothingButCreatesTheTable() {
        String table = table("empty");
        assertSummary(run(0, "produce", table), 0);
        assertTrue(Files.isRegularFile(dir.resolve("empty/_delta_log/00000000000000000000.json")));
        BytesIo consumed = run(0, "consume", table, "--idle-exit-ms", "300");
        assertEquals("", consumed.outText());
        assertTrue(consumed.err().startsWith("deltaq consume: 0 messages from "), consumed.err());
    }

    @Test
    void countSendsGeneratedMessagesOfTheGivenSizeAtMostAtTheRate() {
        String table = table("generated");
        long start = System.nanoTime();
        assertSummary(run(0, "produce", table, "--count", "21", "--size", "12", "--rate", "200"), 21);
        // 21 messages 5 ms apart: the last is due 100 ms after the first (a floor, not a speed claim).
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100), "paced");
        String[] values = run(0, "consume", table, "--format", "raw", "--max", "21").outText().split("\n");
        assertEquals(21, values.length);
        for (int n = 0; n < 21; n++) {
            assertEquals(12, values[n].length(), values[n]);
            assertTrue(values[n].startsWith(n + " "), values[n]);
        }
        assertEquals("0 cdefghijkl", values[0]);
        assertEquals("20 defghijkl", values[20]);
    }

    @Test
    void aNamedConsumerResumesWhereItsLastRunStopped() {
        String table = table("resume");
        assertSummary(run(0, "produce", table, "--count", "10", "--size", "8"), 10);

        BytesIo first = run(0, "consume", table, "--name", "reader", "--max", "4", "--format", "raw");
        assertEquals(List.of(0, 1, 2, 3), numbers(first));
        assertTrue(first.err().contains("committed as 'reader'"), first.err());
        assertEquals(List.of(4, 5, 6, 7), numbers(run(0, "consume", table, "--name", "reader", "--max", "4",
                "--format", "raw")));
        BytesIo rest = run(0, "consume", table, "--name", "reader", "--idle-exit-ms", "500", "--format", "raw");
        assertEquals(List.of(8, 9), numbers(rest));
        assertTrue(rest.err().contains("(idle, exiting)"), rest.err());
        assertEquals(List.of(), numbers(run(0, "consume", table, "--name", "reader", "--idle-exit-ms", "300",
                "--format", "raw")));
        // Another name has a position of its own.
        assertEquals(List.of(0, 1, 2), numbers(run(0, "consume", table, "--name", "other", "--max", "3",
                "--format", "raw")));
    }

    @Test
    void aNamedRunThatReadsNothingRemembersWhereLatestPutIt() {
        String table = table("latest");
        run(0, bytes("old\n"), "produce", table);
        BytesIo empty = run(0, "consume", table, "--name", "late", "--from", "latest", "--idle-exit-ms", "300");
        assertEquals("", empty.outText());
        assertTrue(empty.err().contains("committed as 'late'"), empty.err());
        run(0, bytes("new 1\nnew 2\n"), "produce", table);
        assertEquals("new 1\nnew 2\n", run(0, "consume", table, "--name", "late", "--from", "latest",
                "--idle-exit-ms", "500", "--format", "raw").outText());
    }

    @Test
    void aNamedConsumerOfAMissingTableCommitsNothingAndExitsWhenIdle() {
        String table = table("never");
        long start = System.nanoTime();
        BytesIo consumed = run(0, "consume", table, "--name", "early", "--commit-interval-ms", "20",
                "--idle-exit-ms", "500");
        assertEquals("deltaq consume: 0 messages from " + table + " (idle, exiting)\n", consumed.err());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "no wait for a start that cannot resolve");
        assertFalse(Files.exists(dir.resolve("never/_deltaq")), "no position stored");
    }

    @Test
    void aConsumerStartedBeforeTheTableExistsWaitsForIt() throws Exception {
        String table = table("later");
        CapturedIo captured = new CapturedIo();
        AtomicInteger status = new AtomicInteger(-1);
        Thread consume = new Thread(() -> status.set(DeltaqMain.run(
                new String[] {"consume", table, "--format", "raw", "--max", "2"}, captured.io)), "consume-test");
        consume.start();
        try {
            run(0, bytes("first\nsecond\n"), "produce", table);
            assertEquals("first", captured.nextOutLine(60));
            assertEquals("second", captured.nextOutLine(60));
            consume.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(consume.isAlive());
            assertEquals(Command.OK, status.get(), captured.err());
        } finally {
            consume.interrupt();
            consume.join();
        }
    }

    @Test
    void anInterruptStopsConsumeCleanlyAndCommitsThePositionOfWhatItPrinted() throws Exception {
        String table = table("interrupt");
        run(0, "produce", table, "--count", "5", "--size", "6");
        CapturedIo captured = new CapturedIo();
        AtomicInteger status = new AtomicInteger(-1);
        Thread consume = new Thread(() -> status.set(DeltaqMain.run(
                new String[] {"consume", table, "--name", "tail", "--format", "raw"}, captured.io)), "consume-test");
        consume.start();
        try {
            for (int n = 0; n < 5; n++) {
                String line = captured.nextOutLine(60);
                assertNotNull(line, "line " + n + "; stderr: " + captured.err());
                assertTrue(line.startsWith(n + " "), line);
            }
            // It follows the table: messages committed while it runs arrive too.
            run(0, bytes("x\ny\n"), "produce", table);
            assertEquals("x", captured.nextOutLine(60));
            assertEquals("y", captured.nextOutLine(60));
            consume.interrupt(); // what SIGINT/SIGTERM do through the shutdown hook
            consume.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(consume.isAlive(), "consume stopped after an interrupt");
        } finally {
            consume.interrupt();
            consume.join();
        }
        assertEquals(Command.OK, status.get(), captured.err());
        assertTrue(captured.err().startsWith("deltaq consume: 7 messages from " + table + ", position "), captured.err());
        assertTrue(captured.err().contains("committed as 'tail' (stopped)"), captured.err());

        run(0, bytes("after\n"), "produce", table);
        assertEquals("after\n", run(0, "consume", table, "--name", "tail", "--max", "1", "--format", "raw").outText());
    }

    @Test
    void aLineOverTheMessageLimitFailsWithStatus1AfterCommittingTheLinesBeforeIt() {
        String table = table("long");
        byte[] huge = new byte[ProduceCommand.MAX_MESSAGE_BYTES + 1];
        java.util.Arrays.fill(huge, (byte) 'a');
        BytesIo produced = run(1, bytes("fine\n", huge, "\nnever sent\n"), "produce", table);
        assertTrue(produced.err().startsWith("deltaq produce: 1 of 1 messages acknowledged"), produced.err());
        assertTrue(produced.err().contains("deltaq produce: line 2 has " + huge.length + " bytes; a message takes at most "
                + ProduceCommand.MAX_MESSAGE_BYTES + " bytes of key and value (max.message.bytes)"), produced.err());
        assertEquals("fine\n", run(0, "consume", table, "--format", "raw", "--idle-exit-ms", "300").outText());
    }

    @Test
    void aTableThatIsNotAMessageTableFailsWithStatus1NamingIt() throws Exception {
        Path log = dir.resolve("other/_delta_log");
        Files.createDirectories(log);
        Files.writeString(log.resolve("00000000000000000000.json"), """
                {"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
                {"metaData":{"id":"not-a-topic","format":{"provider":"parquet","options":{}},\
                "schemaString":"{\\"type\\":\\"struct\\",\\"fields\\":[{\\"name\\":\\"id\\",\\"type\\":\\"long\\",\\"nullable\\":true,\\"metadata\\":{}}]}",\
                "partitionColumns":[],"configuration":{},"createdTime":0}}
                """);
        BytesIo produced = run(1, bytes("x\n"), "produce", table("other"));
        assertTrue(produced.err().startsWith("deltaq produce: "), produced.err());
        assertTrue(produced.err().contains("schema"), produced.err());
        assertEquals("", produced.outText());
    }

    @Test
    void wrongCommandLinesAreUsageErrorsNamingTheOption() {
        String table = table("usage");
        assertUsage("deltaq produce: --size applies to generated messages", "produce", table, "--size", "10");
        assertUsage("deltaq produce: --rate must be between 1 and", "produce", table, "--rate", "0");
        assertUsage("deltaq produce: missing TABLE", "produce");
        assertUsage("deltaq produce: --endpoint applies to s3:// tables only", "produce", table, "--endpoint",
                "http://127.0.0.1:1");
        assertUsage("deltaq produce: TABLE: unsupported table address 'http://x/t'", "produce", "http://x/t");
        assertUsage("deltaq consume: --format must be jsonl or raw, got 'xml'", "consume", table, "--format", "xml");
        assertUsage("deltaq consume: --from 'yesterday': expected earliest, latest, a version number", "consume", table,
                "--from", "yesterday");
        assertUsage("deltaq consume: --name 'a b': must be 1-200 of", "consume", table, "--name", "a b");
        assertUsage("deltaq consume: --commit-interval-ms applies with --name or --group only", "consume", table,
                "--commit-interval-ms", "5");
        assertUsage("deltaq consume: --endpoint needs http://host[:port]", "consume", "s3://b/t", "--endpoint", "localhost");
        assertFalse(Files.exists(dir.resolve("usage")), "no usage error touched the table");
    }

    private static void assertUsage(String errorStart, String... args) {
        BytesIo io = run(2, args);
        assertTrue(io.err().startsWith(errorStart), io.err());
        assertTrue(io.err().contains("\nusage: deltaq " + args[0] + " "), io.err());
        assertEquals("", io.outText());
    }

    /** The message numbers at the start of each raw line of generated messages. */
    private static List<Integer> numbers(BytesIo io) {
        List<Integer> out = new ArrayList<>();
        for (String line : io.outText().split("\n")) {
            if (!line.isEmpty()) {
                out.add(Integer.parseInt(line.substring(0, line.indexOf(' '))));
            }
        }
        return out;
    }
}
