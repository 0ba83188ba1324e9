package io.deltaq.jmh.queue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import io.deltaq.s3io.LocalObjectStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.S3Location;
import io.deltaq.s3io.S3ObjectStore;
import io.deltaq.s3io.S3StoreConfig;
import io.deltaq.s3server.EmbeddedS3Server;

/**
 * The storage a queue benchmark runs against: {@code local}, a {@link LocalObjectStore} in a fresh
 * temporary directory (fsync on, the default), or {@code s3}, an {@link S3ObjectStore} on an
 * {@link EmbeddedS3Server} (in memory, loopback) started in this JVM. Closing removes everything.
 */
final class QueueStore implements AutoCloseable {

    static final String LOCAL = "local";
    static final String S3 = "s3";

    final ObjectStore store;
    private final EmbeddedS3Server server;
    private final Path directory;

    private QueueStore(ObjectStore store, EmbeddedS3Server server, Path directory) {
        this.store = store;
        this.server = server;
        this.directory = directory;
    }

    static QueueStore open(String kind) {
        switch (kind) {
            case LOCAL -> {
                try {
                    Path dir = Files.createTempDirectory("deltaq-jmh-");
                    return new QueueStore(new LocalObjectStore(dir), null, dir);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            case S3 -> {
                EmbeddedS3Server server = EmbeddedS3Server.start();
                S3StoreConfig config = S3StoreConfig.builder()
                        .endpoint(server.endpoint())
                        .region(server.region())
                        .credentials(server.accessKey(), server.secretKey())
                        .build();
                return new QueueStore(new S3ObjectStore(new S3Location(server.bucket(), "jmh/" + UUID.randomUUID()),
                        config), server, null);
            }
            default -> throw new IllegalArgumentException("store must be " + LOCAL + " or " + S3 + ", was " + kind);
        }
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
