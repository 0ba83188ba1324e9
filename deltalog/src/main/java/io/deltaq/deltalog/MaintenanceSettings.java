package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Metadata;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The maintenance settings in effect for a table (docs/rfcs/0005-maintenance.md), read from its
 * table properties as maintenance reads them: a read-only view for tools such as {@code deltaq inspect}.
 *
 * @param settings every setting maintenance honours, in the order the RFC lists them
 */
public record MaintenanceSettings(List<Setting> settings) {

    /**
     * One setting.
     *
     * @param key the table property
     * @param value the value in effect: milliseconds or bytes; -1 means no limit (keep everything)
     * @param property the table property's value as written, or null when the table does not set it
     * @param isDefault whether the default is in effect: the table does not set the property, or sets
     *     a value that is not valid for it (then {@code property} is that value)
     */
    public record Setting(String key, long value, String property, boolean isDefault) {
    }

    public MaintenanceSettings {
        settings = List.copyOf(settings);
    }

    /** The settings of a table whose (latest) metadata is {@code metadata}. */
    public static MaintenanceSettings of(Metadata metadata) {
        List<Setting> settings = new ArrayList<>(TableProperties.MAINTENANCE.size());
        for (TableProperties.Definition d : TableProperties.MAINTENANCE) {
            String property = metadata.property(d.key());
            settings.add(new Setting(d.key(), d.valueIn(metadata), property, !d.isValid(property)));
        }
        return new MaintenanceSettings(settings);
    }

    /** The setting of {@code key}, if maintenance honours that property. */
    public Optional<Setting> get(String key) {
        return settings.stream().filter(s -> s.key().equals(key)).findFirst();
    }
}
