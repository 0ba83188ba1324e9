package io.deltaq.deltalog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * The {@code _delta_log/_last_checkpoint} hint. It is only a hint: it may be stale, empty, missing,
 * spelled by other writers in snake_case ({@code size_in_bytes}), or point at a checkpoint that is
 * gone; readers verify it by listing.
 *
 * @param size actions in the checkpoint, or -1 when absent
 * @param parts number of parts of a multi-part checkpoint, or 0 when absent
 * @param sizeInBytes -1 when absent
 * @param numOfAddFiles -1 when absent
 * @param v2 whether the hint describes a v2 checkpoint
 */
record LastCheckpoint(long version, long size, int parts, long sizeInBytes, long numOfAddFiles, boolean v2) {

    /** The hint's content, or empty when it is empty or unreadable (a hint that cannot be used). */
    static Optional<LastCheckpoint> parse(byte[] data) {
        if (data == null || data.length == 0) {
            return Optional.empty();
        }
        long version = -1;
        long size = -1;
        int parts = 0;
        long sizeInBytes = -1;
        long numOfAddFiles = -1;
        boolean v2 = false;
        try (JsonParser p = ActionJson.FACTORY.createParser(data)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                boolean integer = t == JsonToken.VALUE_NUMBER_INT;
                switch (field) {
                    case "version" -> version = integer ? p.getLongValue() : -1;
                    case "size" -> size = integer ? p.getLongValue() : -1;
                    case "parts" -> parts = integer ? p.getIntValue() : 0;
                    case "sizeInBytes", "size_in_bytes" -> sizeInBytes = integer ? p.getLongValue() : -1;
                    case "numOfAddFiles", "num_of_add_files" -> numOfAddFiles = integer ? p.getLongValue() : -1;
                    case "v2Checkpoint", "v2_checkpoint" -> {
                        v2 = t == JsonToken.START_OBJECT;
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return version < 0 ? Optional.empty()
                : Optional.of(new LastCheckpoint(version, size, parts, sizeInBytes, numOfAddFiles, v2));
    }

    /** The hint as deltaq writes it: {@code {"version":v,"size":n,"sizeInBytes":b,"numOfAddFiles":a}}. */
    byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = ActionJson.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("version", version);
            g.writeNumberField("size", size);
            if (parts > 0) {
                g.writeNumberField("parts", parts);
            }
            if (sizeInBytes >= 0) {
                g.writeNumberField("sizeInBytes", sizeInBytes);
            }
            if (numOfAddFiles >= 0) {
                g.writeNumberField("numOfAddFiles", numOfAddFiles);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
