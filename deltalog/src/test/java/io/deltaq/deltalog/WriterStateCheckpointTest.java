package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.CommitInfo;
import io.deltaq.deltalog.actions.Metadata;
import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreMetrics.Operation;
import io.deltaq.testkit.RecordingStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A writer's checkpoints come from the state it holds (the snapshot it opened with and every commit
 * it wrote or read since), not from a replay of the log; and a change of the table's settings by
 * another commit is adopted, not fatal. On the local store and on s3proxy.
 */
class WriterStateCheckpointTest {

    @TempDir
    static Path dir;

    static Stream<Arguments> stores() {
        Function<String, ObjectStore> local = name -> TestS3.local(dir.resolve(name));
        Function<String, ObjectStore> s3 = TestS3::freshStore;
        return Stream.of(Arguments.of("local", local), Arguments.of("s3", s3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aWritersCheckpointReadsNothingOfTheLogAndHoldsEveryWritersFiles(String kind, Function<String, ObjectStore> stores)
            throws Exception {
        ExecutorService checkpoints = Executors.newSingleThreadExecutor();
        try (ObjectStore store = stores.apply("state-" + System.nanoTime())) {
            DeltaLogOptions options = DeltaLogOptions.builder().defaultCheckpointInterval(5).build();
            DeltaTable plain = DeltaTable.at(store, "t", options);
            plain.createMessageTable();
            RecordingStore recording = new RecordingStore(store);
            DeltaTable recorded = DeltaTable.at(recording, "t", options);
            CommitWriter w = recorded.newWriter("w", recorded.snapshot(), checkpoints);
            CommitWriter other = plain.newWriter("other", plain.snapshot(), null);
            int getsBefore = recording.gets.size();
            long seqOther = 0;
            for (long seq = 1; seq <= 12; seq++) {
                if (seq % 3 == 0) {
                    // Another writer takes the next version: w learns of it only by reading it as a winner.
                    other.commit(++seqOther, CommitWriterTest.files("o" + seqOther, 3)).get(10, TimeUnit.SECONDS);
                }
                w.commit(seq, CommitWriterTest.files("w" + seq, 2)).get(10, TimeUnit.SECONDS);
                w.lastCheckpoint().get(10, TimeUnit.SECONDS);
            }
            long head = plain.latestVersion();
            assertEquals(16, head);
            // Versions 3, 7, 11 and 15 are the other writer's; w checkpoints its own 5 and 10.
            assertEquals(10, plain.latestCheckpointVersion());
            // Two checkpoints written, none by reading: the only commits w read are the
            // other writer's, once each, as the winners of the versions it lost.
            List<String> read = recording.gets.subList(getsBefore, recording.gets.size()).stream()
                    .map(RecordingStore.Get::key).toList();
            for (String key : read) {
                assertFalse(key.endsWith(".checkpoint.parquet"), "a checkpoint was read back: " + read);
            }
            long ownCommitsRead = read.stream().filter(k -> k.endsWith(".json")).count();
            assertTrue(ownCommitsRead <= 2 * seqOther, "w read " + ownCommitsRead + " commits for " + seqOther
                    + " winners: " + read);
            for (long v : new long[] {5, 10}) {
                Snapshot fromCheckpoint = plain.snapshotAt(v);
                assertEquals(v, fromCheckpoint.checkpointVersion().orElse(-1));
                assertEquals(GoldenTablesTest.state(plain.snapshotFromCommits(v)), GoldenTablesTest.state(fromCheckpoint));
                assertEquals(plain.snapshotFromCommits(v).transactions().keySet(), fromCheckpoint.transactions().keySet());
            }
            assertTrue(w.lastCheckpointBytes() > 0);
            assertTrue(w.lastCheckpointNanos() > 0);
        } finally {
            checkpoints.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void aChangeOfTheTablesSettingsIsAdoptedByAWriterAndItsCheckpoints(String kind, Function<String, ObjectStore> stores)
            throws Exception {
        ExecutorService checkpoints = Executors.newSingleThreadExecutor();
        try (ObjectStore store = stores.apply("settings-" + System.nanoTime())) {
            DeltaLogOptions options = DeltaLogOptions.builder().defaultCheckpointInterval(4).build();
            DeltaTable table = DeltaTable.at(store, "t", options);
            table.createMessageTable();
            CommitWriter w = table.newWriter("w", table.snapshot(), checkpoints);
            w.commit(1, CommitWriterTest.files("a", 2)).get(10, TimeUnit.SECONDS);
            w.commit(2, CommitWriterTest.files("b", 2)).get(10, TimeUnit.SECONDS);
            // An operator changes a setting at version 3, behind the writer's back.
            Metadata before = table.snapshot().metadata();
            Map<String, String> settings = new HashMap<>(before.configuration());
            settings.put("deltaq.retention.ms", "120000");
            Metadata after = new Metadata(before.id(), before.name(), before.description(), before.format(),
                    before.schemaString(), before.partitionColumns(), settings, before.createdTime());
            List<Action> change = List.of(new CommitInfo(1L, null, "SET TBLPROPERTIES", Map.of(), Boolean.FALSE,
                    null, null), after);
            assertTrue(store.putIfAbsent("t/_delta_log/00000000000000000003.json", new ActionJson.Writer().write(change))
                    .get(10, TimeUnit.SECONDS));

            CommitResult r = w.commit(3, CommitWriterTest.files("c", 2)).get(10, TimeUnit.SECONDS);
            assertEquals(4, r.version());
            assertEquals(4, w.lastCheckpoint().get(10, TimeUnit.SECONDS));
            Snapshot s = table.snapshotAt(4);
            assertEquals(4, s.checkpointVersion().orElse(-1));
            assertEquals("120000", s.metadata().configuration().get("deltaq.retention.ms"));
            assertEquals(3, s.liveFiles().size());
        } finally {
            checkpoints.shutdownNow();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stores")
    void setPropertiesChangesOnlyTheNamedSettingsOnceEvenWhenItsAnswerIsLost(String kind,
            Function<String, ObjectStore> stores) throws Exception {
        try (ObjectStore backing = stores.apply("set-" + System.nanoTime())) {
            FaultInjectingStore store = new FaultInjectingStore(backing);
            DeltaTable table = DeltaTable.at(store, "t");
            table.createMessageTable();
            Map<String, String> initial = table.snapshot().metadata().configuration();
            CommitWriter w = table.newWriter("w", table.snapshot(), null);
            w.commit(1, CommitWriterTest.files("a", 2)).get(10, TimeUnit.SECONDS);

            // The create lands but its answer is lost: recognised as this call's own, not written twice.
            store.failNext(Operation.PUT_IF_ABSENT, key -> key.endsWith(".json"),
                    FaultInjectingStore.Fault.lostResponse());
            long v = table.setProperties(Map.of("deltaq.retention.ms", "120000"), Set.of());
            assertEquals(2, v);
            assertEquals(2, table.latestVersion());
            Map<String, String> expected = new HashMap<>(initial);
            expected.put("deltaq.retention.ms", "120000");
            assertEquals(expected, table.snapshot().metadata().configuration());
            assertEquals("SET TBLPROPERTIES", table.readCommit(2).get(10, TimeUnit.SECONDS).orElseThrow()
                    .commitInfo().orElseThrow().operation());

            // The same settings again: nothing to commit.
            assertEquals(2, table.setProperties(Map.of("deltaq.retention.ms", "120000"), Set.of()));
            assertEquals(2, table.latestVersion());

            // The writer, still at version 1, goes on past the change; then a removal.
            assertEquals(3, w.commit(2, CommitWriterTest.files("b", 2)).get(10, TimeUnit.SECONDS).version());
            assertEquals(4, table.setProperties(Map.of(), Set.of("deltaq.retention.ms")));
            assertEquals(initial, table.snapshot().metadata().configuration());
            assertEquals(table.snapshot().metadata().id(), table.snapshotAt(0).metadata().id());
        }
    }
}
