package io.deltaq.deltalog;

import io.deltaq.s3io.FaultInjectingStore;
import io.deltaq.testkit.RecordingStore;
import io.deltaq.testkit.TestS3;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests of one table on the real local-filesystem store in a temporary directory, seen through a
 * {@link RecordingStore} (what was requested) under a {@link FaultInjectingStore} (what goes wrong).
 */
abstract class LocalTableTest {

    @TempDir
    Path dir;
    /** The table's directory, for tests that write log files by hand. */
    Path tableDir;
    RecordingStore recorded;
    FaultInjectingStore store;
    DeltaTable table;

    private final String tablePath;

    LocalTableTest(String tablePath) {
        this.tablePath = tablePath;
    }

    @BeforeEach
    void openTable() {
        tableDir = dir.resolve(tablePath);
        recorded = new RecordingStore(TestS3.local(dir));
        store = new FaultInjectingStore(recorded);
        table = DeltaTable.at(store, tablePath);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }
}
