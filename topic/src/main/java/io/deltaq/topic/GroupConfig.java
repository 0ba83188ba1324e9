package io.deltaq.topic;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.s3io.config.ConfigDef;
import io.deltaq.s3io.config.ConfigException;

/**
 * A group consumer's configuration: its own keys ({@link #DEFINITION}) and, passed to the consumer
 * of each partition it is given, every {@link ConsumerConfig} key but {@code consumer.name} (the
 * group id is the name under which each partition's positions are committed).
 */
public final class GroupConfig {

    public static final String GROUP_ID = "group.id";
    public static final String SESSION_TIMEOUT_MS = "session.timeout.ms";
    public static final long SESSION_TIMEOUT_MS_DEFAULT = 30_000;
    public static final String HEARTBEAT_INTERVAL_MS = "heartbeat.interval.ms";
    public static final long HEARTBEAT_INTERVAL_MS_DEFAULT = 3_000;
    public static final String CLOCK_SKEW_MS = "group.clock.skew.ms";
    public static final long CLOCK_SKEW_MS_DEFAULT = 2_000;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(GROUP_ID, ConfigDef.Type.STRING, null, ConfigDef.validator("letters, digits, '.', '_', '-'",
                            v -> v == null || NAME.matcher((String) v).matches() ? null
                                    : "must be 1 to 200 letters, digits, '.', '_' or '-'"),
                    "The consumer group. Its members split the topic's partitions between them; each partition's"
                            + " positions are committed under this name. Required.")
            .define(SESSION_TIMEOUT_MS, ConfigDef.Type.LONG, SESSION_TIMEOUT_MS_DEFAULT, ConfigDef.between(100, 3_600_000),
                    "How long a member's heartbeat and its partition leases last. A member that stops (dies, hangs,"
                            + " loses the store) loses its partitions to the others after this plus the clock skew.")
            .define(HEARTBEAT_INTERVAL_MS, ConfigDef.Type.LONG, HEARTBEAT_INTERVAL_MS_DEFAULT, ConfigDef.between(10, 3_600_000),
                    "How often a member writes its heartbeat, renews its leases, and looks for members that joined or"
                            + " left. At most a third of session.timeout.ms.")
            .define(CLOCK_SKEW_MS, ConfigDef.Type.LONG, CLOCK_SKEW_MS_DEFAULT, ConfigDef.between(0, 3_600_000),
                    "How far the wall clocks of members may disagree: a member stops acting on a lease this long before"
                            + " it expires, and takes another's expired lease only this long after. Below half of"
                            + " session.timeout.ms.");

    final String groupId;
    final long sessionTimeoutMs;
    final long heartbeatIntervalMs;
    final long clockSkewMs;
    /** What each partition's consumer is opened with, but {@code buffer.bytes}, which is split ({@link #partitionConsumerConfig}). */
    final Map<String, Object> consumerConfig;
    private final ConsumerConfig whole;

    /**
     * What the consumer of each partition is opened with: {@code buffer.bytes} is the member's whole,
     * as a topic producer's is, split between the topic's {@code partitions} (a member may hold them
     * all) and rounded down to a power of two, but never below a ring that delivers a message of
     * {@code max.message.bytes}.
     */
    Map<String, Object> partitionConsumerConfig(int partitions) {
        int share = Math.max(ConsumerConfig.minBufferBytes(whole.maxMessageBytes()),
                Integer.highestOneBit(whole.bufferBytes() / partitions));
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.put(ConsumerConfig.BUFFER_BYTES, share);
        return Map.copyOf(config);
    }

    public GroupConfig(Map<String, ?> props) {
        Map<String, Object> own = DEFINITION.parse(DEFINITION.subset(props), "group consumer configuration");
        this.groupId = (String) own.get(GROUP_ID);
        if (groupId == null) {
            throw new ConfigException("group consumer configuration: '" + GROUP_ID + "' is required");
        }
        if (props.containsKey(ConsumerConfig.CONSUMER_NAME)) {
            throw new ConfigException("group consumer configuration: '" + ConsumerConfig.CONSUMER_NAME + "' is the group's"
                    + " '" + GROUP_ID + "' in a group; remove it");
        }
        this.sessionTimeoutMs = (Long) own.get(SESSION_TIMEOUT_MS);
        this.heartbeatIntervalMs = (Long) own.get(HEARTBEAT_INTERVAL_MS);
        this.clockSkewMs = (Long) own.get(CLOCK_SKEW_MS);
        if (heartbeatIntervalMs * 3 > sessionTimeoutMs) {
            throw new ConfigException("group consumer configuration: '" + HEARTBEAT_INTERVAL_MS + "' (" + heartbeatIntervalMs
                    + ") must be at most a third of '" + SESSION_TIMEOUT_MS + "' (" + sessionTimeoutMs + "), so that a"
                    + " member renews its leases more than once before they expire");
        }
        if (clockSkewMs * 2 >= sessionTimeoutMs) {
            throw new ConfigException("group consumer configuration: '" + CLOCK_SKEW_MS + "' (" + clockSkewMs
                    + ") must be below half of '" + SESSION_TIMEOUT_MS + "' (" + sessionTimeoutMs + ")");
        }
        Map<String, Object> rest = new HashMap<>(props);
        rest.keySet().removeIf(DEFINITION::defines);
        rest.put(ConsumerConfig.CONSUMER_NAME, groupId);
        this.whole = new ConsumerConfig(rest); // refuses a wrong consumer setting now, not when a partition is first given
        this.consumerConfig = Map.copyOf(rest);
    }
}
