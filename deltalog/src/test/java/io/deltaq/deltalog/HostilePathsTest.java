package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.actions.Action;
import io.deltaq.deltalog.actions.AddFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Data file paths in a hostile log never leave the table root: in a commit's {@code add} or
 * {@code remove}, in a checkpoint, through {@link DeltaTable#dataFile} or as a prefetch hint, each is
 * refused with an error naming the log file, the version and the path.
 */
class HostilePathsTest extends LocalTableTest {

    /** Paths that would reach outside {@code t/} if they were joined to the table's prefix. */
    static final List<String> HOSTILE = List.of(
            "%2e%2e/secret.parquet",
            "%2E%2E/%2E%2E/secret.parquet",
            "a/%2e%2e/%2e%2e/secret.parquet",
            "a/%2e%2e%2f%2e%2e%2fsecret.parquet",
            "..%2fsecret.parquet",
            "../secret.parquet",
            "a/../../secret.parquet",
            "/secret.parquet",
            "%2Fsecret.parquet",
            "%2fetc%2fpasswd",
            "s3://other-bucket/t/secret.parquet",
            "file:///etc/passwd",
            "//other-host/secret.parquet",
            "a%5c..%5c..%5csecret.parquet",
            "%2e/x.parquet",
            "x%00.parquet");

    HostilePathsTest() {
        super("t");
    }

    private static String json(String s) {
        return s.replace("\\", "\\\\");
    }

    private void assertNames(RuntimeException e, String file, long version, String path) {
        String m = e.getMessage();
        assertTrue(m.contains(file), "names the file " + file + ": " + m);
        assertTrue(m.contains("version " + version), "names the version: " + m);
        assertTrue(m.contains("'" + path + "'"), "names the path: " + m);
    }

    @Test
    void anAddOrRemoveWithAHostilePathIsRefusedNamingTheCommitTheVersionAndThePath() {
        for (String path : HOSTILE) {
            for (boolean remove : new boolean[] {false, true}) {
                LogWriting.commit(tableDir, 0, LogWriting.PROTOCOL, LogWriting.METADATA);
                LogWriting.commit(tableDir, 1, remove ? LogWriting.remove(json(path), true) : LogWriting.add(json(path), 1));
                CorruptLogException e = assertThrows(CorruptLogException.class, table::snapshot,
                        (remove ? "remove " : "add ") + path);
                assertNames(e, LogFiles.commitName(1), 1, path);
                assertEquals(1, e.version());
            }
        }
    }

    @Test
    void aCheckpointWithAHostilePathIsRefusedNamingTheCheckpointTheVersionAndThePath() {
        ParquetCheckpointFormat format = new ParquetCheckpointFormat();
        for (String path : HOSTILE) {
            List<Action> actions = new ArrayList<>(ActionJson.parseCommit(
                    (LogWriting.PROTOCOL + "\n" + LogWriting.METADATA).getBytes(), "<test>", 0));
            actions.add(new AddFile(path, Map.of(), 100, 1, true, null, null, null));
            // Version 5's checkpoint with no commits before it: nothing can replace it.
            LogWriting.write(tableDir.resolve("_delta_log/" + LogFiles.classicCheckpointName(5)), format.write(actions));
            CorruptLogException e = assertThrows(CorruptLogException.class, table::snapshot, path);
            assertNames(e, LogFiles.classicCheckpointName(5), 5, path);
        }
    }

    @Test
    void dataFileAndThePrefetchHintRefuseHostilePaths() throws Exception {
        table.createMessageTable();
        for (String path : HOSTILE) {
            AddFile add = new AddFile(path, Map.of(), 100, 1, true, null, null, null);
            CorruptLogException e = assertThrows(CorruptLogException.class, () -> table.dataFile(3, add), path);
            assertNames(e, LogFiles.commitName(3), 3, path);
            assertEquals(Optional.empty(), table.prefetchDataFile(path).get(30, TimeUnit.SECONDS), path);
        }
    }
}
