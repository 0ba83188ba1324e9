package io.deltaq.deltalog;

import java.util.Arrays;
import java.util.Objects;

/**
 * One header of a message, as in the Kafka clients: a text key and a binary value, which may be
 * null. A message's headers are an ordered list; keys may repeat.
 *
 * @param key the header's name, never null
 * @param value its bytes, or null
 */
public record Header(String key, byte[] value) {

    public Header {
        Objects.requireNonNull(key, "header key");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Header h && key.equals(h.key) && Arrays.equals(value, h.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Header[" + key + ", " + (value == null ? "null" : value.length + " B") + "]";
    }
}
