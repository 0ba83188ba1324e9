package io.deltaq.s3io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A client's metrics on JMX and, with Micrometer on the class path (it is, in this module's tests), on its global registry. */
class ClientMetricsTest {

    /** A client's metrics object as the producer's and consumer's look to the publishers. */
    public static final class SampleMetrics {
        volatile long lostRaces;
        volatile boolean leader;

        public long lostRaces() {
            return lostRaces;
        }

        public boolean maintenanceLeader() {
            return leader;
        }

        public double commitP99Ms() {
            return 2.5;
        }

        public String notAFigure() {
            return "ignored";
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void addRegistry() {
        Metrics.addRegistry(registry);
    }

    @AfterEach
    void removeRegistry() {
        Metrics.removeRegistry(registry);
    }

    @Test
    void eachFigureIsAGaugeReadWhenScrapedTaggedLikeTheJmxNameAndWithdrawnAtClose() throws Exception {
        SampleMetrics metrics = new SampleMetrics();
        StoreMetrics store = new StoreMetrics();
        store.record(StoreMetrics.Operation.GET, TimeUnit.MILLISECONDS.toNanos(3), 100, false, false);
        ClientMetrics.Registration published = ClientMetrics.publish("sample-metrics", metrics, store,
                "producer-id", "p-1", "table", "s3://bucket/t");

        assertEquals(0, gauge("deltaq.sample.lost.races").value());
        metrics.lostRaces = 7;
        metrics.leader = true;
        assertEquals(7, gauge("deltaq.sample.lost.races").value(), "read when scraped, not copied at bind time");
        assertEquals(1, gauge("deltaq.sample.maintenance.leader").value(), "a boolean is 1 or 0");
        assertEquals(2.5, gauge("deltaq.sample.commit.p99.ms").value());
        assertNull(registry.find("deltaq.sample.not.a.figure").meter(), "only numbers and booleans are figures");
        Meter lostRaces = registry.find("deltaq.sample.lost.races").meter();
        assertEquals("p-1", lostRaces.getId().getTag("producer.id"));
        assertEquals("s3://bucket/t", lostRaces.getId().getTag("table"));
        assertEquals(1, registry.find("deltaq.store.requests").tag("operation", "get").tag("producer.id", "p-1")
                .gauge().value(), "the store's figures per operation, tagged with the client's tags");
        assertTrue(ManagementFactory.getPlatformMBeanServer().isRegistered(
                JmxMetrics.name("sample-metrics", "producer-id", "p-1", "table", "s3://bucket/t")));

        published.close();

        assertTrue(registry.find("deltaq.sample.lost.races").meters().isEmpty(), "gauges are removed at close");
        assertTrue(registry.find("deltaq.store.requests").meters().isEmpty());
        assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(
                JmxMetrics.name("sample-metrics", "producer-id", "p-1", "table", "s3://bucket/t")));
    }

    @Test
    void aSecondClientWithATakenNameIsPublishedNeitherWayAndLeavesTheFirstInPlace() {
        SampleMetrics first = new SampleMetrics();
        SampleMetrics second = new SampleMetrics();
        first.lostRaces = 1;
        second.lostRaces = 2;
        try (ClientMetrics.Registration a = ClientMetrics.publish("twin-metrics", first, new StoreMetrics(), "producer-id", "same")) {
            ClientMetrics.publish("twin-metrics", second, new StoreMetrics(), "producer-id", "same").close();
            assertEquals(1, gauge("deltaq.twin.lost.races").value(), "the first client's gauge stays, bound to the first");
        }
        assertTrue(registry.find("deltaq.twin.lost.races").meters().isEmpty());
    }

    private io.micrometer.core.instrument.Gauge gauge(String name) {
        io.micrometer.core.instrument.Gauge gauge = registry.find(name).gauge();
        if (gauge == null) {
            throw new AssertionError("no gauge " + name + " among " + registry.getMeters().stream()
                    .map(m -> m.getId().getName()).sorted().toList());
        }
        return gauge;
    }
}
