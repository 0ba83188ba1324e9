package io.deltaq.bench.driver;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.deltaq.consumer.Consumer;
import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.consumer.MessageHandler;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.TablePath;
import io.deltaq.s3io.Futures;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3server.EmbeddedS3Server;
import io.deltaq.topic.Topic;

/**
 * Where deltaq's tables live for a sweep: the embedded S3 server (default), an S3-compatible
 * service ({@code --endpoint}, {@code --bucket}), AWS ({@code --bucket} alone) or a local
 * directory ({@code --store}). Each sweep gets its own prefix, each rate its own topic under it.
 */
final class DeltaqTarget implements BenchTarget {

    /** The store's address, as {@link ObjectStores#open} takes it. */
    static final String ADDRESS = "deltaq.address";
    /** Prefix of the AWS variables that reach the store, over the worker's own environment. */
    static final String ENV_PREFIX = "deltaq.env.";
    /** Prefix of store settings ({@link ObjectStores#DEFINITION} names), e.g. the fault injection of a chaos run. */
    static final String STORE_PREFIX = "deltaq.store.";

    /** How long reading a topic back may go without progress before the audit gives up. */
    private static final long READ_ALL_STALL_NS = TimeUnit.SECONDS.toNanos(120);

    /** A request of the floor measurement or of the server's warm-up. */
    private static final long REQUEST_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    /** Requests in flight while warming the embedded server: its connections and threads, not one of each. */
    private static final int WARMUP_STREAMS = 16;
    /** A whole listing of a topic for a soak sample: many pages, each its own request. */
    private static final long SAMPLE_TIMEOUT_NS = TimeUnit.MINUTES.toNanos(5);
    private static final int LIST_PAGE = 1000;
    private static final String LOG_DIR = "_delta_log/";

    private final EmbeddedS3Server server;
    private final Map<String, String> connection;
    private final ObjectStore store;
    private final String description;

    private DeltaqTarget(EmbeddedS3Server server, Map<String, String> connection, ObjectStore store,
            String description) {
        this.server = server;
        this.connection = Map.copyOf(connection);
        this.store = store;
        this.description = description;
    }

    private DeltaqTarget(EmbeddedS3Server server, Map<String, String> connection, String description) {
        this(server, connection, openStore(connection), description);
    }

    static DeltaqTarget open(TargetOptions options) throws Exception {
        Map<String, String> connection = new LinkedHashMap<>();
        String prefix = "deltaq-bench/" + options.runId();
        if (options.storeDir().isPresent()) {
            Path dir = options.storeDir().get().toAbsolutePath().resolve(prefix);
            Files.createDirectories(dir);
            connection.put(ADDRESS, dir.toString());
            return new DeltaqTarget(null, connection, "local directory " + dir);
        }
        if (options.bucket().isPresent()) {
            connection.put(ADDRESS, "s3://" + options.bucket().get() + "/" + prefix);
            options.endpoint().ifPresent(e -> connection.put(ENV_PREFIX + "AWS_ENDPOINT_URL", e.toString()));
            options.region().ifPresent(r -> connection.put(ENV_PREFIX + "AWS_REGION", r));
            return new DeltaqTarget(null, connection, "s3://" + options.bucket().get() + "/" + prefix
                    + options.endpoint().map(e -> " at " + e).orElse(" (AWS)"));
        }
        EmbeddedS3Server server = EmbeddedS3Server.builder()
                .latency(java.time.Duration.ofMillis(options.s3LatencyMs()))
                .start();
        ObjectStore store = null;
        try {
            connection.put(ADDRESS, server.address(prefix));
            server.environment().forEach((name, value) -> connection.put(ENV_PREFIX + name, value));
            store = openStore(connection);
            String warmed = "";
            if (options.serverWarmupSeconds() > 0) {
                long requests = warm(store, TimeUnit.SECONDS.toNanos(options.serverWarmupSeconds()));
                warmed = String.format(Locale.ROOT, ", warmed by %,d requests over %d s (`--server-warmup`)", requests,
                        options.serverWarmupSeconds());
            }
            return new DeltaqTarget(server, connection, store, "embedded S3 server (s3proxy, in memory) in the"
                    + " coordinator JVM at " + server.endpoint()
                    + (options.s3LatencyMs() > 0 ? ", " + options.s3LatencyMs() + " ms added per operation" : "")
                    + warmed);
        } catch (RuntimeException e) {
            if (store != null) {
                store.close();
            }
            server.close();
            throw e;
        }
    }

