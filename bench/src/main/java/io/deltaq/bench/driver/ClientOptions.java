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
 * @param producerConfig further producer configuration by its documented name (deltaq), e.g. the
 *     soak's {@code maintenance.enabled}
 */
public record ClientOptions(int messageSize, OptionalLong lingerMs, Optional<String> compression,
        Map<String, String> producerConfig) {

    private static final String MESSAGE_SIZE = "client.messageSize";
    private static final String LINGER_MS = "client.lingerMs";
    private static final String COMPRESSION = "client.compression";
    private static final String PRODUCER_CONFIG_PREFIX = "client.producer.";

    public ClientOptions {
        producerConfig = Map.copyOf(producerConfig);
    }

    /** Options without further producer configuration. */
    public ClientOptions(int messageSize, OptionalLong lingerMs, Optional<String> compression) {
        this(messageSize, lingerMs, compression, Map.of());
    }

    /** As strings, to cross into a worker JVM. */
    public Map<String, String> toStrings() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(MESSAGE_SIZE, Integer.toString(messageSize));
        lingerMs.ifPresent(v -> map.put(LINGER_MS, Long.toString(v)));
        compression.ifPresent(v -> map.put(COMPRESSION, v));
        producerConfig.forEach((k, v) -> map.put(PRODUCER_CONFIG_PREFIX + k, v));
        return map;
    }

    public static ClientOptions fromStrings(Map<String, String> map) {
        String linger = map.get(LINGER_MS);
        Map<String, String> producerConfig = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (k.startsWith(PRODUCER_CONFIG_PREFIX)) {
                producerConfig.put(k.substring(PRODUCER_CONFIG_PREFIX.length()), v);
            }
        });
        return new ClientOptions(Integer.parseInt(map.get(MESSAGE_SIZE)),
                linger == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(linger)),
                Optional.ofNullable(map.get(COMPRESSION)), producerConfig);
    }
}
