package io.deltaq.jmh;

import io.deltaq.s3server.EmbeddedS3Server;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * A cross-check of {@link S3FloorBenchmark} that holds up on a shared, busy machine: every client
 * configuration is open at once against ONE server, and the configurations take turns, a short
 * burst of one operation each, in an order that rotates every round. Load that comes and goes
 * then hits every configuration alike, so the ratios between them stay meaningful even when the
 * absolute latencies do not. JMH runs one configuration per forked JVM, minutes apart.
 *
 * <p>Every round trip is timed on its own and recorded in a histogram per configuration and
 * operation; the table is the same as {@code bin/jmh --table} prints.
 *
 * <p>Usage: {@code bin/jmh --interleaved [--rounds 30] [--ops 100] [--warmup-ops 1000]
 * [--payload-bytes 1024] [--clients store-crt-http,sdk-apache5,...]}
 */
public final class S3FloorInterleaved {

    private static final String[] OPERATIONS = {"get", "getMissing", "putIfAbsent"};
    private static final String MISSING_KEY = "missing/never-written";
    private static final String EXISTING_KEY = "get/existing";

    private S3FloorInterleaved() {
    }

    public static void main(String[] args) {
        int rounds = 30;
        int opsPerTurn = 100;
        int warmupOps = 1000;
        int payloadBytes = 1024;
        List<String> clients = List.of(FloorClient.NAMES);
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--rounds" -> rounds = positive(args[i], value);
                case "--ops" -> opsPerTurn = positive(args[i], value);
                case "--warmup-ops" -> warmupOps = positive(args[i], value);
                case "--payload-bytes" -> payloadBytes = positive(args[i], value);
                case "--clients" -> clients = Arrays.asList(required(args[i], value).split(","));
                default -> usage("unknown option " + args[i]);
            }
            i++;
        }
        run(clients, rounds, opsPerTurn, warmupOps, payloadBytes);
    }

    static void run(List<String> names, int rounds, int opsPerTurn, int warmupOps, int payloadBytes) {
        byte[] bytes = new byte[payloadBytes];
        ThreadLocalRandom.current().nextBytes(bytes);
        ByteBuffer data = ByteBuffer.wrap(bytes);
        List<FloorClient> clients = new ArrayList<>();
        try (EmbeddedS3Server server = EmbeddedS3Server.start()) {
            try {
                for (String name : names) {
                    clients.add(FloorClient.open(name, server));
                }
                // Every configuration reads and writes under the same bucket and prefix: one object serves all.
                if (!clients.get(0).putIfAbsent(EXISTING_KEY, data)) {
                    throw new IllegalStateException(EXISTING_KEY + " existed before the run");
                }
                Histogram[][] latency = new Histogram[clients.size()][OPERATIONS.length];
                long[] nextKey = new long[clients.size()];
                System.err.printf("interleaved: %s; %d warm-up round trips per client and operation%n", server, warmupOps);
                for (int c = 0; c < clients.size(); c++) {
                    for (int op = 0; op < OPERATIONS.length; op++) {
                        latency[c][op] = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
                        turn(clients.get(c), c, names.get(c), op, warmupOps, data, nextKey, null);
                    }
                }
                for (int round = 0; round < rounds; round++) {
                    for (int op = 0; op < OPERATIONS.length; op++) {
                        for (int i = 0; i < clients.size(); i++) {
                            // Rotate who goes first, so no configuration always follows the same one.
                            int c = (i + round) % clients.size();
                            turn(clients.get(c), c, names.get(c), op, opsPerTurn, data, nextKey, latency[c][op]);
                        }
                    }
                    System.err.printf("interleaved: round %d of %d done%n", round + 1, rounds);
                }
                List<FloorTable.Row> rows = new ArrayList<>();
                for (int op = 0; op < OPERATIONS.length; op++) {
                    for (int c = 0; c < clients.size(); c++) {
                        Histogram h = latency[c][op];
                        rows.add(new FloorTable.Row(OPERATIONS[op], op == 1 ? "-" : Integer.toString(payloadBytes), names.get(c),
                                h.getValueAtPercentile(50) / 1_000.0, h.getValueAtPercentile(99) / 1_000.0, h.getTotalCount()));
                    }
                }
                FloorTable.print(rows, System.out);
            } finally {
                for (FloorClient client : clients) {
                    client.close();
                }
            }
        }
    }

    private static void turn(FloorClient client, int index, String name, int op, int count, ByteBuffer data, long[] nextKey,
            Histogram latency) {
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            switch (op) {
                case 0 -> {
                    byte[] read = client.get(EXISTING_KEY);
                    if (read == null || read.length != data.remaining()) {
                        throw new IllegalStateException(name + ": read of " + EXISTING_KEY + " returned "
                                + (read == null ? "nothing" : read.length + " bytes"));
                    }
                }
                case 1 -> {
                    if (client.get(MISSING_KEY) != null) {
                        throw new IllegalStateException(name + ": " + MISSING_KEY + " exists");
                    }
                }
                default -> {
                    String key = "put/" + name + "/" + nextKey[index]++;
                    if (!client.putIfAbsent(key, data)) {
                        throw new IllegalStateException(name + ": fresh key " + key + " already existed");
                    }
                }
            }
            if (latency != null) {
                latency.recordValue(System.nanoTime() - start);
            }
        }
    }

    private static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(required(option, value));
            if (n < 1) {
                usage(option + " must be at least 1, was " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            usage(option + " needs a whole number, was '" + value + "'");
            return 0;
        }
    }

    private static String required(String option, String value) {
        if (value == null) {
            usage(option + " needs a value");
        }
        return value;
    }

    private static void usage(String problem) {
        System.err.println("bin/jmh --interleaved: " + problem);
        System.err.println("usage: bin/jmh --interleaved [--rounds 30] [--ops 100] [--warmup-ops 1000] [--payload-bytes 1024]"
                + " [--clients " + String.join(",", FloorClient.NAMES) + "]");
        System.exit(2);
    }
}
