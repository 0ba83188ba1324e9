package io.deltaq.deltalog.kernel;

import static io.deltaq.deltalog.kernel.KernelTables.deltaqAppend;
import static io.deltaq.deltalog.kernel.KernelTables.deltaqRead;
import static io.deltaq.deltalog.kernel.KernelTables.kernelCommit;
import static io.deltaq.deltalog.kernel.KernelTables.kernelRead;
import static io.deltaq.deltalog.kernel.KernelTables.messages;
import static io.deltaq.deltalog.kernel.KernelTables.sorted;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.delta.kernel.Table;
import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.engine.Engine;
import io.deltaq.deltalog.Commit;
import io.deltaq.deltalog.CommitWriter;
import io.deltaq.deltalog.Delivery;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.LiveFile;
import io.deltaq.deltalog.MessageSchema;
import io.deltaq.deltalog.Snapshot;
import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.Protocol;
import io.deltaq.deltalog.kernel.KernelTables.Message;
import io.deltaq.deltalog.internal.parquet.MessageFileWriter;
import io.deltaq.s3io.LocalObjectStore;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deltaq reads a message table that Delta Kernel created and appended to with its transaction API
 * (Kernel's Parquet writer, statistics, txn actions, and Kernel's own checkpoint), gets every row, and
 * can append to it in turn.
 */
class DeltaqReadsKernelTablesTest {

    private static final String APP_ID = "kernel-app";

    private final Engine engine = DefaultEngine.create(new Configuration());
    private final Random random = new Random(77);

    @TempDir
    Path dir;

    private LocalObjectStore store;
    private final List<Message> written = new ArrayList<>();

    @BeforeEach
    void open() {
        store = new LocalObjectStore(dir, 2, false);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private List<Message> batch(int count) {
        List<Message> batch = messages(random, count, 1_760_000_000_000_000L + written.size() * 1_001L, false);
        written.addAll(batch);
        return batch;
    }

    /** Version 0: Kernel creates the table with two data files; versions 1 and 2 append under a txn. */
    private void kernelWritesThreeVersions() {
        assertEquals(0, kernelCommit(engine, dir.toString(), true, null, 0, List.of(batch(200), batch(35))));
        assertEquals(1, kernelCommit(engine, dir.toString(), false, APP_ID, 1, List.of(batch(1_000))));
        assertEquals(2, kernelCommit(engine, dir.toString(), false, APP_ID, 2, List.of(batch(1), batch(64))));
    }

    @Test
    void snapshotAndDataFilesOfAKernelTable() {
        kernelWritesThreeVersions();
        DeltaTable table = DeltaTable.at(store, "");
        Snapshot snapshot = table.snapshot();
        assertEquals(2, snapshot.version());
        assertEquals(5, snapshot.liveFiles().size());
        assertEquals(Protocol.DELTAQ_DEFAULT, snapshot.protocol(), "Kernel creates reader 1 / writer 2 as deltaq does");
        assertEquals(MessageSchema.SCHEMA_STRING_WITHOUT_HEADERS, snapshot.metadata().schemaString(),
                "Kernel serializes the schema of a message table without headers as deltaq does");
        for (LiveFile file : snapshot.liveFiles()) {
            assertTrue(file.insideTable(), "Kernel writes paths relative to the table: " + file.path());
            assertTrue(file.numRecordsFromStats() >= 1, "Kernel's statistics carry numRecords: " + file.add().stats());
        }
        assertEquals(written.size(), snapshot.numRecordsFromStats().getAsLong());
        assertEquals(written.size(), table.rowCount(snapshot));
        assertEquals(2, snapshot.transaction(APP_ID).orElseThrow().txnVersion());
        assertEquals(sorted(written), sorted(deltaqRead(table, snapshot.liveFiles())));
    }

    @Test
    void eachKernelAppendIsACommitThatOnlyGainsData() {
        kernelWritesThreeVersions();
        DeltaTable table = DeltaTable.at(store, "");
        // A consumer follows commits, not snapshots: each Kernel append must classify as gaining data,
        // and its files, read in commit order, give the messages in the order they were appended.
        List<Message> delivered = new ArrayList<>();
        for (long version = 1; version <= 2; version++) {
            Commit commit = table.readCommit(version).join().orElseThrow();
            assertEquals(Delivery.GAINS_DATA, commit.delivery(), "version " + version);
            for (AddFile add : commit.dataAdds()) {
                delivered.addAll(deltaqRead(table, List.of(table.dataFile(version, add))));
            }
        }
        assertEquals(written.subList(235, written.size()), delivered);
    }

    @Test
    void deltaqReadsKernelsCheckpoint() throws Exception {
        kernelWritesThreeVersions();
        Table.forPath(engine, dir.toString()).checkpoint(engine, 2);
        assertEquals(3, kernelCommit(engine, dir.toString(), false, APP_ID, 3, List.of(batch(17))));
        DeltaTable table = DeltaTable.at(store, "");
        assertEquals(2, table.latestCheckpointVersion());
        Snapshot snapshot = table.snapshot();
        assertEquals(3, snapshot.version());
        assertEquals(2, snapshot.checkpointVersion().getAsLong(), "deltaq starts at Kernel's checkpoint");
        assertEquals(6, snapshot.liveFiles().size());
        assertEquals(3, snapshot.transaction(APP_ID).orElseThrow().txnVersion());
        assertEquals(sorted(written), sorted(deltaqRead(table, snapshot.liveFiles())));
    }

    @Test
    void deltaqAppendsToAKernelTableAndKernelReadsBoth() {
        kernelWritesThreeVersions();
        DeltaTable table = DeltaTable.at(store, "");
        assertFalse(table.createMessageTable().created(), "Kernel's table is accepted as a message table");
        CommitWriter writer = table.newWriter("deltaq-producer", table.snapshot(), null);
        try (MessageFileWriter encoder = new MessageFileWriter()) {
            assertEquals(3, deltaqAppend(store, writer, encoder, 1, batch(150)));
        }
        io.delta.kernel.Snapshot kernel = Table.forPath(engine, dir.toString()).getLatestSnapshot(engine);
        assertEquals(3, kernel.getVersion());
        assertEquals(sorted(written), sorted(kernelRead(engine, kernel)));
        assertEquals(sorted(written), sorted(deltaqRead(table, table.snapshot().liveFiles())));
    }
}
