package io.deltaq.topic;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.deltaq.deltalog.DeltaLogOptions;
import io.deltaq.deltalog.DeltaTable;
import io.deltaq.deltalog.TablePath;
import io.deltaq.s3io.ConditionalCreate;
import io.deltaq.s3io.CreateOutcome;
import io.deltaq.s3io.Futures;
import io.deltaq.s3io.ListPage;
import io.deltaq.s3io.Listing;
import io.deltaq.s3io.ObjectInfo;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.Retries;
import io.deltaq.s3io.RetryPolicy;
import io.deltaq.s3io.StoreErrors;

/**
 * A topic: a directory holding a manifest and one Delta table per partition (RFC 0006, "Layout").
 *
 * <pre>
 * &lt;topic&gt;/_deltaq/topic/00000000000000000000.json   the manifest, one file per version
 * &lt;topic&gt;/partition-00000/_delta_log/...             partition 0, an ordinary Delta table
 * &lt;topic&gt;/partition-00001/...
 * </pre>
 *
 * A plain deltaq table (a directory with {@code _delta_log/} and no manifest) is a topic of one
 * partition whose table is the directory itself, so every table written before topics existed is a
 * topic as it is.
 *
 * <p>Immutable: {@link #refresh()} and {@link #grow(int)} return a new view.
 */
public final class Topic {

    /** The most partitions a topic may have. */
    public static final int MAX_PARTITIONS = 10_000;
    /** Where the manifest versions live, under the topic root; outside every partition's table. */
    public static final String MANIFEST_DIR = "_deltaq/topic/";
    private static final String PARTITION_PREFIX = "partition-";
    private static final String LOG_DIR = "_delta_log/";
    private static final int VERSION_DIGITS = 20;
    private static final Duration IO_TIMEOUT = DeltaLogOptions.DEFAULT_IO_TIMEOUT;
    /** Between reads sent again after a fault that passes: the table reads' backoff, up to IO_TIMEOUT in all. */
    private static final RetryPolicy READ_BACKOFF = DeltaLogOptions.DEFAULT_READ_RETRY;
    private static final int DELETE_BATCH = 64;

    private final ObjectStore store;
    private final String root;
    private final TopicManifest manifest;
    private final boolean plainTable;

    private Topic(ObjectStore store, String root, TopicManifest manifest, boolean plainTable) {
        this.store = store;
        this.root = root;
        this.manifest = manifest;
        this.plainTable = plainTable;
    }

    /* ------------------------------- creating ------------------------------- */

