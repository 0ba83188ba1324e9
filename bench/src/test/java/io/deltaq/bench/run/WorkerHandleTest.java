package io.deltaq.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.deltaq.bench.driver.BenchDriver;
import io.deltaq.bench.driver.BenchDrivers;
import io.deltaq.bench.driver.BenchTarget;
import io.deltaq.bench.driver.ClientOptions;
import io.deltaq.bench.driver.TargetOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerHandleTest {

    @TempDir
    Path dir;

    /** A worker JVM whose coordinator vanishes mid-run (its stdin ends) halts by itself, at once. */
    @Test
    void aWorkerJvmHaltsWhenItsCoordinatorGoesAway() throws Exception {
        BenchDriver deltaq = BenchDrivers.byName("deltaq").orElseThrow();
        try (BenchTarget target = deltaq.openTarget(new TargetOptions(Optional.empty(), Optional.empty(),
                Optional.empty(), 0, Optional.of(dir.resolve("store")), "test", dir.resolve("work")))) {
            String topic = target.createTopic("orphan", 1);
            Map<String, String> spec = new LinkedHashMap<>();
            spec.put(Worker.ROLE, Worker.CONSUMER);
            spec.put(Worker.DRIVER, "deltaq");
            spec.put(Worker.TOPIC, topic);
            spec.put(Worker.PRODUCERS, "1");
            spec.put(Worker.CONSUMERS, "1");
            spec.put(Worker.RATE, "1000");
            target.connection().forEach((k, v) -> spec.put(Worker.CONNECTION_PREFIX + k, v));
            spec.putAll(new ClientOptions(100, OptionalLong.empty(), Optional.empty()).toStrings());

            BlockingQueue<WorkerHandle.Event> events = new LinkedBlockingQueue<>();
            WorkerHandle worker = WorkerHandle.launch("consumer", List.of("-Xmx256m"), dir.resolve("consumer.log"), events);
            try {
                worker.send(Wire.encodeSpec(spec));
                WorkerHandle.Event ready = events.poll(120, TimeUnit.SECONDS);
                assertNotNull(ready, "no READY within 120 s: " + worker.diagnostics());
                assertEquals(Wire.READY, ready.line(), worker.diagnostics());
                long now = WallClock.nowMicros();
                long hour = TimeUnit.HOURS.toMicros(1);
                worker.send(Wire.START + " " + now + " " + (now + hour) + " " + (now + 2 * hour));
            } finally {
                long closing = System.nanoTime();
                worker.close(); // ends its stdin; kills it only if it has not exited 15 s later
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - closing);
                assertEquals("exited with status 3", worker.exitDescription(), worker.diagnostics());
                assertTrue(seconds < 10, "took " + seconds + " s to exit");
            }
            // Its stdout pump saw the end of the process.
            WorkerHandle.Event end = events.poll(10, TimeUnit.SECONDS);
            while (end != null && end.line() != null) {
                end = events.poll(10, TimeUnit.SECONDS);
            }
            assertNotNull(end);
            assertNull(end.line());
        }
    }
}
