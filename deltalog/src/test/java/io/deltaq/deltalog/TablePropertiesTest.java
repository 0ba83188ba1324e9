package io.deltaq.deltalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    /**
     * Fails if a value deltaq would read as its default (a typo) can be set, a valid one is refused,
     * an unknown deltaq key passes, or another engine's key is refused.
     */
    @Test
    void settingAPropertyRefusesWhatReadingWouldTakeForTheDefault() {
        assertNull(TableProperties.problem("deltaq.retention.ms", "-1"));
        assertNull(TableProperties.problem("deltaq.retention.ms", "0"));
        assertNull(TableProperties.problem("deltaq.compaction.target.bytes", "1048576"));
        assertNull(TableProperties.problem("delta.logRetentionDuration", "interval 2 minutes"));
        assertNull(TableProperties.problem("delta.appendOnly", "anything"), "not deltaq's to judge");
        assertNull(TableProperties.problem("owner", "x"), "not deltaq's to judge");
        assertEquals("'7d' is not a valid deltaq.retention.ms: expected milliseconds, at least 0, or -1 for no limit",
                TableProperties.problem("deltaq.retention.ms", "7d"));
        assertTrue(TableProperties.problem("deltaq.retention.bytes", "-5").contains("deltaq.retention.bytes"));
        assertTrue(TableProperties.problem("deltaq.maintenance.interval.ms", "0").contains("at least 1"));
        assertTrue(TableProperties.problem("delta.deletedFileRetentionDuration", "7 fortnights")
                .contains("Delta interval"));
        assertTrue(TableProperties.problem("delta.checkpointInterval", "0").contains("positive integer"));
        String typo = TableProperties.problem("deltaq.retention.msec", "1000");
        assertTrue(typo.contains("'deltaq.retention.msec' is not a deltaq table property")
                && typo.contains("deltaq.retention.ms"), typo);
        for (TableProperties.Definition d : TableProperties.MAINTENANCE) {
            assertTrue(TableProperties.problem(d.key(), "not a value") != null, d.key() + " is checked when set");
        }
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
