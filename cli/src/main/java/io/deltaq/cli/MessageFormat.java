package io.deltaq.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import io.deltaq.consumer.ConsumedMessage;
import io.deltaq.deltalog.Header;
import io.deltaq.deltalog.Headers;
import org.agrona.DirectBuffer;

/**
 * How {@code deltaq consume} writes one message on stdout. Each format copies the message out of the
 * consumer's reused view into its own line buffer and writes the line with one call.
 */
abstract class MessageFormat {

    static final String RAW = "raw";
    static final String JSONL = "jsonl";
    /** The partition of a message read from a table rather than from a group's partitions: not shown. */
    static final int NO_PARTITION = -1;
    private static final JsonFactory JSON = new JsonFactory();

    private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    /** The line being built; grows to the largest message seen. */
    byte[] line = new byte[1024];
    int length;

    static MessageFormat named(String name) {
        return switch (name) {
            case RAW -> new Raw();
            case JSONL -> new Jsonl();
            default -> throw new IllegalArgumentException("unknown format " + name);
        };
    }

    /** Writes {@code message} of {@code partition} (or {@link #NO_PARTITION}) and its line end to {@code out}. */
    final void write(int partition, ConsumedMessage message, OutputStream out) throws IOException {
        length = 0;
        format(partition, message);
        out.write(line, 0, length);
    }

    abstract void format(int partition, ConsumedMessage message);

    /** The value's bytes, then a newline; a null value (only in tables deltaq did not write) is an empty line. */
    static final class Raw extends MessageFormat {
        @Override
        void format(int partition, ConsumedMessage m) {
            int valueLength = Math.max(m.valueLength(), 0);
            ensure(valueLength + 1);
            m.buffer().getBytes(m.valueOffset(), line, 0, valueLength);
            line[valueLength] = '\n';
            length = valueLength + 1;
        }
    }

    /**
     * One JSON object per line: {@code partition} (only for a message of a group's partitions),
     * {@code version}, {@code index}, {@code offset}, {@code timestamp}
     * (ISO-8601 UTC, microseconds; null when the row has none), {@code key}, {@code value} and, for a
     * message with headers, {@code headers}: an array of {@code {"key":..,"value":..}} in their order.
     * Keys and values are JSON strings of their UTF-8 text when they are valid UTF-8; otherwise base64
     * with {@code "keyEncoding":"base64"} / {@code "valueEncoding":"base64"} after them. A null key or
     * value is {@code null}. {@link #parse} reads these lines back ({@code deltaq produce --format jsonl}).
     */
    static final class Jsonl extends MessageFormat {
        /** The key or value being written, copied out of the consumer's buffer. */
        private byte[] copy = new byte[256];

        @Override
        void format(int partition, ConsumedMessage m) {
            ascii("{");
            if (partition != NO_PARTITION) {
                ascii("\"partition\":").number(partition).ascii(",");
            }
            ascii("\"version\":").number(m.version())
                    .ascii(",\"index\":").number(m.index())
                    .ascii(",\"offset\":").number(m.offset())
                    .ascii(",\"timestamp\":");
            long micros = m.timestampMicros();
            if (micros == ConsumedMessage.NULL_TIMESTAMP) {
                bytes(NULL, 0, NULL.length);
            } else {
                ascii("\"").ascii(isoInstant(micros)).ascii("\"");
            }
            ascii(",");
            field("key", m.buffer(), m.keyOffset(), m.keyLength());
            ascii(",");
            field("value", m.buffer(), m.valueOffset(), m.valueLength());
            if (m.hasHeaders()) {
                Headers headers = m.headers();
                ascii(",\"headers\":[");
                for (int i = 0; i < headers.count(); i++) {
                    ascii(i == 0 ? "{\"key\":" : ",{\"key\":");
                    jsonString(headers.buffer(), headers.keyOffset(i), headers.keyLength(i)); // UTF-8 by construction
                    ascii(",");
                    field("value", headers.buffer(), headers.valueOffset(i), headers.valueLength(i));
                    ascii("}");
                }
                ascii("]");
            }
            ascii("}\n");
        }

        private void field(String name, DirectBuffer buffer, int offset, int fieldLength) {
            if (fieldLength < 0) {
                ascii("\"").ascii(name).ascii("\":");
                bytes(NULL, 0, NULL.length);
                return;
            }
            if (copy.length < fieldLength) {
                copy = new byte[Math.max(fieldLength, copy.length * 2)];
            }
            buffer.getBytes(offset, copy, 0, fieldLength);
            field(name, copy, 0, fieldLength);
        }

