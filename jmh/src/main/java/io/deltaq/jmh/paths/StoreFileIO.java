package io.deltaq.jmh.paths;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.delta.kernel.defaults.engine.DefaultEngine;
import io.delta.kernel.defaults.engine.fileio.FileIO;
import io.delta.kernel.defaults.engine.fileio.InputFile;
import io.delta.kernel.defaults.engine.fileio.OutputFile;
import io.delta.kernel.defaults.engine.fileio.PositionOutputStream;
import io.delta.kernel.defaults.engine.fileio.SeekableInputStream;
import io.delta.kernel.utils.CloseableIterator;
import io.delta.kernel.utils.FileStatus;
import io.deltaq.s3io.ListPage;
import io.deltaq.s3io.LocalObjectStore;
import io.deltaq.s3io.ObjectInfo;
import io.deltaq.s3io.ObjectStore;

/**
 * Delta Kernel's file I/O over a deltaq {@link ObjectStore}, so that Kernel's default engine
 * ({@link DefaultEngine#create(FileIO)}) and deltaq read and write the same table through the same
 * store and client: what differs between them is the Delta implementation, not the I/O stack.
 *
 * <p>Paths are URIs under one root ({@code s3://bucket/prefix} or {@code file:/dir}), mapped to the
 * store's keys by stripping the root; {@code file:///dir} is accepted for {@code file:/dir}. Each
 * Kernel call costs the fewest store requests that serve it:
 * <ul>
 *   <li>{@link #listFrom}: one {@code list} per 1,000 keys, from just before the given name, keeping
 *       the names in the same "directory" at or after it; when nothing follows, one more {@code list}
 *       tells an existing directory from a missing one ({@link FileNotFoundException}, which Kernel
 *       reads as "no table").
 *   <li>{@link #getFileStatus}: a {@code list} of at most one key with the file's key as prefix (a
 *       HEAD's cost); on a {@link LocalObjectStore}, a file-system stat, because that store's listing
 *       walks the whole directory.
 *   <li>Reading: a stream fetches nothing until read; a read in the last 64 KiB of a file of known
 *       size (a Parquet footer) fetches those 64 KiB with one range GET; any other read fetches from
 *       there to the end of the file (one GET; the whole object when reading from offset 0 or when
 *       the size is not known: Kernel gives 0 for "unknown").
 *   <li>Writing: data files are buffered and {@code put} on close; {@link OutputFile#writeAtomically}
 *       (commits) is {@code putIfAbsent}, throwing {@link FileAlreadyExistsException} when the file
 *       exists, which Kernel turns into a retryable conflict.
 * </ul>
 * Listings carry no modification times ({@link ObjectInfo} has none), so every {@link FileStatus}
 * has modification time 0. Store calls wait at most {@value #TIMEOUT_SECONDS} s.
 */
public final class StoreFileIO implements FileIO {

    static final int TAIL_BYTES = 64 * 1024;
    private static final int LIST_PAGE_KEYS = 1000;
    private static final long TIMEOUT_SECONDS = 60;

    private final ObjectStore store;
    private final String root;
    private final List<String> rootPrefixes;
    private final Map<String, String> conf;

    /**
     * @param rootUri the URI of the store's root (the key {@code ""})
     * @param conf what {@link #getConf} answers, such as {@code parquet.compression}
     */
    public StoreFileIO(ObjectStore store, String rootUri, Map<String, String> conf) {
        this.store = store;
        this.root = rootUri.endsWith("/") ? rootUri.substring(0, rootUri.length() - 1) : rootUri;
        List<String> prefixes = new ArrayList<>(List.of(root + "/"));
        if (root.startsWith("file:/") && !root.startsWith("file://")) {
            prefixes.add("file://" + root.substring("file:".length()) + "/");
        }
        this.rootPrefixes = List.copyOf(prefixes);
        this.conf = Map.copyOf(conf);
    }

    public ObjectStore store() {
        return store;
    }

    /** The store key of {@code path}. */
    String key(String path) {
        if (path.equals(root)) {
            return "";
        }
        for (String prefix : rootPrefixes) {
            if (path.startsWith(prefix)) {
                String key = path.substring(prefix.length());
                return key.endsWith("/") ? key.substring(0, key.length() - 1) : key;
            }
        }
        throw new IllegalArgumentException("path '" + path + "' is not under the store root " + root);
    }