    /**
     * Creates the topic at {@code path} with {@code partitions} partitions, each table created with
     * {@code tableProperties}; or recognises it when it already exists with the same partitions and
     * properties (a creator that crashed half way, or two creators racing, end with one topic and
     * every partition table). Create-or-recognise: the manifest's version 0 is written once with
     * put-if-absent; the partition tables are created after it, each create-or-recognise too.
     *
     * @throws TopicException if a topic with other partitions or properties is there, a plain table
     *     is there, or the store failed (the topic may then exist: creating it again finds out)
     */
    public static Topic create(ObjectStore store, String path, int partitions, Map<String, String> tableProperties) {
        Objects.requireNonNull(tableProperties, "tableProperties");
        String root = TablePath.root(path);
        String where = display(store, root);
        if (partitions < 1 || partitions > MAX_PARTITIONS) {
            throw new TopicException("topic " + where + ": partitions must be in [1, " + MAX_PARTITIONS + "], was " + partitions);
        }
        // Before the manifest: a property every partition table would refuse must not leave a topic
        // whose tables can never be created.
        for (Map.Entry<String, String> e : tableProperties.entrySet()) {
            String problem = DeltaTable.propertyProblem(e.getKey(), e.getValue());
            if (problem != null) {
                throw new TopicException("topic " + where + ": " + problem + "; nothing was written");
            }
        }
        long deadline = deadline();
        if (hasAny(store, root + LOG_DIR, deadline)) {
            throw new TopicException("topic " + where + ": a table, not a topic, is at this path (it has " + LOG_DIR
                    + "); it is already a topic of one partition, and cannot be made a partitioned one");
        }
        TopicManifest wanted = new TopicManifest(0, UUID.randomUUID().toString(), partitions, tableProperties,
                System.currentTimeMillis());
        String key = manifestKey(root, 0);
        ConditionalCreate creates = new ConditionalCreate(store, DeltaLogOptions.DEFAULT_CREATE_RETRY, IO_TIMEOUT);
        // This creator's own write is recognised by its random id (an earlier attempt whose answer was
        // lost); another creator's manifest of the same shape is TAKEN, and recognised below.
        CreateOutcome outcome = await(creates.create(key, wanted.toJson(), existing -> {
            try {
                return TopicManifest.parse(existing, display(store, key), 0).id().equals(wanted.id());
            } catch (TopicException e) {
                return false;
            }
        }), deadline, "creating " + display(store, key));
        TopicManifest manifest = switch (outcome.kind()) {
            case CREATED -> wanted;
            case TAKEN -> {
                // Recognised only when the shape is the same; anything else is another topic.
                TopicManifest there = TopicManifest.parse(outcome.existing(), display(store, key), 0);
                Topic existing = open(store, path);
                if (existing.manifest.version() > 0 || !there.sameShape(partitions, tableProperties)) {
                    throw new TopicException("topic " + where + " exists with " + existing.partitions()
                            + " partitions and table properties " + existing.tableProperties() + "; asked for "
                            + partitions + " partitions and " + tableProperties);
                }
                yield there;
            }
            case UNKNOWN -> throw new TopicException("topic " + where + ": the outcome of writing " + display(store, key)
                    + " is unknown; create it again to find out whether it exists", outcome.cause());
        };
        Topic topic = new Topic(store, root, manifest, false);
        topic.createPartitionTables(0);
        return topic;
    }

    /**
     * Opens the topic at {@code path}: the newest manifest, or a plain table as a topic of one partition.
     *
     * @throws TopicNotFoundException if there is neither
     * @throws TopicException if the store failed or the newest manifest is unreadable
     */
    public static Topic open(ObjectStore store, String path) {
        return find(store, path).orElseThrow(() -> new TopicNotFoundException("no topic at " + display(store,
                TablePath.root(path)) + ": neither a topic manifest (" + MANIFEST_DIR + ") nor a table (" + LOG_DIR
                + ") is there; create it with 'deltaq topic create'"));
    }

    /** {@link #open} when something is there, empty when nothing is. */
    public static Optional<Topic> find(ObjectStore store, String path) {
        String root = TablePath.root(path);
        long deadline = deadline();
        List<Long> versions = new ArrayList<>();
        read(() -> {
            versions.clear(); // a listing sent again starts over
            return Listing.forEach(store, root + MANIFEST_DIR, null, 1000, info -> {
                long v = versionOf(root, info.key());
                if (v >= 0) {
                    versions.add(v);
                }
                return true;
            });
        }, deadline, "listing " + display(store, root + MANIFEST_DIR));
        if (!versions.isEmpty()) {
            long newest = versions.stream().mapToLong(Long::longValue).max().getAsLong();
            String key = manifestKey(root, newest);
            byte[] data = read(() -> store.get(key), deadline, "reading " + display(store, key))
                    .orElseThrow(() -> new TopicException("topic " + display(store, root) + ": manifest " + display(store, key)
                            + " was listed, then not found; manifests are never deleted, so the topic is being deleted"));
            return Optional.of(new Topic(store, root, TopicManifest.parse(data, display(store, key), newest), false));
        }
        if (hasAny(store, root + LOG_DIR, deadline)) {
            return Optional.of(new Topic(store, root, new TopicManifest(0, "", 1, Map.of(), 0), true));
        }
        return Optional.empty();
    }

    /** This topic as the store has it now (after another process grew it). */
    public Topic refresh() {
        return open(store, root);
    }

