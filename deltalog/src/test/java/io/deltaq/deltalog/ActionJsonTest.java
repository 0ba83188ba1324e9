package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.DeletionVector;
import io.deltaq.deltalog.actions.Format;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.actions.RemoveFile;
import io.deltaq.deltalog.actions.SetTransaction;
import io.deltaq.deltalog.actions.UnknownAction;
import io.deltaq.testkit.GoldenTables;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionJsonTest {

    private static final String FILE = "mem:///t/_delta_log/00000000000000000007.json";

    private static List<Action> parse(String text) {
        return ActionJson.parseCommit(text.getBytes(StandardCharsets.UTF_8), FILE, 7);
    }

    @Test
    void everyActionRoundTrips() {
        Map<String, String> partition = new HashMap<>();
        partition.put("p", null);
        partition.put("q", "a+b %");
        List<Action> actions = List.of(
                new CommitInfo(1L, 2L, "WRITE", Map.of("mode", "Append"), true, "deltaq/test", "tx-1"),
                new Protocol(3, 7, List.of("vacuumProtocolCheck"), List.of("appendOnly", "invariants")),
                new Metadata("id-1", "name", "desc", new Format("parquet", Map.of("k", "v")),
                        MessageSchema.SCHEMA_STRING, List.of("p"), Map.of("delta.checkpointInterval", "5"), 9L),
                new AddFile("p=a%20b/f.parquet", partition, 10, 11, true, "{\"numRecords\":3}", Map.of("t", "u"),
                        new DeletionVector("u", "ab^-aqEH.-t@S}K{vb[*k^", 1, 36, 2, null)),
                new RemoveFile("x.parquet", 12L, false, true, Map.of(), 13L, null, null, null),
                new SetTransaction("writer-1", 42, 99L),
                new UnknownAction("domainMetadata", "{\"domain\":\"d\",\"configuration\":\"{}\",\"removed\":false}"));
        byte[] bytes = new ActionJson.Writer().write(actions);
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals(actions.size(), text.split("\n").length, "one action per line");
        assertTrue(text.endsWith("\n"));
        assertEquals(actions, ActionJson.parseCommit(bytes, FILE, 7));
    }

    @Test
    void writerReusesItsBufferWithoutMixingCommits() {
        ActionJson.Writer writer = new ActionJson.Writer();
        byte[] first = writer.write(List.of(new SetTransaction("a", 1, null)));
        byte[] second = writer.write(List.of(new SetTransaction("bb", 2, null)));
        assertEquals("{\"txn\":{\"appId\":\"a\",\"version\":1}}\n", new String(first, StandardCharsets.UTF_8));
        assertEquals("{\"txn\":{\"appId\":\"bb\",\"version\":2}}\n", new String(second, StandardCharsets.UTF_8));
    }

    @Test
    void readsEveryGoldenCommit() throws IOException {
        int files = 0;
        try (var paths = Files.walk(GoldenTables.dir())) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                String name = p.getFileName().toString();
                if (p.getParent().getFileName().toString().equals("_delta_log") && name.endsWith(".json")
                        && LogFiles.startsWithVersion(name)) {
                    if (p.toString().contains("versions-not-contiguous") && name.startsWith("00000000000000000000")) {
                        // Its metaData lacks the required schemaString.
                        assertThrows(CorruptLogException.class,
                                () -> ActionJson.parseCommit(Files.readAllBytes(p), p.toString(), 0));
                        continue;
                    }
                    List<Action> actions = ActionJson.parseCommit(Files.readAllBytes(p), p.toString(), 0);
                    assertFalse(actions.isEmpty(), p.toString());
                    // Writing what was read and reading it again gives the same actions.
                    byte[] rewritten = new ActionJson.Writer().write(actions);
                    assertEquals(actions, ActionJson.parseCommit(rewritten, p.toString(), 0), p.toString());
                    files++;
                }
            }
        }
        assertTrue(files > 40, "golden commits read: " + files);
    }

    @Test
    void unknownActionsAndFieldsAreTolerated() {
        List<Action> actions = parse(String.join("\n",
                "{\"cdc\":{\"path\":\"_change_data/c.parquet\",\"partitionValues\":{},\"size\":1,\"dataChange\":false}}",
                "{\"add\":{\"path\":\"a\",\"partitionValues\":{},\"size\":1,\"modificationTime\":2,\"dataChange\":true,"
                        + "\"newField\":{\"deep\":[1,2,{\"x\":null}]},\"tags\":null,\"baseRowId\":null}}",
                "{\"checkpointMetadata\":{\"version\":3}}",
                "{\"txn\":{\"appId\":\"w\",\"version\":5},\"add\":null}",
                ""));
        assertEquals(4, actions.size());
        assertEquals(new UnknownAction("cdc",
                "{\"path\":\"_change_data/c.parquet\",\"partitionValues\":{},\"size\":1,\"dataChange\":false}"),
                actions.get(0));
        AddFile add = assertInstanceOf(AddFile.class, actions.get(1));
        assertEquals("a", add.path());
        assertNull(add.tags());
        assertEquals("checkpointMetadata", actions.get(2).actionName());
        assertEquals(new SetTransaction("w", 5, null), actions.get(3));
    }

    @Test
    void truncatedCommitNamesFileVersionAndLine() {
        String text = LogWriting.PROTOCOL + "\n" + LogWriting.add("a", 1) + "\n" + "{\"add\":{\"path\":\"b\",\"partitionVa";
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> parse(text));
        assertEquals(7, e.version());
        assertTrue(e.getMessage().contains(FILE + " (version 7), line 3: truncated JSON"), e.getMessage());
    }

    @Test
    void invalidJsonNamesLineAndColumn() {
        String text = LogWriting.PROTOCOL + "\n{\"add\":{\"path\":nope}}\n";
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> parse(text));
        assertTrue(e.getMessage().contains("(version 7), line 2, column"), e.getMessage());
        assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());
    }

    @Test
    void missingRequiredFieldNamesActionAndField() {
        String text = LogWriting.PROTOCOL + "\n" + LogWriting.METADATA + "\n"
                + "{\"add\":{\"path\":\"a\",\"partitionValues\":{},\"modificationTime\":1,\"dataChange\":true}}\n";
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> parse(text));
        assertTrue(e.getMessage().endsWith("line 3: 'add' action lacks required field 'size'"), e.getMessage());

        CorruptLogException noVersion = assertThrows(CorruptLogException.class,
                () -> parse("{\"txn\":{\"appId\":\"w\"}}"));
        assertTrue(noVersion.getMessage().contains("'txn' action lacks required field 'version'"));

        CorruptLogException noSchema = assertThrows(CorruptLogException.class,
                () -> parse("{\"metaData\":{\"id\":\"x\",\"format\":{\"provider\":\"parquet\"},"
                        + "\"partitionColumns\":[],\"configuration\":{}}}"));
        assertTrue(noSchema.getMessage().contains("'metaData' action lacks required field 'schemaString'"));
    }

    @Test
    void wrongTypesAreNamed() {
        CorruptLogException e = assertThrows(CorruptLogException.class, () -> parse(
                "{\"add\":{\"path\":\"a\",\"partitionValues\":{},\"size\":\"big\",\"modificationTime\":1,"
                        + "\"dataChange\":true}}"));
        assertTrue(e.getMessage().contains("field 'size' of 'add' should be an integer but is a string"),
                e.getMessage());
        CorruptLogException notObject = assertThrows(CorruptLogException.class, () -> parse("[1,2]"));
        assertTrue(notObject.getMessage().contains("line 1: expected an action object but found an array"));
        CorruptLogException two = assertThrows(CorruptLogException.class,
                () -> parse("{\"txn\":{\"appId\":\"a\",\"version\":1},\"txn\":{\"appId\":\"b\",\"version\":1}}"));
        assertTrue(two.getMessage().contains("more than one action in one line"));
        CorruptLogException none = assertThrows(CorruptLogException.class, () -> parse("{}"));
        assertTrue(none.getMessage().contains("holds no action"));
    }

    @Test
    void invalidUtf8IsInvalidJson() {
        byte[] bytes = (LogWriting.PROTOCOL + "\n{\"txn\":{\"appId\":\"").getBytes(StandardCharsets.UTF_8);
        byte[] bad = Arrays.copyOf(bytes, bytes.length + 20);
        bad[bytes.length] = (byte) 0xC3;
        bad[bytes.length + 1] = (byte) 0x28;
        assertThrows(CorruptLogException.class, () -> ActionJson.parseCommit(bad, FILE, 7));
    }

    @Test
    void commitInfoKeepsFreeFormParametersAsText() {
        Action a = ActionJson.parseAction("{\"commitInfo\":{\"timestamp\":5,\"operation\":\"MERGE\","
                + "\"operationParameters\":{\"predicate\":[\"a\"],\"n\":3,\"s\":\"x\"},\"isBlindAppend\":false,"
                + "\"operationMetrics\":{\"numFiles\":\"1\"},\"engineInfo\":\"Spark\"}}");
        CommitInfo info = assertInstanceOf(CommitInfo.class, a);
        assertEquals(Map.of("predicate", "[\"a\"]", "n", "3", "s", "x"), info.operationParameters());
        assertEquals(5L, info.timestamp());
        assertEquals(Boolean.FALSE, info.isBlindAppend());
    }

    /** Not an assertion on speed (that is for JMH), but a printed figure for the report. */
    @Test
    void writesAnAppendCommitQuickly() {
        ActionJson.Writer writer = new ActionJson.Writer();
        Map<String, String> parameters = Map.of("mode", "Append");
        int iterations = 200_000;
        long bytes = 0;
        long start = 0;
        for (int round = 0; round < 2; round++) {
            if (round == 1) {
                start = System.nanoTime();
            }
            for (int i = 0; i < iterations; i++) {
                // What CommitWriter does per commit: statistics JSON, the three actions, the bytes.
                String stats = new MessageStats(1000, 1_700_000_000_000_123L + i, 1_700_000_001_000_456L + i, 3)
                        .toJson();
                List<Action> actions = List.of(
                        new CommitInfo(1L + i, null, "WRITE", parameters, true, "deltaq/dev", null),
                        new SetTransaction("producer-1", i, 1L),
                        AddFile.ofNewFile("part-00000-5f0c0b5e-1a2b-4c3d-9e8f-0123456789ab.parquet", 123_456, 1L,
                                stats));
                bytes += writer.write(actions).length;
            }
        }
        double micros = (System.nanoTime() - start) / 1000.0 / iterations;
        System.out.printf("ActionJson.Writer: %.2f us per append commit (stats + 3 actions, %d bytes)%n", micros,
                bytes / (2L * iterations));
        assertTrue(bytes > 0);
    }
}