    /**
     * Sends the requests a producer and a consumer send (conditional PUTs of commits, PUTs and GETs of
     * data files, GETs of versions not there yet, listings, deletes), {@link #WARMUP_STREAMS} at a time,
     * for {@code nanos}; returns how many. The embedded server's code (s3proxy, Jetty) starts as cold
     * as the coordinator's JVM: unwarmed, its JIT is charged to the floor and to the first rate, as S3,
     * a service always warm, would never charge it.
     */
    private static long warm(ObjectStore store, long nanos) {
        ByteBuffer commit = ByteBuffer.wrap(filled(1 << 10));
        ByteBuffer dataFile = ByteBuffer.wrap(filled(64 << 10));
        String base = "warm-up/" + System.nanoTime() + "/";
        long deadline = System.nanoTime() + nanos;
        long requests = 0;
        for (int round = 0; System.nanoTime() - deadline < 0; round++) {
            String prefix = base + round + "/";
            CompletableFuture<?>[] batch = new CompletableFuture<?>[WARMUP_STREAMS];
            for (int i = 0; i < WARMUP_STREAMS; i++) {
                String key = prefix + i;
                batch[i] = store.putIfAbsent(key + ".json", commit.duplicate())
                        .thenCompose(created -> store.put(key + ".parquet", dataFile.duplicate()))
                        .thenCompose(done -> store.get(key + ".json"))
                        .thenCompose(json -> store.get(key + ".missing"))
                        .thenCompose(missing -> store.get(key + ".parquet"))
                        .thenCompose(parquet -> store.list(prefix, key, LIST_PAGE))
                        .thenCompose(page -> store.delete(key + ".json"))
                        .thenCompose(done -> store.delete(key + ".parquet"));
            }
            await(store, CompletableFuture.allOf(batch), "warming the server under " + prefix);
            requests += 8L * WARMUP_STREAMS; // the eight requests of each stream above
        }
        return requests;
    }

    private static byte[] filled(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }

    /** A store for {@code connection}, rooted at the sweep's prefix; the caller closes it. */
    static ObjectStore openStore(Map<String, String> connection) {
        return openStore(connection, 0);
    }

    /**
     * A store for {@code connection} with its store settings, the fault seed (if any) offset by
     * {@code seedOffset} so that each client draws its own faults; the caller closes it.
     */
    static ObjectStore openStore(Map<String, String> connection, long seedOffset) {
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        Map<String, Object> overrides = new LinkedHashMap<>();
        connection.forEach((name, value) -> {
            if (name.startsWith(ENV_PREFIX)) {
                env.put(name.substring(ENV_PREFIX.length()), value);
            } else if (name.startsWith(STORE_PREFIX)) {
                overrides.put(name.substring(STORE_PREFIX.length()), value);
            }
        });
        Object seed = overrides.get(ObjectStores.FAULT_SEED);
        if (seed != null) {
            overrides.put(ObjectStores.FAULT_SEED, Long.toString(Long.parseLong(seed.toString()) + seedOffset));
        }
        return ObjectStores.open(connection.get(ADDRESS), env, overrides);
    }

    /** Each partition table's latest version. */
    @Override
    public long[] end(String topic) {
        Topic opened = Topic.open(store, topic);
        long[] end = new long[opened.partitions()];
        for (int p = 0; p < end.length; p++) {
            end[p] = opened.partitionTable(p).latestVersion();
        }
        return end;
    }