    /**
     * Raises the partitions to {@code partitions}: writes the next manifest version with
     * put-if-absent, then creates the new partition tables. Keys that hashed to one partition may hash
     * to another afterwards, as in Kafka; order per key holds only within one partition count.
     *
     * @throws TopicException if the topic is a plain table, already has as many or more partitions,
     *     another change raced this one, or the store failed
     */
    public Topic grow(int partitions) {
        if (plainTable) {
            throw new TopicException("topic " + location() + " is a plain table, which has one partition for good");
        }
        Topic current = refresh();
        if (partitions <= current.partitions() || partitions > MAX_PARTITIONS) {
            throw new TopicException("topic " + location() + " has " + current.partitions() + " partitions; it can grow to"
                    + " more, at most " + MAX_PARTITIONS + ", not to " + partitions);
        }
        TopicManifest next = new TopicManifest(current.manifest.version() + 1, current.manifest.id(), partitions,
                current.manifest.tableProperties(), System.currentTimeMillis());
        String key = manifestKey(root, next.version());
        byte[] bytes = next.toJson();
        ConditionalCreate creates = new ConditionalCreate(store, DeltaLogOptions.DEFAULT_CREATE_RETRY, IO_TIMEOUT);
        CreateOutcome outcome = await(creates.create(key, bytes), deadline(), "creating " + display(store, key));
        switch (outcome.kind()) {
            case CREATED -> {
            }
            case TAKEN -> throw new TopicException("topic " + location() + " was changed by another writer while growing"
                    + " it (manifest version " + next.version() + " exists); open it again and retry");
            case UNKNOWN -> throw new TopicException("topic " + location() + ": the outcome of writing " + display(store, key)
                    + " is unknown; open the topic to see its partitions", outcome.cause());
        }
        Topic grown = new Topic(store, root, next, false);
        grown.createPartitionTables(current.partitions());
        return grown;
    }

    /**
     * Creates the table of every partition from {@code from} on (create-or-recognise with the
     * manifest's table properties).
     */
    void createPartitionTables(int from) {
        for (int p = from; p < partitions(); p++) {
            partitionTable(p).createMessageTable(manifest.tableProperties());
        }
    }

    /**
     * Creates the partition tables that are missing, as {@link #create} would have: a creator that
     * died half way leaves some, and a producer that created one itself would give it deltaq's
     * defaults instead of the topic's table properties. One listing per partition.
     */
    public void createMissingPartitionTables() {
        if (plainTable) {
            return;
        }
        long deadline = deadline();
        for (int p = 0; p < partitions(); p++) {
            if (!hasAny(store, partitionPath(p) + LOG_DIR, deadline)) {
                partitionTable(p).createMessageTable(manifest.tableProperties());
            }
        }
    }

    /**
     * Deletes every object under the topic root: the manifests first, so that nothing opens the
     * topic while its partitions go. Stop its producers first; a producer that goes on writing
     * leaves objects behind (delete again).
     *
     * @return how many objects were deleted
     */
    public static long delete(ObjectStore store, String path) {
        String root = TablePath.root(path);
        if (root.isEmpty()) {
            throw new TopicException("refusing to delete everything in " + store.location() + ": name the topic's path");
        }
        long deleted = deleteUnder(store, root + MANIFEST_DIR);
        return deleted + deleteUnder(store, root);
    }

