package io.deltaq.topic;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * One version of a topic's description, stored once at {@code _deltaq/topic/<version, 20 digits>.json}
 * under the topic root (RFC 0006, "Layout").
 *
 * @param version 0 at creation, one more for each change (only growth today)
 * @param id a random id fixed at creation: a topic deleted and created again has a new one
 * @param partitions how many partitions, {@code partition-00000/} up to {@code partitions - 1}; never shrinks
 * @param tableProperties what each partition table is created with (retention and maintenance settings)
 * @param createdAtMs the creator's wall clock when this version was written
 */
public record TopicManifest(long version, String id, int partitions, Map<String, String> tableProperties,
                            long createdAtMs) {

    private static final JsonFactory JSON = new JsonFactory();

    public TopicManifest {
        tableProperties = Map.copyOf(tableProperties);
    }

    /** Whether {@code other} describes the same topic shape: what a second creator may recognise as its own. */
    boolean sameShape(int partitions, Map<String, String> tableProperties) {
        return this.partitions == partitions && this.tableProperties.equals(tableProperties);
    }

    byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("version", version);
            g.writeStringField("id", id);
            g.writeNumberField("partitions", partitions);
            g.writeObjectFieldStart("tableProperties");
            for (Map.Entry<String, String> e : new TreeMap<>(tableProperties).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("createdAtMs", createdAtMs);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        return out.toByteArray();
    }

    /**
     * Parses a manifest file.
     *
     * @param file the file's location, for messages
     * @param expectedVersion the version its name gives
     * @throws TopicException naming the file and what is wrong with it
     */
    static TopicManifest parse(byte[] data, String file, long expectedVersion) {
        long version = -1;
        String id = null;
        int partitions = -1;
        long createdAtMs = -1;
        Map<String, String> properties = new TreeMap<>();
        try (JsonParser p = JSON.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw TopicErrors.corruptManifest(file, "not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "version" -> version = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "id" -> id = value == JsonToken.VALUE_STRING ? p.getText() : null;
                    case "partitions" -> partitions = value == JsonToken.VALUE_NUMBER_INT ? p.getIntValue() : -1;
                    case "createdAtMs" -> createdAtMs = value == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : -1;
                    case "tableProperties" -> {
                        if (value != JsonToken.START_OBJECT) {
                            throw TopicErrors.corruptManifest(file, "'tableProperties' is not an object");
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            if (p.nextToken() != JsonToken.VALUE_STRING) {
                                throw TopicErrors.corruptManifest(file, "table property '" + key + "' is not a string");
                            }
                            properties.put(key, p.getText());
                        }
                    }
                    default -> p.skipChildren(); // a field of a later version: ignored, as Delta readers do
                }
            }
        } catch (IOException e) {
            throw TopicErrors.corruptManifest(file, "not valid JSON: " + e.getMessage());
        }
        if (version != expectedVersion || id == null || partitions < 1 || partitions > Topic.MAX_PARTITIONS
                || createdAtMs < 0) {
            throw TopicErrors.corruptManifest(file, "expected {\"version\": " + expectedVersion + ", \"id\", \"partitions\""
                    + " in [1, " + Topic.MAX_PARTITIONS + "], \"tableProperties\", \"createdAtMs\"}");
        }
        return new TopicManifest(version, id, partitions, properties, createdAtMs);
    }
}
