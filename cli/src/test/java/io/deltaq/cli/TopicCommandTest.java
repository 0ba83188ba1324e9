package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import io.deltaq.topic.Topic;
import io.deltaq.topic.TopicNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code deltaq topic} in this JVM, on a local directory and on the embedded S3 server: each test
 * works under a parent of its own, the topics are children of it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TopicCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A fresh parent address: a directory, or an S3 prefix no other test uses. */
    private String parent(String kind) {
        return kind.equals("local") ? dir.toString() : TestS3.freshAddress("topic-command");
    }

    private static ObjectStore open(String kind, String address) {
        return kind.equals("local") ? TestS3.local(Path.of(address)) : TestS3.open(address);
    }

    /** Runs {@code deltaq topic args...} with the S3 settings of the embedded server for s3 addresses. */
    private static CapturedIo run(String kind, int expectedStatus, String... args) throws Exception {
        CapturedIo io = new CapturedIo();
        Map<String, String> env = kind.equals("local") ? Map.of() : TestS3.environment();
        int status = new TopicCommand(env).run(List.of(args), io.io);
        assertEquals(expectedStatus, status, () -> "deltaq topic " + String.join(" ", args) + "\nstdout: " + io.out()
                + "\nstderr: " + io.err());
        return io;
    }

    /** Through {@link DeltaqMain#run}, where usage errors become exit status 2: local addresses only. */
    private static CapturedIo main(int expectedStatus, String... args) {
        CapturedIo io = new CapturedIo();
        assertEquals(expectedStatus, DeltaqMain.run(args, io.io),
                () -> "deltaq " + String.join(" ", args) + "\nstdout: " + io.out() + "\nstderr: " + io.err());
        return io;
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void createsRecognisesRefusesAnotherShapeAndGrows(String kind) throws Exception {
        String parent = parent(kind);
        String topic = parent + "/orders";
        CapturedIo created = run(kind, 0, "create", topic, "--partitions", "3",
                "--table-property", "deltaq.retention.ms=60000");
        assertTrue(created.out().startsWith("created topic "), created.out());
        assertTrue(created.out().contains("3 partitions"), created.out());

        String described = run(kind, 0, "describe", topic).out();
        assertTrue(described.contains("\npartitions:") && described.contains("  3\n"), described);
        assertTrue(described.contains("deltaq.retention.ms:  60000"), described);
        for (int p = 0; p < 3; p++) {
            assertTrue(described.contains("/orders/partition-0000" + p + "/  version 0, 0 records in 0 files"), described);
        }
        assertFalse(described.contains("partition-00003"), described);
        try (ObjectStore store = open(kind, parent)) {
            Topic opened = Topic.open(store, "orders");
            assertEquals(3, opened.partitions());
            for (int p = 0; p < 3; p++) {
                assertEquals("60000", opened.partitionTable(p).snapshot().metadata().configuration()
                        .get("deltaq.retention.ms"), "partition " + p + " has the topic's table properties");
            }
        }

        CapturedIo again = run(kind, 0, "create", topic, "--partitions", "3",
                "--table-property", "deltaq.retention.ms=60000");
        assertTrue(again.out().startsWith("recognised topic "), again.out());
        CapturedIo other = run(kind, 1, "create", topic, "--partitions", "4");
        assertTrue(other.err().startsWith("deltaq topic create: "), other.err());
        assertTrue(other.err().contains("exists with 3 partitions"), other.err());
        assertEquals(1, other.err().lines().count(), other.err());

        CapturedIo grown = run(kind, 0, "grow", topic, "--partitions", "5");
        assertTrue(grown.out().contains("from 3 to 5 partitions (manifest version 1)"), grown.out());
        JsonNode json = JSON.readTree(run(kind, 0, "describe", topic, "--json").out());
        assertEquals(5, json.get("partitions").asInt());
        assertEquals(1, json.get("manifestVersion").asInt());
        assertFalse(json.get("plainTable").asBoolean());
        assertEquals("60000", json.get("tableProperties").get("deltaq.retention.ms").asText());
        assertEquals(5, json.get("partitionTables").size());
        for (int p = 0; p < 5; p++) {
            JsonNode partition = json.get("partitionTables").get(p);
            assertEquals(p, partition.get("partition").asInt());
            assertEquals(Topic.partitionDir(p), partition.get("path").asText());
            assertEquals(0, partition.get("version").asLong(), partition.toString());
            assertEquals(0, partition.get("numRecords").asLong(), partition.toString());
        }

        CapturedIo shrink = run(kind, 1, "grow", topic, "--partitions", "4");
        assertTrue(shrink.err().startsWith("deltaq topic grow: ") && shrink.err().contains("has 5 partitions"),
                shrink.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void listsTheTopicsAndPlainTablesUnderAPrefix(String kind) throws Exception {
        String parent = parent(kind);
        run(kind, 0, "create", parent + "/orders", "--partitions", "2");
        try (ObjectStore store = open(kind, parent)) {
            DeltaTable.at(store, "plain").createMessageTable();
            store.put("notes/readme.txt", new byte[] {1}).join(); // neither a topic nor a table
        }
        assertEquals("orders\nplain\n", run(kind, 0, "list", parent).out());

        String plain = run(kind, 0, "describe", parent + "/plain").out();
        assertTrue(plain.contains("(a plain table: one partition, no manifest)"), plain);
        assertTrue(plain.contains("partitions:  1\n"), plain);
        assertFalse(plain.contains("manifest version"), plain);

        String deleted = run(kind, 0, "delete", parent + "/plain").out();
        assertTrue(deleted.startsWith("deleted 1 object of table "), deleted); // version 0 of its log
        assertEquals("orders\n", run(kind, 0, "list", parent).out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void deleteRemovesEveryObjectOfTheTopicAndNothingNextToIt(String kind) throws Exception {
        String parent = parent(kind);
        String topic = parent + "/orders";
        run(kind, 0, "create", topic, "--partitions", "3");
        run(kind, 0, "create", parent + "/orders-kept");
        long objects;
        try (ObjectStore store = open(kind, parent)) {
            objects = count(store, "orders/");
        }
        assertTrue(objects > 3, "a manifest and three tables: " + objects);

        CapturedIo deleted = run(kind, 0, "delete", topic);
        assertTrue(deleted.out().startsWith("deleted " + objects + " objects of topic "), deleted.out());
        assertTrue(deleted.out().endsWith("/orders\n"), deleted.out());
        try (ObjectStore store = open(kind, parent)) {
            assertEquals(0, count(store, "orders/"));
            assertThrows(TopicNotFoundException.class, () -> Topic.open(store, "orders"));
            assertEquals(1, Topic.open(store, "orders-kept").partitions(), "the topic whose name starts the same stays");
        }
        CapturedIo gone = run(kind, 1, "describe", topic);
        assertTrue(gone.err().startsWith("deltaq topic describe: no topic at "), gone.err());
        CapturedIo again = run(kind, 1, "delete", topic);
        assertTrue(again.err().startsWith("deltaq topic delete: no topic at "), again.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void describeOfAnAddressWithoutATopicFailsNamingIt(String kind) throws Exception {
        String missing = parent(kind) + "/never-created";
        CapturedIo io = run(kind, 1, "describe", missing);
        assertEquals("", io.out());
        assertTrue(io.err().startsWith("deltaq topic describe: "), io.err());
        assertTrue(io.err().contains("never-created"), io.err());
        assertEquals(1, io.err().lines().count(), io.err());
        if (kind.equals("local")) {
            assertFalse(Files.exists(Path.of(missing)), "describe does not create the directory");
        }
    }

    @Test
    void throughDeltaqMainFailuresExit1AndWrongCommandLinesExit2() {
        String missing = dir.resolve("none").toString();
        CapturedIo notFound = main(1, "topic", "describe", missing);
        assertTrue(notFound.err().startsWith("deltaq topic describe: ") && notFound.err().contains("no topic here"),
                notFound.err());
        assertTrue(main(1, "topic", "describe", dir.toString()).err().contains("no topic at "));

        assertTrue(main(2, "topic", "frob", missing).err().startsWith("deltaq topic: unknown action 'frob'"));
        assertTrue(main(2, "topic", "describe").err().startsWith("deltaq topic: missing ADDRESS"));
        assertTrue(main(2, "topic", "grow", missing).err().startsWith("deltaq topic: grow needs --partitions N"));
        assertTrue(main(2, "topic", "list", missing, "--json").err()
                .startsWith("deltaq topic: --json applies to describe, not to list"));
        assertTrue(main(2, "topic", "describe", missing, "--partitions", "2").err()
                .startsWith("deltaq topic: --partitions applies to create and grow, not to describe"));
        assertTrue(main(2, "topic", "create", missing, "--partitions", "0").err()
                .startsWith("deltaq topic: --partitions must be between 1 and " + Topic.MAX_PARTITIONS));
        assertTrue(main(2, "topic", "create", missing, "--table-property", "retention").err()
                .startsWith("deltaq topic: --table-property 'retention' is not KEY=VALUE"));
        assertTrue(main(2, "topic", "delete", " ").err().startsWith("deltaq topic: ADDRESS is empty"));
        assertFalse(Files.exists(Path.of(missing)), "nothing was created");
    }

    private static long count(ObjectStore store, String prefix) {
        AtomicLong n = new AtomicLong();
        Listing.forEach(store, prefix, null, 1000, info -> {
            n.incrementAndGet();
            return true;
        }).join();
        return n.get();
    }
}
