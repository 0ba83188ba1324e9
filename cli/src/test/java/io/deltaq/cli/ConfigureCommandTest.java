package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.DeltaTable;
import io.deltaq.s3io.LocalObjectStore;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code deltaq configure}: sets and removes table properties of a message table on the local store. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigureCommandTest {

    @TempDir
    Path dir;

    private static CapturedIo run(int expectedStatus, String... args) {
        CapturedIo captured = new CapturedIo();
        assertEquals(expectedStatus, DeltaqMain.run(args, captured.io),
                () -> "deltaq " + String.join(" ", args) + "\nstdout: " + captured.out() + "\nstderr: " + captured.err());
        return captured;
    }

    @Test
    void setsAndRemovesPropertiesInOneCommitEachAndPrintsTheConfiguration() throws Exception {
        Path table = dir.resolve("topic");
        try (LocalObjectStore store = new LocalObjectStore(table, 2, false)) {
            DeltaTable.at(store, "").createMessageTable();
        }
        CapturedIo set = run(0, "configure", table.toString(), "deltaq.retention.ms=120000",
                "delta.logRetentionDuration=interval 2 minutes");
        String out = set.out();
        assertTrue(out.contains("deltaq.retention.ms=120000\n"), out);
        assertTrue(out.contains("delta.logRetentionDuration=interval 2 minutes\n"), out);
        assertTrue(out.contains("delta.checkpointInterval="), out); // the others stay
        try (LocalObjectStore store = new LocalObjectStore(table, 2, false)) {
            DeltaTable t = DeltaTable.at(store, "");
            assertEquals(1, t.latestVersion());
            assertEquals("120000", t.snapshot().metadata().configuration().get("deltaq.retention.ms"));
        }

        String removed = run(0, "configure", table.toString(), "--unset", "deltaq.retention.ms").out();
        assertFalse(removed.contains("deltaq.retention.ms"), removed);
        assertTrue(removed.contains("delta.logRetentionDuration=interval 2 minutes\n"), removed);
        // Printing only writes nothing.
        assertEquals(removed, run(0, "configure", table.toString()).out());
        try (LocalObjectStore store = new LocalObjectStore(table, 2, false)) {
            assertEquals(2, DeltaTable.at(store, "").latestVersion());
        }
    }

    @Test
    void aMalformedSettingIsAUsageErrorAndAMissingTableAFailureNamingIt() {
        Path table = dir.resolve("none");
        CapturedIo usage = run(2, "configure", table.toString(), "retention");
        assertTrue(usage.err().contains("'retention' is not KEY=VALUE"), usage.err());
        CapturedIo both = run(2, "configure", table.toString(), "a=1", "--unset", "a");
        assertTrue(both.err().contains("'a' is both set and unset"), both.err());
        CapturedIo missing = run(1, "configure", table.toString(), "deltaq.retention.ms=1");
        assertTrue(missing.err().startsWith("deltaq configure: "), missing.err());
        assertTrue(missing.err().contains("none"), missing.err());
    }

    /** Fails if a value deltaq would silently read as its default, or a misspelt deltaq key, is written. */
    @Test
    void aValueDeltaqCannotReadIsRefusedAndNothingIsWritten() throws Exception {
        Path table = dir.resolve("strict");
        try (LocalObjectStore store = new LocalObjectStore(table, 2, false)) {
            DeltaTable.at(store, "").createMessageTable();
        }
        CapturedIo bad = run(1, "configure", table.toString(), "deltaq.retention.ms=7d");
        assertTrue(bad.err().contains("'7d' is not a valid deltaq.retention.ms: expected milliseconds"), bad.err());
        CapturedIo typo = run(1, "configure", table.toString(), "deltaq.retention.msec=1000");
        assertTrue(typo.err().contains("'deltaq.retention.msec' is not a deltaq table property"), typo.err());
        try (LocalObjectStore store = new LocalObjectStore(table, 2, false)) {
            assertEquals(0, DeltaTable.at(store, "").latestVersion(), "nothing was written");
        }
    }
}
