package io.deltaq.s3io;

import io.deltaq.s3io.StoreMetrics.Operation;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An {@link ObjectStore} over a local directory, for {@code file://} tables and tests.
 *
 * <p>Every write goes to a hidden temporary file in the target's directory first, so a reader never
 * sees a partial object: {@link #putIfAbsent} then hard-links it into place (the link fails if the
 * name exists, which makes exactly one racing creator win), {@link #put} renames it over the target.
 * With {@code fsync} on, file contents and the directory entry are forced to disk before the future
 * completes, so "created" means durable.
 */
public final class LocalObjectStore implements ObjectStore {

    /** Names of in-progress writes; never listed. */
    static final String TEMP_PREFIX = ".deltaq-tmp-";

    private static final AtomicInteger STORE_IDS = new AtomicInteger();

    private final Path root;
    private final boolean fsync;
    private final ExecutorService executor;
    private final StoreMetrics metrics = new StoreMetrics();

    /**
     * @param root the directory that holds the objects; created if missing
     * @param ioThreads threads that run blocking file I/O
     * @param fsync whether writes are forced to disk before they complete
     */
    public LocalObjectStore(Path root, int ioThreads, boolean fsync) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("ioThreads must be at least 1, was " + ioThreads);
        }
        this.root = root.toAbsolutePath().normalize();
        this.fsync = fsync;
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new ObjectStoreException("cannot create store directory " + this.root + ": " + e, e);
        }
        int storeId = STORE_IDS.incrementAndGet();
        AtomicInteger threadIds = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(ioThreads, runnable -> {
            Thread thread = new Thread(runnable, "deltaq-local-io-" + storeId + "-" + threadIds.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** A store over {@code root} with 4 I/O threads and fsync on. */
    public LocalObjectStore(Path root) {
        this(root, 4, true);
    }

    public Path root() {
        return root;
    }

    @Override
    public CompletableFuture<Boolean> putIfAbsent(String key, ByteBuffer data) {
        ByteBuffer view = data.duplicate();
        return run(Operation.PUT_IF_ABSENT, key, view.remaining(), () -> {
            Path target = resolve(key);
            Path temp = writeTemp(target, view);
            try {
                Files.createLink(target, temp);
                syncDirectory(target.getParent());
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(temp);
            }
        });
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer data) {
        ByteBuffer view = data.duplicate();
        return run(Operation.PUT, key, view.remaining(), () -> {
            Path target = resolve(key);
            Path temp = writeTemp(target, view);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                syncDirectory(target.getParent());
            } finally {
                Files.deleteIfExists(temp);
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key) {
        return run(Operation.GET, key, 0, () -> {
            try {
                byte[] bytes = Files.readAllBytes(resolve(key));
                return Optional.of(bytes);
            } catch (NoSuchFileException | NotDirectoryException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public CompletableFuture<Optional<byte[]>> get(String key, int maxBytes) {
        return run(Operation.GET, key, 0, () -> {
            try (FileChannel channel = FileChannel.open(resolve(key), StandardOpenOption.READ)) {
                long size = channel.size();
                if (size > maxBytes) {
                    throw StoreErrors.tooLarge(StoreErrors.request(Operation.GET, key, location()), "the file", size,
                            maxBytes);
                }
                ByteBuffer buffer = ByteBuffer.allocate((int) size);
                while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) >= 0) {
                    // A file that shrank while being read yields what was left.
                }
                return Optional.of(buffer.position() == buffer.capacity()
                        ? buffer.array()
                        : java.util.Arrays.copyOf(buffer.array(), buffer.position()));
            } catch (NoSuchFileException | NotDirectoryException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public CompletableFuture<Optional<byte[]>> getRange(String key, long offset, int length) {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must be non-negative: " + offset + ", " + length);
        }
        return run(Operation.GET_RANGE, key, 0, () -> {
            try (FileChannel channel = FileChannel.open(resolve(key), StandardOpenOption.READ)) {
                long available = Math.max(0, channel.size() - offset);
                ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(length, available));
                while (buffer.hasRemaining()) {
                    if (channel.read(buffer, offset + buffer.position()) < 0) {
                        break;
                    }
                }
                return Optional.of(buffer.position() == buffer.capacity()
                        ? buffer.array()
                        : java.util.Arrays.copyOf(buffer.array(), buffer.position()));
            } catch (NoSuchFileException | NotDirectoryException e) {
                return Optional.empty();
            }
        });
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be at least 1, was " + maxKeys);
        }
        return run(Operation.LIST, prefix, 0, () -> {
            // Walk only the deepest directory the prefix names, as S3 narrows by prefix.
            int slash = prefix.lastIndexOf('/');
            Path base = slash < 0 ? root : resolve(prefix.substring(0, slash));
            List<String> keys = new ArrayList<>();
            if (!Files.isDirectory(base)) {
                return new ListPage(List.of(), false);
            }
            // A file deleted while walking (a writer's temp file, a concurrent delete) is a benign
            // race: skip it and keep walking, as S3 would simply not list it.
            Files.walkFileTree(base, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !file.getFileName().toString().startsWith(TEMP_PREFIX)) {
                        String key = keyOf(file);
                        if (key.startsWith(prefix) && (startAfter == null || key.compareTo(startAfter) > 0)) {
                            keys.add(key);
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
            keys.sort(null);
            boolean truncated = keys.size() > maxKeys;
            List<ObjectInfo> page = new ArrayList<>(Math.min(keys.size(), maxKeys));
            for (String key : truncated ? keys.subList(0, maxKeys) : keys) {
                try {
                    page.add(new ObjectInfo(key, Files.size(resolve(key))));
                } catch (NoSuchFileException e) {
                    // Deleted since the walk: S3 would not list it either.
                }
            }
            return new ListPage(page, truncated);
        });
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return run(Operation.DELETE, key, 0, () -> {
            Files.deleteIfExists(resolve(key));
            return null;
        });
    }

    @Override
    public StoreMetrics metrics() {
        return metrics;
    }

    @Override
    public String location() {
        return root.toUri().toString();
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new ObjectStoreException("I/O threads of " + location() + " did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "LocalObjectStore[" + location() + "]";
    }

    private Path resolve(String key) {
        Path path = root.resolve(key).normalize();
        if (key.isEmpty() || key.startsWith("/") || !path.startsWith(root) || path.equals(root)) {
            throw new IllegalArgumentException("key '" + key + "' does not name an object under " + location());
        }
        return path;
    }

    private String keyOf(Path file) {
        String relative = root.relativize(file).toString();
        return file.getFileSystem().getSeparator().equals("/") ? relative : relative.replace(file.getFileSystem().getSeparator(), "/");
    }

    private Path writeTemp(Path target, ByteBuffer data) throws IOException {
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling(TEMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (data.hasRemaining()) {
                channel.write(data);
            }
            if (fsync) {
                channel.force(true);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
        return temp;
    }

    private void syncDirectory(Path dir) throws IOException {
        if (fsync) {
            // Makes the new directory entry durable; Linux allows fsync on a directory opened read-only.
            try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
                channel.force(true);
            } catch (IOException e) {
                // Some platforms refuse to open directories; the file contents are already forced.
            }
        }
    }

    @FunctionalInterface
    private interface IoCall<T> {
        T call() throws IOException;
    }

    private <T> CompletableFuture<T> run(Operation op, String key, long bytesOut, IoCall<T> call) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (executor.isShutdown()) {
            result.completeExceptionally(StoreErrors.closed(op, key, location(), null));
            return result;
        }
        executor.execute(() -> {
            long start = System.nanoTime();
            try {
                T value = call.call();
                metrics.record(op, System.nanoTime() - start, bytesOut + bytesRead(value), false, false);
                result.complete(value);
            } catch (java.nio.file.AccessDeniedException e) {
                metrics.record(op, System.nanoTime() - start, 0, true, false);
                result.completeExceptionally(StoreErrors.accessDenied(StoreErrors.request(op, key, location()),
                        "permission denied on " + e.getFile(), e));
            } catch (IOException | RuntimeException e) {
                metrics.record(op, System.nanoTime() - start, 0, true, false);
                result.completeExceptionally(e instanceof ObjectStoreException || e instanceof IllegalArgumentException
                        ? e
                        : StoreErrors.failed(StoreErrors.request(op, key, location()), "failed: " + e, e));
            }
        });
        return result;
    }

    private static long bytesRead(Object value) {
        return value instanceof Optional<?> optional && optional.orElse(null) instanceof byte[] bytes ? bytes.length : 0;
    }
}
