package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import io.deltaq.topic.Partitioner;
import io.deltaq.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code deltaq produce} and {@code deltaq consume} on topics of several partitions, on a local
 * directory and on the embedded S3 server: keyed lines land on their key's Kafka partition, a group
 * member reads every partition and commits each one's position.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class TopicProduceConsumeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 3;

    @TempDir
    Path dir;

    /** A fresh address for a topic or table: a directory, or an S3 prefix no other test uses. */
    private String address(String kind, String name) {
        return kind.equals("local") ? dir.resolve(name).toString() : TestS3.freshAddress("topic-produce-consume");
    }

    private static ObjectStore open(String kind, String address) {
        return kind.equals("local") ? TestS3.local(Path.of(address)) : TestS3.open(address);
    }

    private static String createTopic(String kind, String address) {
        try (ObjectStore store = open(kind, address)) {
            Topic.create(store, "", PARTITIONS, Map.of());
        }
        return address;
    }

    private static Map<String, String> env(String kind) {
        return kind.equals("local") ? Map.of() : TestS3.environment();
    }

    /** Runs the command with the S3 settings of the embedded server for s3 addresses. */
    private static BytesIo run(String kind, Command command, int expectedStatus, byte[] stdin, String... args)
            throws Exception {
        BytesIo io = new BytesIo(stdin == null ? new byte[0] : stdin);
        int status = command.run(List.of(args), io.io);
        assertEquals(expectedStatus, status, () -> "deltaq " + command.name() + " " + String.join(" ", args)
                + "\nstdout: " + io.outText() + "\nstderr: " + io.err());
        return io;
    }

    private static BytesIo produce(String kind, int expectedStatus, byte[] stdin, String... args) throws Exception {
        return run(kind, new ProduceCommand(env(kind)), expectedStatus, stdin, args);
    }

    private static BytesIo consume(String kind, String... args) throws Exception {
        return run(kind, new ConsumeCommand(env(kind)), 0, null, args);
    }

    /** One message as sent or as consumed. */
    private record Message(String key, String value) {
    }

    private static int partitionOf(String key) {
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return Partitioner.keyPartition(bytes, 0, bytes.length, PARTITIONS);
    }

    /** {@code count} lines {@code KEY VALUE}: 37 keys in turn, values that hold the separator too. */
    private static List<Message> keyed(int count, String prefix) {
        List<Message> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            messages.add(new Message(prefix + "key-" + (i % 37) + "-ü", "value " + i + " of " + prefix));
        }
        return messages;
    }

    private static byte[] lines(List<Message> messages, String separator) {
        StringBuilder text = new StringBuilder();
        messages.forEach(m -> text.append(m.key()).append(separator).append(m.value()).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The JSON lines a group member wrote, each checked to be in its key's partition. */
    private static List<Message> fromGroup(BytesIo io) throws Exception {
        List<Message> out = new ArrayList<>();
        for (String line : io.outText().split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            JsonNode o = JSON.readTree(line);
            assertEquals("partition", o.fieldNames().next(), "the partition comes first: " + line);
            Message m = new Message(o.get("key").asText(), o.get("value").asText());
            assertEquals(partitionOf(m.key()), o.get("partition").asInt(), line);
            out.add(m);
        }
        return out;
    }

    /** The messages of each key in the order given: what a partition keeps per key. */
    private static Map<String, List<String>> byKey(List<Message> messages) {
        Map<String, List<String>> out = new TreeMap<>();
        messages.forEach(m -> out.computeIfAbsent(m.key(), k -> new ArrayList<>()).add(m.value()));
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void keyedLinesLandOnTheirKeysPartitionAndAGroupReadsEachOnceThenResumes(String kind) throws Exception {
        String topic = createTopic(kind, address(kind, "orders"));
        List<Message> sent = keyed(300, "");
        BytesIo produced = produce(kind, 0, lines(sent, " "), topic, "--key-separator", " ");
        assertTrue(Pattern.compile("^deltaq produce: 300 of 300 messages acknowledged, \\d+ commits?, [0-9.]+ s, \\d+ msg/s,"
                + " topic " + Pattern.quote(topic) + " \\(3 partitions\\)\n$").matcher(produced.err()).matches(),
                produced.err());

        // Each partition is an ordinary table: consumed on its own, it holds exactly its keys' messages.
        Map<Integer, List<Message>> expected = new HashMap<>();
        sent.forEach(m -> expected.computeIfAbsent(partitionOf(m.key()), p -> new ArrayList<>()).add(m));
        assertEquals(PARTITIONS, expected.size(), "37 keys cover every partition");
        for (int p = 0; p < PARTITIONS; p++) {
            String partition = topic + "/" + Topic.partitionDir(p).replace("/", "");
            BytesIo read = consume(kind, partition, "--idle-exit-ms", "500");
            List<Message> there = new ArrayList<>();
            for (String line : read.outText().split("\n")) {
                JsonNode o = JSON.readTree(line);
                assertTrue(o.get("partition") == null, "a table's messages carry no partition: " + line);
                there.add(new Message(o.get("key").asText(), o.get("value").asText()));
            }
            assertEquals(expected.get(p), there, "partition " + p + " in the order sent");
        }

        BytesIo first = consume(kind, topic, "--group", "g", "--max", "300");
        List<Message> received = fromGroup(first);
        assertEquals(300, received.size());
        assertEquals(byKey(sent), byKey(received), "every message once, each key's in the order sent");
        assertEquals("deltaq consume: 300 messages from " + topic + " in group 'g', positions of partitions [0, 1, 2]"
                + " committed\n", first.err());

        BytesIo again = consume(kind, topic, "--group", "g", "--idle-exit-ms", "1000");
        assertEquals("", again.outText(), "the group committed every partition's position");
        assertEquals("deltaq consume: 0 messages from " + topic + " in group 'g' (idle, exiting)\n", again.err());

        List<Message> more = keyed(6, "more-");
        produce(kind, 0, lines(more, "\t"), topic, "--key-separator", "\t");
        assertEquals(byKey(more), byKey(fromGroup(consume(kind, topic, "--group", "g", "--max", "6"))),
                "only what came after");

        // What the group wrote is jsonl that produce takes back: "partition" is ignored, the key decides.
        String copy = createTopic(kind, address(kind, "copy"));
        produce(kind, 0, first.out(), copy, "--format", "jsonl");
        assertEquals(byKey(sent), byKey(fromGroup(consume(kind, copy, "--group", "h", "--max", "300"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void aTopicOfSeveralPartitionsIsReadOnlyByAGroupAndALineWithoutTheSeparatorStopsTheInput(String kind)
            throws Exception {
        String topic = createTopic(kind, address(kind, "strict"));
        BytesIo produced = produce(kind, 1, "a 1\nb 2\nno-separator-here\nc 3\n".getBytes(StandardCharsets.UTF_8),
                topic, "--key-separator", " ");
        assertTrue(produced.err().startsWith("deltaq produce: 2 of 2 messages acknowledged, "), produced.err());
        assertTrue(produced.err().endsWith("\ndeltaq produce: line 3 has no key separator ' '; nothing after it was"
                + " sent\n"), produced.err());

        ConsumeCommand consume = new ConsumeCommand(env(kind));
        UsageException noGroup = assertThrows(UsageException.class, () -> consume.run(List.of(topic), new BytesIo().io));
        assertEquals("deltaq consume: TABLE is a topic of 3 partitions; read it as a member of a consumer group with"
                + " --group GROUP, which stores each partition's position under GROUP", noGroup.getMessage());
        UsageException named = assertThrows(UsageException.class,
                () -> consume.run(List.of(topic, "--name", "reader"), new BytesIo().io));
        assertTrue(named.getMessage().startsWith("deltaq consume: --name stores the position in one table, and TABLE is"
                + " a topic of 3 partitions; read it as a member of a consumer group with --group GROUP"), named.getMessage());

        // What came before the bad line was committed, and nothing after it.
        List<Message> kept = fromGroup(consume(kind, topic, "--group", "g", "--idle-exit-ms", "1000",
                "--format", "jsonl"));
        assertEquals(byKey(List.of(new Message("a", "1"), new Message("b", "2"))), byKey(kept));
    }

    /** What SIGINT/SIGTERM do through the shutdown hook: the member stops, commits what it printed and leaves. */
    @Test
    void anInterruptStopsAGroupMemberThatCommitsWhatItPrintedAndLeaves() throws Exception {
        String topic = createTopic("local", address("local", "interrupt"));
        CapturedIo captured = new CapturedIo();
        AtomicInteger status = new AtomicInteger(-1);
        Thread consume = new Thread(() -> status.set(DeltaqMain.run(
                new String[] {"consume", topic, "--group", "tail", "--format", "raw"}, captured.io)), "consume-test");
        consume.start();
        List<Message> sent = keyed(30, "");
        try {
            // The member follows the topic: messages committed while it runs arrive.
            produce("local", 0, lines(sent, " "), topic, "--key-separator", " ");
            List<String> values = new ArrayList<>();
            for (int n = 0; n < sent.size(); n++) {
                String line = captured.nextOutLine(60);
                assertNotNull(line, "line " + n + "; stderr: " + captured.err());
                values.add(line);
            }
            assertEquals(sent.stream().map(Message::value).sorted().toList(), values.stream().sorted().toList());
            consume.interrupt();
            consume.join(TimeUnit.SECONDS.toMillis(60));
            assertFalse(consume.isAlive(), "consume stopped after an interrupt");
        } finally {
            consume.interrupt();
            consume.join();
        }
        assertEquals(Command.OK, status.get(), captured.err());
        assertEquals("deltaq consume: 30 messages from " + topic + " in group 'tail', positions of partitions [0, 1, 2]"
                + " committed (stopped)\n", captured.err());
        // The next member resumes after what was printed.
        assertEquals("", consume("local", topic, "--group", "tail", "--idle-exit-ms", "500").outText());
    }

    /** Through {@link DeltaqMain#run}: the usage errors exit with status 2 and the usage. */
    @Test
    void usageErrorsExitWith2() {
        String topic = createTopic("local", address("local", "usage"));
        assertUsage("deltaq consume: TABLE is a topic of 3 partitions; read it as a member of a consumer group with"
                + " --group GROUP", "consume", topic);
        assertUsage("deltaq consume: --name stores the position in one table, and TABLE is a topic of 3 partitions;",
                "consume", topic, "--name", "n");
        assertUsage("deltaq consume: --name and --group exclude each other", "consume", topic, "--name", "n",
                "--group", "g");
        assertUsage("deltaq consume: --group 'a b': must be 1 to 200 letters", "consume", topic, "--group", "a b");
        assertUsage("deltaq produce: --key-separator reads each stdin line's key", "produce", topic, "--key-separator",
                " ", "--key", "k");
        assertUsage("deltaq produce: --key-separator reads each stdin line's key", "produce", topic, "--key-separator",
                " ", "--count", "3");
        assertUsage("deltaq produce: --key-separator reads each stdin line's key", "produce", topic,
                "--key-separator", " ", "--format", "jsonl");
        assertUsage("deltaq produce: --key-separator must not be empty", "produce", topic, "--key-separator", "");
    }

    private static void assertUsage(String errorStart, String... args) {
        BytesIo io = ProduceConsumeCommandTest.run(2, args);
        assertTrue(io.err().startsWith(errorStart), io.err());
        assertTrue(io.err().contains("\nusage: deltaq " + args[0] + " "), io.err());
        assertEquals("", io.outText());
    }

    /** A plain table is a topic of one partition: keyed lines and a group work on it as they do on a topic. */
    @Test
    void aPlainTableTakesKeyedLinesAndAGroupAsATopicOfOnePartition() throws Exception {
        String table = address("local", "plain");
        BytesIo produced = ProduceConsumeCommandTest.run(0, "k1=v=1\n=empty key\n".getBytes(StandardCharsets.UTF_8),
                "produce", table, "--key-separator", "=");
        ProduceConsumeCommandTest.assertSummary(produced, 2);
        String lines = ProduceConsumeCommandTest.run(0, "consume", table, "--group", "g", "--max", "2").outText();
        List<JsonNode> objects = new ArrayList<>();
        for (String line : lines.split("\n")) {
            objects.add(JSON.readTree(line));
        }
        assertEquals(2, objects.size(), lines);
        assertEquals(0, objects.get(0).get("partition").asInt());
        assertEquals("k1", objects.get(0).get("key").asText());
        assertEquals("v=1", objects.get(0).get("value").asText(), "split at the first separator");
        assertEquals("", objects.get(1).get("key").asText());
        assertFalse(objects.get(1).get("key").isNull(), "an empty key is a key");
        assertEquals("empty key", objects.get(1).get("value").asText());
        // The group's position is the table's, stored under the group's name.
        assertEquals("", ProduceConsumeCommandTest.run(0, "consume", table, "--name", "g", "--idle-exit-ms", "300")
                .outText());
    }
}
