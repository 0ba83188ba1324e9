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
 * @param consumerConfig further consumer configuration by its documented name (deltaq's group
 *     consumer), e.g. a chaos run's {@code session.timeout.ms}
 */
public record ClientOptions(int messageSize, OptionalLong lingerMs, Optional<String> compression,
        Map<String, String> producerConfig, Map<String, String> consumerConfig) {

    private static final String MESSAGE_SIZE = "client.messageSize";
    private static final String LINGER_MS = "client.lingerMs";
    private static final String COMPRESSION = "client.compression";
    private static final String PRODUCER_CONFIG_PREFIX = "client.producer.";
    private static final String CONSUMER_CONFIG_PREFIX = "client.consumer.";

    public ClientOptions {
        producerConfig = Map.copyOf(producerConfig);
        consumerConfig = Map.copyOf(consumerConfig);
    }

    /** Options without further producer or consumer configuration. */
    public ClientOptions(int messageSize, OptionalLong lingerMs, Optional<String> compression) {
        this(messageSize, lingerMs, compression, Map.of(), Map.of());
    }

    /** As strings, to cross into a worker JVM. */
    public Map<String, String> toStrings() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put(MESSAGE_SIZE, Integer.toString(messageSize));
        lingerMs.ifPresent(v -> map.put(LINGER_MS, Long.toString(v)));
        compression.ifPresent(v -> map.put(COMPRESSION, v));
        producerConfig.forEach((k, v) -> map.put(PRODUCER_CONFIG_PREFIX + k, v));
        consumerConfig.forEach((k, v) -> map.put(CONSUMER_CONFIG_PREFIX + k, v));
        return map;
    }

    public static ClientOptions fromStrings(Map<String, String> map) {
        String linger = map.get(LINGER_MS);
        return new ClientOptions(Integer.parseInt(map.get(MESSAGE_SIZE)),
                linger == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(linger)),
                Optional.ofNullable(map.get(COMPRESSION)), withPrefix(map, PRODUCER_CONFIG_PREFIX),
                withPrefix(map, CONSUMER_CONFIG_PREFIX));
    }

    /** The entries whose keys start with {@code prefix}, without it. */
    private static Map<String, String> withPrefix(Map<String, String> map, String prefix) {
        Map<String, String> found = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                found.put(k.substring(prefix.length()), v);
            }
        });
        return found;
    }
}
