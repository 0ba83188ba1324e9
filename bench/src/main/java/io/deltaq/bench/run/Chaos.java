package io.deltaq.bench.run;

import java.util.Map;
import java.util.Optional;

import io.deltaq.topic.GroupConfig;

/**
 * The chaos options of a sweep (deltaq only): storage faults, worker kills and a slow consumer.
 *
 * @param faults {@code --faults}: a fault spec for the workers' stores, as {@code fault.spec} takes it
 * @param seed {@code --fault-seed}: the seed of the faults and of the kill times; each worker and
 *     each restart of it derives its own from it
 * @param killEverySeconds {@code --kill-every}: mean seconds between SIGKILLs of the producer worker,
 *     and independently of the consumer worker; 0 for none
 * @param consumerDelayMs {@code --consumer-delay-ms}: how long each consumer spends per message delivered
 *     (sleeping after each poll for all of that poll's messages); 0 for none
 */
public record Chaos(Optional<String> faults, long seed, double killEverySeconds, double consumerDelayMs) {

    /** Nothing injected. */
    public static final Chaos NONE = new Chaos(Optional.empty(), 0, 0, 0);

    /**
     * The group session of deltaq's consumers in a run with kills: a killed consumer's successor takes
     * its partitions once their leases ran out, about this plus the clock skew after its last
     * heartbeat (the library's default of 30 s would leave it idle for most of a short run).
     */
    public static final long GROUP_SESSION_MS = 6_000;

    public boolean kills() {
        return killEverySeconds > 0;
    }

    /**
     * The consumer configuration the run needs: with kills, a short group session (a heartbeat a
     * quarter of it, so that three renewals may fail before a lease runs out); otherwise none.
     */
    public Map<String, String> consumerConfig() {
        if (!kills()) {
            return Map.of();
        }
        return Map.of(GroupConfig.SESSION_TIMEOUT_MS, Long.toString(GROUP_SESSION_MS),
                GroupConfig.HEARTBEAT_INTERVAL_MS, Long.toString(GROUP_SESSION_MS / 4),
                GroupConfig.CLOCK_SKEW_MS, Long.toString(GROUP_SESSION_MS / 6));
    }

    /** Whether anything is injected at all. */
    public boolean active() {
        return faults.isPresent() || kills() || consumerDelayMs > 0;
    }

    /** The fault seed of one worker's incarnation: distinct per role and per restart, repeatable from {@link #seed}. */
    long workerSeed(int role, int incarnation) {
        return seed + 1_000_003L * (2L * incarnation + role) * 64;
    }
}
