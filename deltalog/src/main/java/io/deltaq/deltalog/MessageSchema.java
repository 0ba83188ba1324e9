package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Metadata;

/**
 * The schema of a deltaq message table: {@code key binary} (nullable), {@code value binary},
 * {@code timestamp timestamp} (producer time, microseconds UTC), unpartitioned.
 */
public final class MessageSchema {

    /** The Delta {@code schemaString} of a message table. */
    public static final String SCHEMA_STRING = "{\"type\":\"struct\",\"fields\":["
            + "{\"name\":\"key\",\"type\":\"binary\",\"nullable\":true,\"metadata\":{}},"
            + "{\"name\":\"value\",\"type\":\"binary\",\"nullable\":false,\"metadata\":{}},"
            + "{\"name\":\"timestamp\",\"type\":\"timestamp\",\"nullable\":false,\"metadata\":{}}]}";

    private static final String CANONICAL = CanonicalJson.canonicalize(SCHEMA_STRING);

    private MessageSchema() {
    }

    /**
     * Why {@code metadata} is not the metadata of a message table, or null when it is. Schemas are
     * compared as JSON documents, so key order and whitespace do not matter, but names, types,
     * nullability and column metadata do.
     */
    static String mismatch(Metadata metadata) {
        String canonical;
        try {
            canonical = CanonicalJson.canonicalize(metadata.schemaString());
        } catch (IllegalArgumentException e) {
            return "its schemaString is not valid JSON (" + e.getMessage() + ")";
        }
        if (!canonical.equals(CANONICAL)) {
            return "its schema is " + metadata.schemaString() + " but a message table has " + SCHEMA_STRING;
        }
        if (!metadata.partitionColumns().isEmpty()) {
            return "it is partitioned by " + metadata.partitionColumns() + " but a message table is unpartitioned";
        }
        if (!"parquet".equalsIgnoreCase(metadata.format().provider())) {
            return "its data files are " + metadata.format().provider() + ", not parquet";
        }
        return null;
    }
}
