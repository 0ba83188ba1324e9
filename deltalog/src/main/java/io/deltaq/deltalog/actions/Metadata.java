package io.deltaq.deltalog.actions;

import java.util.List;
import java.util.Map;

/**
 * The {@code metaData} action: the table's identity, schema, partitioning and properties. The
 * latest one in the log wins.
 *
 * @param name null when absent
 * @param description null when absent
 * @param schemaString the schema as Delta's JSON serialization
 * @param createdTime milliseconds since the epoch, or null
 */
public record Metadata(
        String id, String name, String description, Format format, String schemaString,
        List<String> partitionColumns, Map<String, String> configuration, Long createdTime) implements Action {

    public static final String NAME = "metaData";

    public Metadata {
        Actions.required(id, NAME, "id");
        Actions.required(format, NAME, "format");
        Actions.required(schemaString, NAME, "schemaString");
        partitionColumns = Actions.copyList(Actions.required(partitionColumns, NAME, "partitionColumns"));
        configuration = Actions.copyMap(Actions.required(configuration, NAME, "configuration"));
    }

    /** A table property, or null when it is not set. */
    public String property(String key) {
        return configuration.get(key);
    }

    @Override
    public String actionName() {
        return NAME;
    }
}
