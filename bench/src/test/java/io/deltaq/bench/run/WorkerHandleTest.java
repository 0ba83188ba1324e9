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

    /** A stand-in worker whose lines the test writes; it records what it was sent. */
    private static final class Scripted extends WorkerHandle {
        final List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

        Scripted(String name, BlockingQueue<Event> events) {
            super(name, events);
        }

        void say(String line) {
            events.add(new Event(this, line));
        }

        @Override
        void send(String line) {
            sent.add(line);
        }

        @Override
        String exitDescription() {
            return "exited with status 1";
        }

        @Override
        String diagnostics() {
            return "boom";
        }

        @Override
        void kill() {
        }

        @Override
        public void close() {
        }
    }

    private static WorkerHandle.Event next(BlockingQueue<WorkerHandle.Event> events) throws InterruptedException {
        WorkerHandle.Event event = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(event, "an event within 10 s");
        return event;
    }

    /**
     * A fleet gives each member its own spec, says READY once all are, merges a second's ticks once
     * every member running has sent its own, and DONE once all are done; the coordinator sees one worker.
     */
    @Test
    void theWorkersNameReplacesItsPlaceholderInEachOption() {
        assertEquals(List.of("-Xmx1g", "-XX:AOTCache=/tmp/aot/deltaq-producer.aot", "-Dx={worker"),
                WorkerHandle.optionsFor("deltaq-producer", List.of("-Xmx1g", "-XX:AOTCache=/tmp/aot/{worker}.aot", "-Dx={worker")));
    }

    @Test
    void aFleetSpeaksForItsMembersAsOneWorker() throws Exception {
        BlockingQueue<WorkerHandle.Event> events = new LinkedBlockingQueue<>();
        List<Scripted> members = new java.util.ArrayList<>();
        WorkerHandle fleet = WorkerHandle.fleet("producer",
                List.of(Map.of(Worker.PRODUCER_INDEXES, "0"), Map.of(Worker.PRODUCER_INDEXES, "1")), null,
                (i, inner) -> {
                    Scripted m = new Scripted("producer-p" + i, inner);
                    members.add(m);
                    return m;
                }, events);
        fleet.send(Wire.encodeSpec(Map.of(Worker.ROLE, Worker.PRODUCER, Worker.PRODUCERS, "2")));
        assertEquals("0", Wire.decodeSpec(members.get(0).sent.get(0)).get(Worker.PRODUCER_INDEXES));
        assertEquals("1", Wire.decodeSpec(members.get(1).sent.get(0)).get(Worker.PRODUCER_INDEXES));
        assertEquals("2", Wire.decodeSpec(members.get(1).sent.get(0)).get(Worker.PRODUCERS));

        members.get(0).say(Wire.READY);
        members.get(0).say(Wire.TICK + " t=1000000 sent=5");
        members.get(1).say(Wire.READY);
        WorkerHandle.Event ready = next(events);
        assertEquals(Wire.READY, ready.line());
        assertEquals(fleet, ready.from());
        members.get(1).say(Wire.TICK + " t=1000000 sent=4");
        assertEquals(Map.of("t", "1000000", "sent", "9"), Wire.fields(next(events).line().substring(Wire.TICK.length())));

        members.get(0).say(Wire.TICK + " t=1400000 sent=6");
        members.get(0).say(Wire.DONE + " sent=6");
        members.get(1).say(Wire.TICK + " t=2000000 sent=8");
        assertEquals(Map.of("t", "2000000", "sent", "14"), Wire.fields(next(events).line().substring(Wire.TICK.length())));
        members.get(1).say(Wire.TICK + " t=2100000 sent=9");
        assertEquals(Map.of("t", "2100000", "sent", "9"), Wire.fields(next(events).line().substring(Wire.TICK.length())),
                "a member that is done sends no more ticks: the others' are not held back");
        members.get(1).say(Wire.DONE + " sent=9");
        assertEquals(Wire.DONE + " sent=15", next(events).line());
        members.get(0).say(null);
        members.get(1).say(null);
        assertNull(next(events).line(), "the fleet ends once its members have");
        fleet.close();
    }

    /** A member that ends without DONE fails the fleet, by name, at once. */
    @Test
    void aFleetFailsWhenOneMemberEndsUnexpectedly() throws Exception {
        BlockingQueue<WorkerHandle.Event> events = new LinkedBlockingQueue<>();
        List<Scripted> members = new java.util.ArrayList<>();
        WorkerHandle fleet = WorkerHandle.fleet("consumer",
                List.of(Map.of(Worker.CONSUMER_SLOTS, "0"), Map.of(Worker.CONSUMER_SLOTS, "1")), new int[] {0, 0},
                (i, inner) -> {
                    Scripted m = new Scripted("consumer-g0m" + i, inner);
                    members.add(m);
                    return m;
                }, events);
        members.get(1).say(null);
        String line = next(events).line();
        assertTrue(line.startsWith(Wire.FAIL + " the consumer-g0m1 worker ended unexpectedly (exited with status 1)"),
                line);
        fleet.send(Wire.STOP);
        assertEquals(List.of(Wire.STOP), members.get(0).sent, "the others are told to stop");
        members.get(0).say(null);
        assertNull(next(events).line());
        fleet.close();
    }

    /** A worker JVM whose coordinator vanishes mid-run (its stdin ends) halts by itself, at once. */
    @Test
    void aWorkerJvmHaltsWhenItsCoordinatorGoesAway() throws Exception {
        BenchDriver deltaq = BenchDrivers.byName("deltaq").orElseThrow();
        try (BenchTarget target = deltaq.openTarget(new TargetOptions(Optional.empty(), Optional.empty(),
                Optional.empty(), 0, 0, Optional.of(dir.resolve("store")), "test", dir.resolve("work")))) {
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