    /** The canonical path of {@code key}. */
    String path(String key) {
        return key.isEmpty() ? root : root + "/" + key;
    }

    @Override
    public CloseableIterator<FileStatus> listFrom(String filePath) throws IOException {
        String from = key(filePath);
        String dir = from.substring(0, from.lastIndexOf('/') + 1);
        Listing listing = new Listing(dir, from);
        if (!listing.hasNext() && dir.length() > 0 && await(store.list(dir, null, 1), "listing " + dir).objects().isEmpty()) {
            throw new FileNotFoundException("no such directory: " + path(dir));
        }
        return listing;
    }

    @Override
    public FileStatus getFileStatus(String path) throws IOException {
        String key = key(path);
        if (store instanceof LocalObjectStore local) {
            try {
                return FileStatus.of(path(key), Files.size(local.root().resolve(key)), 0);
            } catch (NoSuchFileException e) {
                throw new FileNotFoundException(path);
            }
        }
        List<ObjectInfo> objects = await(store.list(key, null, 1), "looking up " + path).objects();
        if (objects.isEmpty() || !objects.get(0).key().equals(key)) {
            throw new FileNotFoundException(path);
        }
        return FileStatus.of(path(key), objects.get(0).size(), 0);
    }

    @Override
    public String resolvePath(String path) {
        return path(key(path));
    }

    @Override
    public boolean mkdirs(String path) {
        key(path);
        return true; // an object store has no directories
    }

    @Override
    public InputFile newInputFile(String path, long fileSize) {
        String key = key(path);
        return new InputFile() {
            @Override
            public long length() throws IOException {
                return fileSize >= 0 ? fileSize : getFileStatus(path).getSize();
            }

            @Override
            public String path() {
                return path;
            }

            @Override
            public SeekableInputStream newStream() {
                return new StoreInputStream(key, path, fileSize);
            }
        };
    }