        /** {@code "name":} and the bytes as a JSON string, or as base64 flagged by {@code nameEncoding}. */
        private void field(String name, byte[] src, int offset, int fieldLength) {
            ascii("\"").ascii(name).ascii("\":");
            if (fieldLength < 0) {
                bytes(NULL, 0, NULL.length);
            } else if (isValidUtf8(src, offset, fieldLength)) {
                jsonString(src, offset, fieldLength);
            } else {
                ascii("\"").ascii(Base64.getEncoder().encodeToString(Arrays.copyOfRange(src, offset, offset + fieldLength)))
                        .ascii("\",\"").ascii(name).ascii("Encoding\":\"base64\"");
            }
        }

        /** A message read from one line, as {@link #parse} gives it. */
        record Parsed(byte[] key, byte[] value, long timestampMicros, List<Header> headers) {
            /** The timestamp of a line without one: the producer stamps the message when it is sent. */
            static final long NO_TIMESTAMP = Long.MIN_VALUE;
        }

        /**
         * Reads one line in this format: {@code value} is required; {@code key}, {@code timestamp} and
         * {@code headers} may be left out (no key, the time of sending, none); {@code partition},
         * {@code version}, {@code index} and {@code offset} are ignored, so that consumed lines can be
         * produced again (into a topic the key, not the line, chooses the partition).
         *
         * @throws IllegalArgumentException naming what is wrong with the line
         */
        static Parsed parse(byte[] line, int offset, int length) {
            try (JsonParser p = JSON.createParser(line, offset, length)) {
                expect(p.nextToken() == JsonToken.START_OBJECT, "a line must be a JSON object");
                Field key = null;
                Field value = null;
                long timestamp = Parsed.NO_TIMESTAMP;
                List<Header> headers = List.of();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String name = p.currentName();
                    p.nextToken();
                    switch (name) {
                        case "key" -> key = Field.text(p, key, "key");
                        case "value" -> value = Field.text(p, value, "value");
                        case "keyEncoding" -> key = Field.encoding(p, key, "key");
                        case "valueEncoding" -> value = Field.encoding(p, value, "value");
                        case "timestamp" -> timestamp = timestamp(p);
                        case "headers" -> headers = headers(p);
                        case "partition", "version", "index", "offset" -> p.skipChildren();
                        default -> throw new IllegalArgumentException("unknown field \"" + name + "\"");
                    }
                }
                expect(p.nextToken() == null, "text after the JSON object");
                expect(value != null && value.text() != null, "\"value\" is missing or null");
                return new Parsed(key == null ? null : key.bytes("key"), value.bytes("value"), timestamp, headers);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
            } catch (IOException e) {
                throw new IllegalArgumentException("not valid JSON: " + e.getMessage());
            }
        }

