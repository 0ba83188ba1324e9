package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.deltalog.actions.AddFile;
import io.deltaq.deltalog.actions.Protocol;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CompactedRangeTest {

    private static AddFile withTags(Map<String, String> tags) {
        return new AddFile("part-x.parquet", Map.of(), 10, 1, false, null, tags, null);
    }

    @Test
    void mapsEachVersionToItsRowsInTheFileAndSurvivesTheTags() {
        CompactedRange range = new CompactedRange(7, new long[] {3, 0, 5, 2});
        assertEquals(7, range.fromVersion());
        assertEquals(10, range.toVersion());
        assertEquals(10, range.totalRows());
        assertEquals(0, range.firstRowOf(7));
        assertEquals(3, range.firstRowOf(8));
        assertEquals(0, range.rowsOf(8));
        assertEquals(3, range.firstRowOf(9));
        assertEquals(8, range.firstRowOf(10));
        assertTrue(range.covers(10));
        assertFalse(range.covers(11));
        assertFalse(range.covers(6));
        assertEquals(Optional.of(range), CompactedRange.of(withTags(range.toTags()), 12));
    }

    private static LiveFile live(String path, Map<String, String> tags) {
        return new LiveFile(path, new AddFile(path, Map.of(), 10, 1, false, null, tags, null), 9, true);
    }

    private static Snapshot snapshot(List<LiveFile> files, Map<String, TransactionState> txns) {
        return new Snapshot("t", 20, -1, Protocol.DELTAQ_DEFAULT, null, files, List.of(), txns);
    }

    @Test
    void theLogStartIsTheOldestLiveCompactedRangeElseAfterTheLastCompactedElseTheOldestInTheLog() {
        LiveFile plain = live("plain.parquet", null);
        LiveFile older = live("c1.parquet", new CompactedRange(3, new long[] {2, 0, 1}).toTags());
        LiveFile newer = live("c2.parquet", new CompactedRange(6, new long[] {4}).toTags());
        Map<String, TransactionState> compacted = Map.of(CompactedRange.COMPACTION_APP_ID,
                new TransactionState(CompactedRange.COMPACTION_APP_ID, 6, 12, false));
        assertEquals(3, CompactedRange.logStartVersion(snapshot(List.of(plain, newer, older), compacted), 10));
        assertEquals(7, CompactedRange.logStartVersion(snapshot(List.of(plain), compacted), 5),
                "every compacted file expired: the version after the last compacted");
        assertEquals(5, CompactedRange.logStartVersion(snapshot(List.of(plain), Map.of()), 5), "never compacted");
        assertEquals(Optional.of(older), CompactedRange.fileCovering(snapshot(List.of(plain, newer, older), compacted), 4));
        assertEquals(Optional.of(newer), CompactedRange.fileCovering(snapshot(List.of(plain, newer, older), compacted), 6));
        assertEquals(Optional.empty(), CompactedRange.fileCovering(snapshot(List.of(plain, newer, older), compacted), 7));
    }

    @Test
    void aFileWithoutTheTagsIsNotCompacted() {
        assertEquals(Optional.empty(), CompactedRange.of(withTags(null), 3));
        assertEquals(Optional.empty(), CompactedRange.of(withTags(Map.of("other", "x")), 3));
    }

    @Test
    void malformedTagsNameTheFileAndTheProblem() {
        CorruptLogException half = assertThrows(CorruptLogException.class,
                () -> CompactedRange.of(withTags(Map.of(CompactedRange.FROM_VERSION_TAG, "4")), 9));
        assertTrue(half.getMessage().contains("part-x.parquet"), half.getMessage());
        assertTrue(half.getMessage().contains("but not " + CompactedRange.VERSION_ROWS_TAG), half.getMessage());
        CorruptLogException negative = assertThrows(CorruptLogException.class, () -> CompactedRange.of(withTags(Map.of(
                CompactedRange.FROM_VERSION_TAG, "4", CompactedRange.VERSION_ROWS_TAG, "1,-2")), 9));
        assertTrue(negative.getMessage().contains("negative"), negative.getMessage());
        assertThrows(CorruptLogException.class, () -> CompactedRange.of(withTags(Map.of(
                CompactedRange.FROM_VERSION_TAG, "x", CompactedRange.VERSION_ROWS_TAG, "1")), 9));
    }
}
