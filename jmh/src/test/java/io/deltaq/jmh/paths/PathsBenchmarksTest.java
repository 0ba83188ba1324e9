package io.deltaq.jmh.paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import io.deltaq.jmh.queue.QueueStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every benchmark of the paths suite, run the way JMH runs it (setup, invocations, teardown) with a
 * few small batches against both real stores, for every implementation: each checks its own
 * results, so this proves the suite measures what it claims.
 */
class PathsBenchmarksTest {

    private static final int MESSAGES = 200;

    @ParameterizedTest
    @ValueSource(strings = {QueueStore.S3, QueueStore.LOCAL})
    void commitPath(String store) {
        for (String impl : List.of(Appender.DELTAQ, Appender.KERNEL)) {
            CommitPathBenchmark.Path path = new CommitPathBenchmark.Path();
            path.store = store;
            path.impl = impl;
            path.messages = MESSAGES;
            path.checkpointInterval = 2;
            path.open();
            try {
                for (int iteration = 1; iteration <= 2; iteration++) {
                    path.freshTable();
                    for (long version = 1; version <= 3; version++) {
                        assertEquals(version, new CommitPathBenchmark().commit(path), impl);
                        path.checkpointIfDue();
                    }
                    SharedTable table = path.table;
                    assertEquals(2, table.deltaq.latestCheckpointVersion(), impl + " checkpoints every interval");
                    assertEquals(3 * MESSAGES, table.deltaq.rowCount(table.deltaq.snapshot()));
                    path.checkAndDelete();
                    assertTrue(SharedTable.join(table.store.list(table.path + "/", null, 1), "listing")
                            .objects().isEmpty(), "the iteration's table is deleted");
                }
            } finally {
                path.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {QueueStore.S3, QueueStore.LOCAL})
    void pollPath(String store) {
        for (String impl : List.of(CommitReader.DELTAQ, CommitReader.KERNEL)) {
            PollPathBenchmark.Path path = new PollPathBenchmark.Path();
            path.store = store;
            path.impl = impl;
            path.messages = MESSAGES;
            path.open();
            try {
                long first = new PollPathBenchmark().poll(path);
                assertEquals(first, new PollPathBenchmark().poll(path), impl + " reads the same messages every time");
                assertEquals(MESSAGES, path.tally.rows);
                assertEquals(StoreFileIOTest.expected(io.deltaq.jmh.SampleMessages.generate(MESSAGES, 42)).checksum,
                        first, impl + " reads the messages that were written");
            } finally {
                path.close();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {QueueStore.S3, QueueStore.LOCAL})
    void discovery(String store) {
        for (String impl : List.of(VersionProbe.DELTAQ, VersionProbe.KERNEL, VersionProbe.KERNEL_RANGE)) {
            DiscoveryBenchmark.Log log = new DiscoveryBenchmark.Log();
            log.store = store;
            log.impl = impl;
            log.checkpointInterval = 4;
            log.open();
            try {
                log.freshTable();
                assertEquals(6, log.head, "one and a half intervals");
                assertEquals(4, log.table.deltaq.latestCheckpointVersion());
                for (long version = 7; version <= 9; version++) {
                    log.appendNext();
                    assertEquals(version, new DiscoveryBenchmark().discover(log), impl);
                }
                assertEquals(8, log.table.deltaq.latestCheckpointVersion(), "the writer checkpoints every interval");
                log.deleteTable();
            } finally {
                log.close();
            }
        }
    }
}
