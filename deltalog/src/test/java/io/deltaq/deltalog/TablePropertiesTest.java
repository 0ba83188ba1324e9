package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.deltaq.deltalog.actions.Format;
import io.deltaq.deltalog.actions.Metadata;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TablePropertiesTest {

    private static Metadata with(String key, String value) {
        return new Metadata("id", null, null, Format.PARQUET, MessageSchema.SCHEMA_STRING, List.of(),
                Map.of(key, value), 1L);
    }

    @Test
    void checkpointInterval() {
        assertEquals(7, TableProperties.checkpointInterval(with("delta.checkpointInterval", " 7 "), 100));
        assertEquals(100, TableProperties.checkpointInterval(with("delta.checkpointInterval", "0"), 100));
        assertEquals(100, TableProperties.checkpointInterval(with("delta.checkpointInterval", "ten"), 100));
        assertEquals(100, TableProperties.checkpointInterval(with("other", "1"), 100));
    }

    @Test
    void deletedFileRetention() {
        String key = "delta.deletedFileRetentionDuration";
        assertEquals(7 * 86_400_000L, TableProperties.deletedFileRetentionMs(with(key, "interval 1 week")));
        assertEquals(2 * 86_400_000L, TableProperties.deletedFileRetentionMs(with(key, "interval 2 days")));
        assertEquals(3 * 3_600_000L, TableProperties.deletedFileRetentionMs(with(key, "3 hours")));
        assertEquals(TableProperties.DEFAULT_DELETED_FILE_RETENTION_MS,
                TableProperties.deletedFileRetentionMs(with(key, "forever")));
        assertEquals(TableProperties.DEFAULT_DELETED_FILE_RETENTION_MS,
                TableProperties.deletedFileRetentionMs(with("other", "x")));
    }
}