    private static long deleteUnder(ObjectStore store, String prefix) {
        long count = 0;
        List<CompletableFuture<Void>> inFlight = new ArrayList<>();
        while (true) {
            ListPage page = await(store.list(prefix, null, 1000), deadline(), "listing " + display(store, prefix));
            if (page.objects().isEmpty()) {
                return count;
            }
            for (ObjectInfo info : page.objects()) {
                inFlight.add(store.delete(info.key()));
                if (inFlight.size() >= DELETE_BATCH) {
                    await(CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)), deadline(),
                            "deleting under " + display(store, prefix));
                    inFlight.clear();
                }
                count++;
            }
            await(CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)), deadline(),
                    "deleting under " + display(store, prefix));
            inFlight.clear();
        }
    }

    /**
     * The topics (and plain tables) directly under {@code prefix}, by name in key order. Walks the
     * store one child at a time, skipping each child's contents, so the cost grows with the number
     * of children, not of objects.
     */
    public static List<String> list(ObjectStore store, String prefix) {
        String base = TablePath.root(prefix);
        List<String> names = new ArrayList<>();
        String startAfter = null;
        while (true) {
            String after = startAfter;
            ListPage page = read(() -> store.list(base, after, 1), deadline(), "listing " + display(store, base));
            if (page.objects().isEmpty()) {
                return names;
            }
            String rest = page.objects().get(0).key().substring(base.length());
            int slash = rest.indexOf('/');
            if (slash < 0) {
                startAfter = base + rest; // an object, not a directory
                continue;
            }
            String child = rest.substring(0, slash);
            if (!child.startsWith("_") && find(store, base + child).isPresent()) {
                names.add(child);
            }
            // Every key of the child starts with "child/"; '0' is the character after '/'.
            startAfter = base + child + '0';
        }
    }

    /* ------------------------------- reading ------------------------------- */

    public int partitions() {
        return manifest.partitions();
    }

    /** The path of partition {@code p}'s table within the store. */
    public String partitionPath(int partition) {
        if (partition < 0 || partition >= partitions()) {
            throw TopicErrors.partitionOutOfRange(location(), partition, partitions());
        }
        return plainTable ? root : root + partitionDir(partition);
    }

    /** Partition {@code p}'s table. */
    public DeltaTable partitionTable(int partition) {
        return DeltaTable.at(store, partitionPath(partition));
    }

    /** The directory of partition {@code p} under a topic root, {@code partition-00003/}. */
    public static String partitionDir(int partition) {
        return PARTITION_PREFIX + String.format("%05d", partition) + "/";
    }

    /** Whether this is a plain table, a topic of one partition without a manifest. */
    public boolean plainTable() {
        return plainTable;
    }

    public TopicManifest manifest() {
        return manifest;
    }

    public Map<String, String> tableProperties() {
        return manifest.tableProperties();
    }

    /** The topic's key prefix in its store ({@code ""} for the store's root). */
    public String root() {
        return root;
    }

    public ObjectStore store() {
        return store;
    }

    /** The topic's location, for messages. */
    public String location() {
        return display(store, root);
    }

    @Override
    public String toString() {
        return "topic " + location() + " (" + partitions() + (partitions() == 1 ? " partition" : " partitions")
                + (plainTable ? ", a plain table" : "") + ")";
    }

    /* ------------------------------- keys ------------------------------- */

    static String manifestKey(String root, long version) {
        return root + MANIFEST_DIR + String.format("%0" + VERSION_DIGITS + "d", version) + ".json";
    }

    private static long versionOf(String root, String key) {
        String prefix = root + MANIFEST_DIR;
        if (!key.startsWith(prefix) || !key.endsWith(".json")
                || key.length() != prefix.length() + VERSION_DIGITS + ".json".length()) {
            return -1;
        }
        try {
            return Long.parseLong(key, prefix.length(), prefix.length() + VERSION_DIGITS, 10);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean hasAny(ObjectStore store, String prefix, long deadline) {
        return !read(() -> store.list(prefix, null, 1), deadline, "listing " + display(store, prefix)).objects().isEmpty();
    }

    static String display(ObjectStore store, String key) {
        String location = store.location();
        return location.endsWith("/") ? location + key : location + "/" + key;
    }

    private static long deadline() {
        return System.nanoTime() + IO_TIMEOUT.toNanos();
    }

    /**
     * A read that outlasts faults that pass (throttling, 5xx, 409, timeouts) until the deadline: a
     * consumer or producer opening its topic during a burst of SlowDown waits it out, as the
     * clients' own reads do, instead of failing on the first fault the store's retries gave up on.
     */
    private static <T> T read(Supplier<CompletableFuture<T>> request, long deadlineNs, String what) {
        return await(Retries.retry(request, Retries.until(deadlineNs, READ_BACKOFF, StoreErrors::isTransient)),
                deadlineNs, what);
    }

    private static <T> T await(CompletableFuture<T> future, long deadlineNs, String what) {
        return Futures.awaitUntil(future, deadlineNs, cause -> new TopicException(what + " failed: "
                + (cause instanceof java.util.concurrent.TimeoutException ? "no answer within " + IO_TIMEOUT.toSeconds()
                + " s" : cause.getMessage()), cause));
    }
}