    /**
     * A fresh consumer of each partition in turn, from the earliest position, without faults, through
     * the partition's version in {@code end}.
     */
    @Override
    public void readAll(String topic, long[] end, MessageSink sink) {
        Topic opened = Topic.open(store, topic);
        if (opened.partitions() != end.length) {
            throw new IllegalStateException("topic " + topic + " has " + opened.partitions() + " partitions, its end "
                    + end.length);
        }
        for (int p = 0; p < end.length; p++) {
            int partition = p;
            String table = opened.partitionPath(p);
            try (Consumer consumer = Consumer.create(store, table, Map.of(ConsumerConfig.START, "earliest"))) {
                MessageHandler handler = message -> DeltaqDriver.deliver(partition, message, sink);
                long lastProgress = System.nanoTime();
                while (consumer.position().version() <= end[p]) {
                    if (consumer.poll(handler, 100_000) > 0) {
                        lastProgress = System.nanoTime();
                    } else if (System.nanoTime() - lastProgress > READ_ALL_STALL_NS) {
                        throw new IllegalStateException("reading " + table + " in " + store.location() + " back: stuck at "
                                + consumer.position() + " for " + TimeUnit.NANOSECONDS.toSeconds(READ_ALL_STALL_NS)
                                + " s, short of version " + end[p]);
                    } else {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
            }
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public Map<String, String> connection() {
        return connection;
    }

    @Override
    public String createTopic(String name, int partitions) {
        return createTopic(name, partitions, Map.of());
    }

    /**
     * One partition: a plain table, exactly what the bench wrote before topics, so that its results
     * compare with earlier ones (and a plain table is a topic of one partition to every client).
     * More: a topic of that many partition tables, each with {@code properties}.
     */
    @Override
    public String createTopic(String name, int partitions, Map<String, String> properties) {
        if (partitions == 1) {
            DeltaTable.at(store, name).createMessageTable(properties);
        } else {
            Topic.create(store, name, partitions, properties);
        }
        return name;
    }

    /**
     * Reads the latest snapshot and the newest complete checkpoint's files, counts everything under
     * the table with a listing, and times a fresh consumer at the head from its creation until it has
     * resolved where it starts.
     */
    /** Of a topic of one partition, a plain table: the soak runs on one. */
    @Override
    public TopicSample sampleTopic(String topic) {
        if (!Topic.open(store, topic).plainTable()) {
            throw new UnsupportedOperationException("sampling " + topic + ": only a topic of one partition (a plain table)");
        }
        DeltaTable table = DeltaTable.at(store, topic);
        long liveFiles = table.snapshot().liveFiles().size();
        Optional<DeltaTable.CheckpointFiles> checkpoint = table.latestCheckpoint();
        String root = TablePath.root(topic);
        String logPrefix = root + LOG_DIR;
        long[] counts = new long[2];
        Futures.await(Listing.forEach(store, root, null, LIST_PAGE, info -> {
            counts[0]++;
            if (info.key().startsWith(logPrefix)) {
                counts[1]++;
            }
            return true;
        }), SAMPLE_TIMEOUT_NS, cause -> new IllegalStateException("listing " + root + " in " + store.location() + ": "
                + cause, cause));
        long start = System.nanoTime();
        try (Consumer consumer = Consumer.create(store, topic, Map.of(ConsumerConfig.START, "latest"))) {
            consumer.position(); // waits for the start to be resolved
            consumer.poll(message -> { }, 1);
            double coldStartMs = (System.nanoTime() - start) / 1e6;
            return new TopicSample(liveFiles, counts[0], counts[1],
                    checkpoint.map(DeltaTable.CheckpointFiles::version).orElse(-1L),
                    checkpoint.map(DeltaTable.CheckpointFiles::sizeInBytes).orElse(-1L), coldStartMs);
        }
    }

    @Override
    public Optional<StorageFloor> measureFloor(int samples) throws Exception {
        byte[] body = filled(512);
        long[] puts = new long[samples];
        long[] gets = new long[samples];
        String base = "floor/" + System.nanoTime() + "/";
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            Boolean created = await(store.putIfAbsent(base + i, ByteBuffer.wrap(body)), "writing " + base + i);
            puts[i] = System.nanoTime() - start;
            if (!created) {
                throw new IllegalStateException("floor measurement: " + base + i + " existed already in " + store.location());
            }
        }
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            await(store.get(base + i), "reading " + base + i).orElseThrow();
            gets[i] = System.nanoTime() - start;
        }
        for (int i = 0; i < samples; i++) {
            await(store.delete(base + i), "deleting " + base + i);
        }
        return Optional.of(new StorageFloor(store.location(), samples, median(puts) / 1000.0, median(gets) / 1000.0));
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        return await(store, future, "floor measurement: " + what);
    }

    private static <T> T await(ObjectStore store, CompletableFuture<T> future, String what) {
        return Futures.await(future, REQUEST_TIMEOUT_NS,
                cause -> new IllegalStateException(what + " in " + store.location() + ": " + cause, cause));
    }

    private static double median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
