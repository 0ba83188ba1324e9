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

    /** The public view reads each property as maintenance does, and tells a set value from the default. */
    @Test
    void maintenanceSettingsNameTheValueInEffectAndItsSource() {
        Map<String, String> configuration = Map.of("deltaq.retention.ms", "3600000",
                "deltaq.compaction.target.bytes", "0", "delta.logRetentionDuration", "interval 2 days",
                "deltaq.retention.bytes", "-1");
        Metadata m = new Metadata("id", null, null, Format.PARQUET, MessageSchema.SCHEMA_STRING, List.of(),
                configuration, 1L);
        MaintenanceSettings settings = MaintenanceSettings.of(m);
        assertEquals(List.of("deltaq.retention.ms", "deltaq.retention.bytes", "deltaq.compaction.min.age.ms",
                "deltaq.compaction.target.bytes", "deltaq.maintenance.interval.ms", "delta.deletedFileRetentionDuration",
                "delta.logRetentionDuration", "delta.setTransactionRetentionDuration"),
                settings.settings().stream().map(MaintenanceSettings.Setting::key).toList());
        assertEquals(new MaintenanceSettings.Setting("deltaq.retention.ms", 3_600_000, "3600000", false),
                settings.get("deltaq.retention.ms").orElseThrow());
        // Set to the default's value: still the table's property.
        assertEquals(new MaintenanceSettings.Setting("deltaq.retention.bytes", -1, "-1", false),
                settings.get("deltaq.retention.bytes").orElseThrow());
        // Not a valid value: the default is in effect, and the value written is shown.
        assertEquals(new MaintenanceSettings.Setting("deltaq.compaction.target.bytes", 128L << 20, "0", true),
                settings.get("deltaq.compaction.target.bytes").orElseThrow());
        assertEquals(new MaintenanceSettings.Setting("delta.logRetentionDuration", 2 * 86_400_000L, "interval 2 days",
                false), settings.get("delta.logRetentionDuration").orElseThrow());
        assertEquals(new MaintenanceSettings.Setting("deltaq.compaction.min.age.ms", 600_000, null, true),
                settings.get("deltaq.compaction.min.age.ms").orElseThrow());
        assertEquals(new MaintenanceSettings.Setting("delta.setTransactionRetentionDuration", -1, null, true),
                settings.get("delta.setTransactionRetentionDuration").orElseThrow());
        for (MaintenanceSettings.Setting s : settings.settings()) {
            assertEquals(TableProperties.MAINTENANCE.stream().filter(d -> d.key().equals(s.key())).findFirst()
                    .orElseThrow().valueIn(m), s.value(), s.key());
        }
    }
}