    @Override
    public OutputFile newOutputFile(String path) {
        String key = key(path);
        return new OutputFile() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public PositionOutputStream create(boolean atomicWrite) {
                // put replaces atomically, so every write is atomic.
                return new StoreOutputStream(key, path);
            }

            @Override
            public void writeAtomically(CloseableIterator<String> data, boolean overwrite) throws IOException {
                StringBuilder text = new StringBuilder();
                try (data) {
                    while (data.hasNext()) {
                        text.append(data.next()).append('\n');
                    }
                }
                write(key, path, text.toString().getBytes(StandardCharsets.UTF_8), overwrite);
            }
        };
    }

    @Override
    public boolean delete(String path) throws IOException {
        await(store.delete(key(path)), "deleting " + path);
        return true;
    }

    @Override
    public Optional<String> getConf(String confKey) {
        return Optional.ofNullable(conf.get(confKey));
    }

    @Override
    public void copyFileAtomically(String srcPath, String destPath, boolean overwrite) throws IOException {
        byte[] bytes = await(store.get(key(srcPath)), "reading " + srcPath)
                .orElseThrow(() -> new FileNotFoundException(srcPath));
        write(key(destPath), destPath, bytes, overwrite);
    }

    private void write(String key, String path, byte[] bytes, boolean overwrite) throws IOException {
        if (overwrite) {
            await(store.put(key, bytes), "writing " + path);
        } else if (!await(store.putIfAbsent(key, bytes), "creating " + path)) {
            throw new FileAlreadyExistsException(path);
        }
    }

    static <T> T await(CompletableFuture<T> future, String what) throws IOException {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new InterruptedIOException("interrupted " + what);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new IOException(what + ": no answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (ExecutionException e) {
            throw new IOException(what + ": " + e.getCause(), e.getCause());
        }
    }

    /** Keys in {@code dir} (not below it) at or after {@code from}, a page fetched when needed. */
    private final class Listing implements CloseableIterator<FileStatus> {
        private final String dir;
        private final String from;
        private Iterator<ObjectInfo> page = java.util.Collections.emptyIterator();
        private String startAfter;
        private boolean more = true;
        private FileStatus next;

        Listing(String dir, String from) {
            this.dir = dir;
            this.from = from;
            // `from` with its last character decremented sorts before `from` and before nothing that
            // does not also sort before `from`; what it lets through below `from` is filtered out.
            this.startAfter = from.isEmpty()
                    ? null
                    : from.substring(0, from.length() - 1) + (char) (from.charAt(from.length() - 1) - 1);
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                if (!page.hasNext()) {
                    if (!more) {
                        return false;
                    }
                    ListPage listed;
                    try {
                        listed = await(store.list(dir, startAfter, LIST_PAGE_KEYS), "listing " + path(dir));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    page = listed.objects().iterator();
                    more = listed.truncated();
                    if (more) {
                        startAfter = listed.nextStartAfter();
                    }
                    continue;
                }
                ObjectInfo info = page.next();
                String key = info.key();
                if (key.compareTo(from) >= 0 && key.indexOf('/', dir.length()) < 0) {
                    next = FileStatus.of(path(key), info.size(), 0);
                }
            }
            return true;
        }

        @Override
        public FileStatus next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            FileStatus result = next;
            next = null;
            return result;
        }

        @Override
        public void close() {
            more = false;
            page = java.util.Collections.emptyIterator();
        }
    }

    /** Reads an object through one fetched window: its footer tail, or from the read position to its end. */
    private final class StoreInputStream extends SeekableInputStream {
        private final String key;
        private final String path;
        private long length;
        private long pos;
        private byte[] window = new byte[0];
        private long windowStart;

        StoreInputStream(String key, String path, long length) {
            this.key = key;
            this.path = path;
            // Kernel passes 0 when it does not know the size (_last_checkpoint): only trust a positive one.
            this.length = length > 0 ? length : -1;
        }

        @Override
        public int read() throws IOException {
            if (!available(pos)) {
                return -1;
            }
            return window[(int) (pos++ - windowStart)] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!available(pos)) {
                return -1;
            }
            int n = (int) Math.min(len, windowStart + window.length - pos);
            System.arraycopy(window, (int) (pos - windowStart), b, off, n);
            pos += n;
            return n;
        }

        @Override
        public void readFully(byte[] b, int off, int len) throws IOException {
            int done = 0;
            while (done < len) {
                int n = read(b, off + done, len - done);
                if (n < 0) {
                    throw new EOFException(path + ": end of file after " + pos + " bytes, " + (len - done) + " more wanted");
                }
                done += n;
            }
        }

        @Override
        public long getPos() {
            return pos;
        }

        @Override
        public void seek(long newPos) throws IOException {
            if (newPos < 0) {
                throw new EOFException(path + ": cannot seek to " + newPos);
            }
            pos = newPos;
        }

        /** Whether the byte at {@code at} exists, fetching a window holding it when it is not held yet. */
        private boolean available(long at) throws IOException {
            if (at >= windowStart && at < windowStart + window.length) {
                return true;
            }
            if (length >= 0 && at >= length) {
                return false;
            }
            if (length < 0 || at == 0 || length <= TAIL_BYTES) {
                window = await(store.get(key), "reading " + path).orElseThrow(() -> new FileNotFoundException(path));
                windowStart = 0;
                length = window.length;
            } else {
                long start = at >= length - TAIL_BYTES ? length - TAIL_BYTES : at;
                int size = (int) Math.min(length - start, Integer.MAX_VALUE);
                window = await(store.getRange(key, start, size), "reading " + path + " from " + start)
                        .orElseThrow(() -> new FileNotFoundException(path));
                windowStart = start;
            }
            return at >= windowStart && at < windowStart + window.length;
        }
    }

    /** Buffers a file and puts it on close. */
    private final class StoreOutputStream extends PositionOutputStream {
        private final String key;
        private final String path;
        private final Buffer buffer = new Buffer();
        private boolean closed;

        StoreOutputStream(String key, String path) {
            this.key = key;
            this.path = path;
        }

        @Override
        public long getPos() {
            return buffer.size();
        }

        @Override
        public void write(int b) {
            buffer.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            buffer.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            if (!closed) {
                closed = true;
                await(store.put(key, buffer.view()), "writing " + path);
            }
        }
    }

    /** A byte buffer whose content can be handed to the store without a copy. */
    private static final class Buffer extends ByteArrayOutputStream {
        Buffer() {
            super(64 * 1024);
        }

        ByteBuffer view() {
            return ByteBuffer.wrap(buf, 0, count);
        }
    }
}
