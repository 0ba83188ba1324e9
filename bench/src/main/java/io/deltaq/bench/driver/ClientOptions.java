package io.deltaq.bench.driver;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Client knobs from the command line. Absent values leave the driver's own defaults.
 *
 * @param messageSize bytes of each message's value
 * @param lingerMs {@code --linger-ms}
 * @param compression {@code --compression}: snappy, gzip or none
 */
public record ClientOptions(int messageSize, OptionalLong lingerMs, Optional<String> compression) {

    private static final String MESSAGE_SIZE = "client.messageSize";
    private static final String LINGER_MS = "client.lingerMs";
    private static final String COMPRESSION = "client.compression";

    /** As strings, to cross into a worker JVM. */
    public Map<String, String> toStrings() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(MESSAGE_SIZE, Integer.toString(messageSize));
        lingerMs.ifPresent(v -> map.put(LINGER_MS, Long.toString(v)));
        compression.ifPresent(v -> map.put(COMPRESSION, v));
        return map;
    }

    public static ClientOptions fromStrings(Map<String, String> map) {
        String linger = map.get(LINGER_MS);
        return new ClientOptions(Integer.parseInt(map.get(MESSAGE_SIZE)),
                linger == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(linger)),
                Optional.ofNullable(map.get(COMPRESSION)));
    }
}
