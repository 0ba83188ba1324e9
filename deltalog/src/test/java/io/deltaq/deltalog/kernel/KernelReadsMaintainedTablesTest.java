package io.deltaq.deltalog.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.delta.kernel.Snapshot;
import io.delta.kernel.Table;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.FullMaintenanceRun;
import io.deltaq.deltalog.Maintenance;
import io.deltaq.deltalog.MaintenanceReport;
import io.deltaq.deltalog.MaintenanceTables.Row;
import io.deltaq.deltalog.kernel.KernelTables.Message;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Delta Kernel, the reference Java reader, reads a deltaq table after maintenance did everything it
 * does (docs/rfcs/0005-maintenance.md): compaction commits, a retention commit, vacuumed data files
 * and a log cleaned up to a checkpoint. On the local filesystem store, and on s3proxy (Kernel reads a
 * copy of the objects in a local directory).
 */
class KernelReadsMaintainedTablesTest {

    private final Engine engine = DefaultEngine.create(new Configuration());

    @TempDir
    Path dir;

    /**
     * Fails if Kernel cannot load the table from what log cleanup left (a checkpoint without its
     * commit, a gap, a deleted commit it still needs), if a compaction or retention commit is not a
     * valid Delta commit to Kernel, if the latest snapshot still names a vacuumed file (the read fails
     * with a missing file), or if Kernel's rows differ from the retained rows (a compacted row lost or
     * doubled, an expired row still visible).
     */
    @ParameterizedTest
    @ValueSource(strings = {"local", "s3"})
    void kernelReadsExactlyTheRetainedRowsAfterCompactionRetentionVacuumAndLogCleanup(String kind) throws Exception {
        Path local = dir.resolve("store");
        try (ObjectStore store = kind.equals("s3") ? TestS3.freshStore("kernel-maintained") : TestS3.local(local)) {
            DeltaTable table = DeltaTable.at(store, "topic");
            assertTrue(table.createMessageTable().created());
            FullMaintenanceRun t = FullMaintenanceRun.prepare(table, 20261205);

            MaintenanceReport report = Maintenance.of(table, t.clock).runOnce("kernel-test", 2);
            assertTrue(report.succeeded(), report.toString());
            assertTrue(report.filesCompacted() > 0 && report.filesWritten() > 0, "compaction did work: " + report);
            assertTrue(report.filesExpired() > 0, "retention did work: " + report);
            assertTrue(report.filesVacuumed() > 0, "vacuum did work: " + report);
            assertTrue(report.logFilesDeleted() > 0, "log cleanup did work: " + report);
            long logStart = report.logStartVersion();
            assertTrue(logStart > 0, report.toString());
            long latest = table.latestVersion();

            Path tableDir = kind.equals("s3")
                    ? copyToDirectory(store, dir.resolve("copy")).resolve("topic")
                    : local.resolve("topic");
            try (Stream<Path> log = Files.list(tableDir.resolve("_delta_log"))) {
                long oldest = log.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")
                        && !n.startsWith("_")).mapToLong(n -> Long.parseLong(n.substring(0, 20))).min().orElseThrow();
                assertEquals(t.checkpoint, oldest, "log cleanup kept the checkpoint's commit and nothing older");
            }

            Snapshot snapshot = Table.forPath(engine, tableDir.toString()).getLatestSnapshot(engine);
            assertEquals(latest, snapshot.getVersion());
            assertEquals(Optional.of(t.checkpoint), snapshot.getLogSegment().getCheckpointVersionOpt(),
                    "Kernel starts at the checkpoint log cleanup kept");
            assertEquals(messages(t.rowsFrom(logStart)), messages(KernelTables.kernelRead(engine, snapshot)),
                    "Kernel's rows are the rows of versions >= the log start version " + logStart);
            assertEquals(messages(t.rowsFrom(logStart)), messages(FullMaintenanceRun.liveRows(table)),
                    "deltaq reads the same rows");

            // The oldest version the remaining log can still build is the kept checkpoint's.
            Snapshot oldest = Table.forPath(engine, tableDir.toString()).getSnapshotAsOfVersion(engine, t.checkpoint);
            assertEquals(t.checkpoint, oldest.getVersion());
        }
    }

    /** Copies every object of {@code store} into {@code target}, so that Kernel reads an S3 table from files. */
    private static Path copyToDirectory(ObjectStore store, Path target) throws Exception {
        for (String key : FullMaintenanceRun.keys(store)) {
            byte[] bytes = store.get(key).get(60, TimeUnit.SECONDS).orElseThrow();
            Path file = target.resolve(key);
            Files.createDirectories(file.getParent());
            Files.write(file, bytes);
        }
        return target;
    }

    /** Rows as a multiset of messages (key, value and timestamp). */
    private static Map<Message, Integer> messages(List<?> rows) {
        Map<Message, Integer> counts = new HashMap<>();
        for (Object o : rows) {
            Message m = o instanceof Row r ? Message.of(r.key(), r.value(), r.timestampMicros()) : (Message) o;
            counts.merge(m, 1, Integer::sum);
        }
        return counts;
    }
}
