package io.deltaq.jmh.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3server.EmbeddedS3Server;

/**
 * The storage a queue benchmark runs against: {@code local}, a {@link LocalObjectStore} in a fresh
 * temporary directory (fsync on, the default), or {@code s3}, an {@link S3ObjectStore} on an
 * {@link EmbeddedS3Server} (in memory, loopback) started in this JVM. Closing removes everything.
 *
 * <p>{@link #rootUri()} names the store's root as a URI ({@code file:/tmp/...} or
 * {@code s3://bucket/prefix}), for engines that address files by URI, such as Delta Kernel.
 */
public final class QueueStore implements AutoCloseable {

    public static final String LOCAL = "local";
    public static final String S3 = "s3";

    final ObjectStore store;
    private final String rootUri;
    private final EmbeddedS3Server server;
    private final Path directory;

    private QueueStore(ObjectStore store, String rootUri, EmbeddedS3Server server, Path directory) {
        this.store = store;
        this.rootUri = rootUri;
        this.server = server;
        this.directory = directory;
    }

    /** {@value #LOCAL} or {@value #S3}. */
    public static QueueStore open(String kind) {
        switch (kind) {
            case LOCAL -> {
                try {
                    Path dir = Files.createTempDirectory("deltaq-jmh-").toAbsolutePath().normalize();
                    return new QueueStore(ObjectStores.open(dir.toString(), Map.of(), Map.of()), "file:" + dir, null, dir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case S3 -> {
                EmbeddedS3Server server = EmbeddedS3Server.start();
                String address = server.address("jmh/" + UUID.randomUUID());
                return new QueueStore(ObjectStores.open(address, server.environment(), Map.of()), address, server, null);
            }
            default -> throw new IllegalArgumentException("store must be " + LOCAL + " or " + S3 + ", was " + kind);
        }
    }

    public ObjectStore store() {
        return store;
    }

    /** The URI of the store's root (the key {@code ""}), without a trailing slash. */
    public String rootUri() {
        return rootUri;
    }

    @Override
    public void close() {
        store.close();
        if (server != null) {
            server.close();
        }
        if (directory != null) {
            try (Stream<Path> walk = Files.walk(directory)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
