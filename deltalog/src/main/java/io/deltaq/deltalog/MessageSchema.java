package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Metadata;

/**
 * The schema of a deltaq message table: {@code key binary} (nullable), {@code value binary},
 * {@code timestamp timestamp} (producer time, microseconds UTC), {@code headers map<string,binary>}
 * (nullable, values nullable), unpartitioned. Tables created before headers existed lack the
 * {@code headers} column: they stay readable and writable, for messages without headers.
 */
public final class MessageSchema {

    /** The Delta {@code schemaString} of a message table. */
    public static final String SCHEMA_STRING = "{\"type\":\"struct\",\"fields\":["
            + "{\"name\":\"key\",\"type\":\"binary\",\"nullable\":true,\"metadata\":{}},"
            + "{\"name\":\"value\",\"type\":\"binary\",\"nullable\":false,\"metadata\":{}},"
            + "{\"name\":\"timestamp\",\"type\":\"timestamp\",\"nullable\":false,\"metadata\":{}},"
            + "{\"name\":\"headers\",\"type\":{\"type\":\"map\",\"keyType\":\"string\",\"valueType\":\"binary\","
            + "\"valueContainsNull\":true},\"nullable\":true,\"metadata\":{}}]}";

    /** The schema of a message table created before headers: no {@code headers} column. */
    public static final String SCHEMA_STRING_WITHOUT_HEADERS = "{\"type\":\"struct\",\"fields\":["
            + "{\"name\":\"key\",\"type\":\"binary\",\"nullable\":true,\"metadata\":{}},"
            + "{\"name\":\"value\",\"type\":\"binary\",\"nullable\":false,\"metadata\":{}},"
            + "{\"name\":\"timestamp\",\"type\":\"timestamp\",\"nullable\":false,\"metadata\":{}}]}";

    private static final String CANONICAL = CanonicalJson.canonicalize(SCHEMA_STRING);
    private static final String CANONICAL_WITHOUT_HEADERS = CanonicalJson.canonicalize(SCHEMA_STRING_WITHOUT_HEADERS);

    private MessageSchema() {
    }

    /** Whether a message table with {@code metadata} has the {@code headers} column. */
    public static boolean hasHeaders(Metadata metadata) {
        try {
            return CanonicalJson.canonicalize(metadata.schemaString()).equals(CANONICAL);
        } catch (IllegalArgumentException e) {
            return false;
        }
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
        if (!canonical.equals(CANONICAL) && !canonical.equals(CANONICAL_WITHOUT_HEADERS)) {
            return "its schema is " + metadata.schemaString() + " but a message table has " + SCHEMA_STRING
                    + " (or, created before headers, the same without the headers column)";
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
