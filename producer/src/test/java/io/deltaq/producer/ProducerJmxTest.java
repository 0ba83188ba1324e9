package io.deltaq.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.s3io.JmxMetrics;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.StoreMetrics;
import io.deltaq.testkit.LogCapture;
import io.deltaq.testkit.TestS3;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A producer's metrics as a JMX MBean, the way Kafka clients publish theirs. */
class ProducerJmxTest {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    @TempDir
    Path dir;

    @Test
    void aProducerPublishesItsMetricsWhileOpenUnderItsIdAndTable() throws Exception {
        try (ObjectStore store = TestS3.local(dir)) {
            ObjectName name;
            ObjectName storeBean;
            try (Producer producer = Producer.create(store, "orders", Map.of(ProducerConfig.PRODUCER_ID, "orders-api, 1"))) {
                Set<ObjectName> found = SERVER.queryNames(new ObjectName("io.deltaq:type=producer-metrics,*"), null);
                name = found.stream().filter(n -> "orders-api, 1".equals(value(n, "producer-id")))
                        .findFirst().orElseThrow(() -> new AssertionError("no MBean for the producer among " + found));
                assertTrue(value(name, "table").endsWith("orders"), name.toString());
                for (int i = 0; i < 5; i++) {
                    producer.send(null, ("m" + i).getBytes(StandardCharsets.UTF_8)).get(30, TimeUnit.SECONDS);
                }
                assertEquals(5L, SERVER.getAttribute(name, "messages"));
                assertEquals(producer.metrics().commits(), SERVER.getAttribute(name, "commits"));
                assertEquals(0L, SERVER.getAttribute(name, "failed-messages"));
                // Where the time went: each stage once per committed batch, the commit's PUT taking some.
                for (ProducerMetrics.Stage stage : ProducerMetrics.Stage.values()) {
                    assertEquals(producer.metrics().commits(), producer.metrics().stageNanos(stage).getTotalCount(),
                            stage.toString());
                }
                assertTrue((Double) SERVER.getAttribute(name, "commit-p99-ms") > 0);
                String[] attributes = Arrays.stream(SERVER.getMBeanInfo(name).getAttributes())
                        .map(MBeanAttributeInfo::getName).toArray(String[]::new);
                assertTrue(Arrays.asList(attributes).containsAll(
                        java.util.List.of("lost-races", "unknown-messages", "failed-checkpoints", "maintenance-leader")),
                        Arrays.toString(attributes));
                // The store's figures, per operation, under the same keys.
                storeBean = new ObjectName(name.toString().replace("type=producer-metrics", "type=store-metrics")
                        + ",operation=put-if-absent");
                assertEquals(store.metrics().snapshot(StoreMetrics.Operation.PUT_IF_ABSENT).requests(),
                        SERVER.getAttribute(storeBean, "requests"));
                assertTrue((Long) SERVER.getAttribute(storeBean, "requests") >= 6, "version 0 and five commits at least");
                assertTrue((Double) SERVER.getAttribute(storeBean, "latency-p99-ms") > 0);
            }
            assertFalse(SERVER.isRegistered(name), "unregistered at close");
            assertFalse(SERVER.isRegistered(storeBean), "the store's MBeans too");
        }
    }

    @Test
    void aSecondProducerWithTheSameIdAndTableOpensWithoutItsMBean() throws Exception {
        try (ObjectStore store = TestS3.local(dir);
                Producer first = Producer.create(store, "t", Map.of(ProducerConfig.PRODUCER_ID, "twin"));
                LogCapture log = LogCapture.of(JmxMetrics.class)) {
            try (Producer second = Producer.create(store, "t", Map.of(ProducerConfig.PRODUCER_ID, "twin",
                    ProducerConfig.MAINTENANCE_ENABLED, false))) {
                assertEquals(1, log.warnings().size(), log.warnings().toString());
                assertTrue(log.warnings().get(0).contains("already registered"), log.warnings().toString());
            }
            ObjectName name = SERVER.queryNames(new ObjectName("io.deltaq:type=producer-metrics,producer-id=twin,*"), null)
                    .iterator().next();
            assertTrue(SERVER.isRegistered(name), "the second producer's close leaves the first one's MBean");
            assertEquals(first.metrics().messages(), SERVER.getAttribute(name, "messages"));
        }
    }

    /** A key's value as given, unquoted where JMX quoted it. */
    private static String value(ObjectName name, String key) {
        String v = name.getKeyProperty(key);
        return v != null && v.startsWith("\"") ? ObjectName.unquote(v) : v;
    }
}
