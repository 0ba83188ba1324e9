package io.deltaq.jmh;

import io.deltaq.s3server.EmbeddedS3Server;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.BenchmarkParams;

/**
 * The floor, measured: one small-object round trip at a time against an S3 server on loopback, so
 * the latency is the client stack's and the server's, with no network in between.
 *
 * <p>Each trial (one client configuration, one operation) starts its own {@link EmbeddedS3Server}
 * (in memory), opens the client and warms its connection before JMH's warm-up begins. Async
 * clients are joined on the benchmark thread; the synchronous one runs on it. Sample-time mode
 * gives the latency distribution, p50 and p99 included.
 *
 * <ul>
 *   <li>{@link #putIfAbsent}: a conditional create ({@code If-None-Match: *}) of a fresh key every
 *       invocation, so each one is a real create answered 200.
 *   <li>{@link #get}: reads an object created in setup.
 *   <li>{@link #getMissing}: reads a key that never exists, answered 404 and returned as "absent".
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class S3FloorBenchmark {

    /** Requests of the measured kind sent in setup, before JMH's own warm-up, to open and prime the connection. */
    private static final int SETUP_ROUND_TRIPS = 300;

    /** The server and one client configuration, for one trial. */
    @State(Scope.Benchmark)
    public static class Connection {

        /** Which client stack carries the requests; see {@link FloorClient#NAMES}. */
        @Param({"store-crt-lean", "store-crt-http", "store-crt", "sdk-crt-s3", "sdk-crt-http", "sdk-apache5"})
        public String client;

        EmbeddedS3Server server;
        FloorClient floor;
        final AtomicLong nextKey = new AtomicLong();
        final String missingKey = "missing/never-written";

        @Setup(Level.Trial)
        public void open(BenchmarkParams params) {
            server = EmbeddedS3Server.start();
            try {
                floor = FloorClient.open(client, server);
                warmUp(params.getBenchmark().substring(params.getBenchmark().lastIndexOf('.') + 1));
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        /**
         * Opens the connection and runs the measured operation's code path before JMH's warm-up:
         * the JIT counts invocations, not seconds, and a round trip here takes milliseconds.
         */
        private void warmUp(String operation) {
            ByteBuffer small = ByteBuffer.wrap(new byte[64]);
            String existing = "warm-up/existing";
            require(floor.putIfAbsent(existing, small), "warm-up create of " + existing);
            for (int i = 0; i < SETUP_ROUND_TRIPS; i++) {
                switch (operation) {
                    case "putIfAbsent" -> require(floor.putIfAbsent("warm-up/" + i, small), "warm-up create");
                    case "get" -> require(floor.get(existing) != null, "warm-up read of " + existing);
                    default -> require(floor.get(missingKey) == null, "warm-up read of the missing key");
                }
            }
        }

        String freshKey() {
            return "put/" + nextKey.incrementAndGet();
        }

        @TearDown(Level.Trial)
        public void close() {
            try {
                if (floor != null) {
                    floor.close();
                }
            } finally {
                server.close();
            }
        }
    }

    /** The object size, and one object of that size written before the trial for {@link #get}. */
    @State(Scope.Benchmark)
    public static class Payload {

        /** Object size in bytes: 1 KiB by default; a Delta commit of one small batch is about 200. */
        @Param({"1024"})
        public int payloadBytes;

        /** Array-backed from offset 0, so the synchronous client can take the array without a copy. */
        ByteBuffer data;
        final String existingKey = "get/existing";

        @Setup(Level.Trial)
        public void write(Connection connection) {
            if (payloadBytes < 1) {
                throw new IllegalArgumentException("payloadBytes must be at least 1, was " + payloadBytes);
            }
            byte[] bytes = new byte[payloadBytes];
            ThreadLocalRandom.current().nextBytes(bytes);
            data = ByteBuffer.wrap(bytes);
            require(connection.floor.putIfAbsent(existingKey, data), "creating " + existingKey);
            byte[] read = connection.floor.get(existingKey);
            require(read != null && ByteBuffer.wrap(read).equals(data), "reading back " + existingKey);
        }
    }

    @Benchmark
    public boolean putIfAbsent(Connection connection, Payload payload) {
        String key = connection.freshKey();
        boolean created = connection.floor.putIfAbsent(key, payload.data);
        if (!created) {
            throw new IllegalStateException("fresh key " + key + " already existed");
        }
        return created;
    }

    @Benchmark
    public byte[] get(Connection connection, Payload payload) {
        byte[] bytes = connection.floor.get(payload.existingKey);
        if (bytes == null || bytes.length != payload.payloadBytes) {
            throw new IllegalStateException("read of " + payload.existingKey + " returned "
                    + (bytes == null ? "nothing" : bytes.length + " bytes"));
        }
        return bytes;
    }

    @Benchmark
    public boolean getMissing(Connection connection) {
        byte[] bytes = connection.floor.get(connection.missingKey);
        if (bytes != null) {
            throw new IllegalStateException(connection.missingKey + " exists");
        }
        return true;
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException("setup failed: " + what);
        }
    }
}