        private static long timestamp(JsonParser p) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NULL) {
                return Parsed.NO_TIMESTAMP;
            }
            expect(p.currentToken() == JsonToken.VALUE_STRING, "\"timestamp\" must be an ISO-8601 string such as"
                    + " 2024-05-01T12:00:00.123456Z");
            try {
                Instant t = Instant.parse(p.getText());
                return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new IllegalArgumentException("\"timestamp\" is not an ISO-8601 instant: " + p.getText());
            }
        }

        private static List<Header> headers(JsonParser p) throws IOException {
            expect(p.currentToken() == JsonToken.START_ARRAY, "\"headers\" must be an array of {\"key\":..,\"value\":..}");
            List<Header> headers = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                expect(t == JsonToken.START_OBJECT, "\"headers\" must be an array of {\"key\":..,\"value\":..}");
                String key = null;
                Field value = null;
                for (JsonToken f = p.nextToken(); f != JsonToken.END_OBJECT; f = p.nextToken()) {
                    String name = p.currentName();
                    p.nextToken();
                    switch (name) {
                        case "key" -> {
                            expect(p.currentToken() == JsonToken.VALUE_STRING, "a header's \"key\" must be a string");
                            key = p.getText();
                        }
                        case "value" -> value = Field.text(p, value, "header value");
                        case "valueEncoding" -> value = Field.encoding(p, value, "header value");
                        default -> throw new IllegalArgumentException("unknown field \"" + name + "\" in a header");
                    }
                }
                expect(key != null, "a header without a \"key\"");
                headers.add(new Header(key, value == null ? null : value.bytes("header value")));
            }
            return headers;
        }

        private static void expect(boolean condition, String problem) {
            if (!condition) {
                throw new IllegalArgumentException(problem);
            }
        }

        /** A key or value as read: its text (null for JSON null) and whether that text is base64. */
        private record Field(String text, boolean base64) {
            static Field text(JsonParser p, Field seen, String what) throws IOException {
                JsonToken t = p.currentToken();
                expect(t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NULL, "\"" + what + "\" must be a string or null");
                return new Field(t == JsonToken.VALUE_NULL ? null : p.getText(), seen != null && seen.base64);
            }

            static Field encoding(JsonParser p, Field seen, String what) throws IOException {
                expect(p.currentToken() == JsonToken.VALUE_STRING && "base64".equals(p.getText()),
                        "the only encoding of a " + what + " is \"base64\"");
                return new Field(seen == null ? null : seen.text, true);
            }

            byte[] bytes(String what) {
                if (text == null) {
                    return null;
                }
                if (!base64) {
                    return text.getBytes(StandardCharsets.UTF_8);
                }
                try {
                    return Base64.getDecoder().decode(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("the " + what + " is not valid base64: " + e.getMessage());
                }
            }
        }

        /** A JSON string of valid UTF-8 bytes: quotes, backslashes and control characters escaped. */
        private void jsonString(byte[] src, int offset, int n) {
            ensure(length + 2 + 6 * n);
            line[length++] = '"';
            for (int i = offset; i < offset + n; i++) {
                byte b = src[i];
                if (b == '"' || b == '\\') {
                    line[length++] = '\\';
                    line[length++] = b;
                } else if (b >= 0 && b < 0x20) {
                    line[length++] = '\\';
                    switch (b) {
                        case '\n' -> line[length++] = 'n';
                        case '\r' -> line[length++] = 'r';
                        case '\t' -> line[length++] = 't';
                        case '\b' -> line[length++] = 'b';
                        case '\f' -> line[length++] = 'f';
                        default -> {
                            line[length++] = 'u';
                            line[length++] = '0';
                            line[length++] = '0';
                            line[length++] = HEX[b >> 4];
                            line[length++] = HEX[b & 0xF];
                        }
                    }
                } else {
                    line[length++] = b; // ASCII or part of a valid multi-byte sequence
                }
            }
            line[length++] = '"';
        }
    }

    /** {@code micros} since the epoch as ISO-8601 UTC, e.g. {@code 2024-05-01T12:00:00.123456Z}. */
    static String isoInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L)
                .toString();
    }

    /**
     * Whether {@code n} bytes at {@code offset} are well-formed UTF-8 (RFC 3629): no overlong forms,
     * no surrogates, nothing above U+10FFFF, no truncated sequence.
     */
    static boolean isValidUtf8(byte[] b, int offset, int n) {
        int i = offset;
        int end = offset + n;
        while (i < end) {
            int c = b[i] & 0xFF;
            if (c < 0x80) {
                i++;
                continue;
            }
            int more;
            int lo = 0x80;
            int hi = 0xBF;
            if (c < 0xC2) {
                return false; // a continuation byte, or an overlong two-byte form
            } else if (c < 0xE0) {
                more = 1;
            } else if (c < 0xF0) {
                more = 2;
                if (c == 0xE0) {
                    lo = 0xA0; // overlong
                } else if (c == 0xED) {
                    hi = 0x9F; // surrogates
                }
            } else if (c < 0xF5) {
                more = 3;
                if (c == 0xF0) {
                    lo = 0x90; // overlong
                } else if (c == 0xF4) {
                    hi = 0x8F; // above U+10FFFF
                }
            } else {
                return false;
            }
            if (i + more >= end) {
                return false; // truncated
            }
            int second = b[i + 1] & 0xFF;
            if (second < lo || second > hi) {
                return false;
            }
            for (int k = 2; k <= more; k++) {
                int next = b[i + k] & 0xFF;
                if (next < 0x80 || next > 0xBF) {
                    return false;
                }
            }
            i += more + 1;
        }
        return true;
    }

    final MessageFormat ascii(String text) {
        int n = text.length();
        ensure(length + n);
        for (int i = 0; i < n; i++) {
            line[length++] = (byte) text.charAt(i);
        }
        return this;
    }

    final MessageFormat number(long value) {
        ensure(length + 20);
        if (value == Long.MIN_VALUE) {
            return ascii(Long.toString(value));
        }
        long v = value;
        if (v < 0) {
            line[length++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long rest = v; rest >= 10; rest /= 10) {
            digits++;
        }
        for (int i = length + digits - 1; i >= length; i--) {
            line[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        length += digits;
        return this;
    }

    final void bytes(byte[] src, int offset, int n) {
        ensure(length + n);
        System.arraycopy(src, offset, line, length, n);
        length += n;
    }

    final void ensure(int capacity) {
        if (capacity > line.length) {
            line = Arrays.copyOf(line, Math.max(capacity, line.length * 2));
        }
    }
}
