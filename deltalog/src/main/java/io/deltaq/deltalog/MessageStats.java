package io.deltaq.deltalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.deltaq.deltalog.internal.parquet.MessageFileStats;
import java.io.IOException;

/**
 * Statistics of one message data file as Delta writes them into {@code add.stats}:
 * {@code {"numRecords":N,"minValues":{"timestamp":"..."},"maxValues":{"timestamp":"..."},
 * "nullCount":{"key":K,"value":0,"timestamp":0}}}.
 *
 * <p>Delta statistics hold timestamps as ISO-8601 strings with millisecond precision. Data skipping
 * must stay correct, so {@link #toJson()} rounds the minimum down and the maximum up to the
 * millisecond; values read back by {@link #parse} are therefore bounds, not exact values.
 *
 * @param minTimestampMicros smallest message timestamp, epoch microseconds (ignored if no records)
 * @param maxTimestampMicros largest message timestamp, epoch microseconds (ignored if no records)
 * @param nullKeyCount messages without a key
 */
public record MessageStats(long numRecords, long minTimestampMicros, long maxTimestampMicros, long nullKeyCount) {

    public MessageStats {
        if (numRecords < 0 || nullKeyCount < 0 || nullKeyCount > numRecords) {
            throw new IllegalArgumentException(
                    "invalid counts: numRecords " + numRecords + ", nullKeyCount " + nullKeyCount);
        }
        if (numRecords > 0 && minTimestampMicros > maxTimestampMicros) {
            throw new IllegalArgumentException(
                    "minTimestampMicros " + minTimestampMicros + " > maxTimestampMicros " + maxTimestampMicros);
        }
    }

    /**
     * The statistics of a file the message file writer just encoded.
     *
     * @throws IllegalArgumentException if the file holds null values, which the message schema forbids
     */
    public static MessageStats of(MessageFileStats stats) {
        if (stats.valueNullCount() != 0) {
            throw new IllegalArgumentException(
                    stats.valueNullCount() + " messages have a null value; the message schema's value is not nullable");
        }
        return new MessageStats(stats.numRecords(), stats.minTimestampMicros(), stats.maxTimestampMicros(),
                stats.keyNullCount());
    }

    /** The statistics JSON for {@code add.stats}. */
    public String toJson() {
        StringBuilder sb = new StringBuilder(160);
        sb.append("{\"numRecords\":").append(numRecords);
        if (numRecords > 0) {
            sb.append(",\"minValues\":{\"timestamp\":\"");
            IsoTimestamps.appendMillis(sb, Math.floorDiv(minTimestampMicros, 1000));
            sb.append("\"},\"maxValues\":{\"timestamp\":\"");
            IsoTimestamps.appendMillis(sb, -Math.floorDiv(-maxTimestampMicros, 1000));
            sb.append("\"}");
        }
        sb.append(",\"nullCount\":{\"key\":").append(nullKeyCount).append(",\"value\":0,\"timestamp\":0}}");
        return sb.toString();
    }

    /**
     * Reads the statistics of a message data file; timestamps come back as the millisecond bounds
     * that were stored. Missing parts read as 0 (counts) or {@code Long.MIN_VALUE}/{@code MAX_VALUE}
     * (bounds: unknown).
     *
     * @throws IllegalArgumentException if the text is not valid statistics JSON
     */
    public static MessageStats parse(String json) {
        long numRecords = -1;
        long min = Long.MIN_VALUE;
        long max = Long.MAX_VALUE;
        long nullKeys = 0;
        try (JsonParser p = ActionJson.FACTORY.createParser(json)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, json);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "numRecords" -> {
                        expect(t == JsonToken.VALUE_NUMBER_INT, json);
                        numRecords = p.getLongValue();
                    }
                    case "minValues", "maxValues" -> {
                        String ts = timestampField(p, json);
                        if (ts != null) {
                            long micros = IsoTimestamps.parseMicros(ts);
                            if (field.equals("minValues")) {
                                min = micros;
                            } else {
                                max = micros;
                            }
                        }
                    }
                    case "nullCount" -> nullKeys = keyNullCount(p, json);
                    default -> p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("invalid statistics JSON: " + e.getMessage(), e);
        }
        expect(numRecords >= 0, json);
        return new MessageStats(numRecords, numRecords == 0 ? 0 : min, numRecords == 0 ? 0 : max, nullKeys);
    }

    /**
     * The {@code numRecords} of any Delta statistics JSON, or -1 when the statistics do not have it.
     *
     * @throws IllegalArgumentException if the text is not a JSON object
     */
    public static long numRecords(String statsJson) {
        try (JsonParser p = ActionJson.FACTORY.createParser(statsJson)) {
            expect(p.nextToken() == JsonToken.START_OBJECT, statsJson);
            long numRecords = -1;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (field.equals("numRecords") && t == JsonToken.VALUE_NUMBER_INT) {
                    numRecords = p.getLongValue();
                } else {
                    p.skipChildren();
                }
            }
            return numRecords;
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static String timestampField(JsonParser p, String json) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String value = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String column = p.currentName();
            JsonToken t = p.nextToken();
            if (column.equals("timestamp") && t == JsonToken.VALUE_STRING) {
                value = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return value;
    }

    private static long keyNullCount(JsonParser p, String json) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return 0;
        }
        long count = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String column = p.currentName();
            JsonToken t = p.nextToken();
            if (column.equals("key") && t == JsonToken.VALUE_NUMBER_INT) {
                count = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        return count;
    }

    private static void expect(boolean condition, String json) {
        if (!condition) {
            throw new IllegalArgumentException("not valid statistics JSON: " + json);
        }
    }
}
