package io.deltaq.s3server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.S3ProxyConstants;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.middleware.Middlewares;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * An S3 server in this process: s3proxy 4.1.0 on {@code 127.0.0.1}, for tests, benchmarks and
 * zero-setup runs.
 *
 * <p>It listens on a port the kernel picks (or the one asked for), accepts AWS signature V2 and V4
 * with one key pair (random unless given), keeps objects in memory or, with
 * {@link Builder#directory(Path)}, in files under a directory, and creates one bucket at start.
 * Both stores honour {@code If-None-Match: *} atomically: of several concurrent conditional PUTs
 * on one key exactly one succeeds, the others get HTTP 412.
 *
 * <p>Clients must use path-style addressing (the endpoint is an IP address) and the region
 * {@link #region()}. Optionally every storage operation is delayed to emulate S3 round trips.
 */
public final class EmbeddedS3Server implements AutoCloseable {

    public static final String DEFAULT_BUCKET = "deltaq";
    public static final String REGION = "us-east-1";

    private static final String LOOPBACK = "127.0.0.1";
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern CREDENTIAL = Pattern.compile("[\\x21-\\x7e]+");
    private static final String ACCESS_KEY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String SECRET_KEY_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private final BlobStore store;
    private final S3Proxy proxy;
    private final URI endpoint;
    private final String accessKey;
    private final String secretKey;
    private final String bucket;
    private final Path directory;
    private final Duration latency;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedS3Server(Builder builder) {
        SecureRandom random = new SecureRandom();
        this.accessKey = builder.accessKey != null ? builder.accessKey : randomString(random, ACCESS_KEY_ALPHABET, 20);
        this.secretKey = builder.secretKey != null ? builder.secretKey : randomString(random, SECRET_KEY_ALPHABET, 40);
        this.bucket = builder.bucket;
        this.directory = builder.directory;
        this.latency = builder.latency;
        this.store = openStore(builder.directory);
        try {
            S3Proxy server = S3Proxy.builder()
                    .blobStore(withLatency(store, builder.latency))
                    // Port 0 makes the kernel pick a free port when Jetty binds; getPort() reads it back.
                    .endpoint(URI.create("http://" + LOOPBACK + ":" + builder.port))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                    // close() means now: do not drain in-flight requests or wait for idle keep-alives.
                    .stopTimeout(0)
                    .build();
            try {
                server.start();
            } catch (Exception e) {
                stopQuietly(server, e);
                throw new IllegalStateException("could not start the S3 server on " + LOOPBACK + ":"
                        + (builder.port == 0 ? "<any free port>" : builder.port) + ": " + e, e);
            }
            this.proxy = server;
            this.endpoint = URI.create("http://" + LOOPBACK + ":" + server.getPort());
            try {
                createBucket(bucket);
            } catch (RuntimeException e) {
                stopQuietly(server, e);
                throw e;
            }
        } catch (RuntimeException e) {
            closeQuietly(store, e);
            throw e;
        }
    }

    /** A builder; without options, {@link Builder#start()} is the same as {@link #start()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts a server with an in-memory store, random credentials and the bucket {@value #DEFAULT_BUCKET}. */
    public static EmbeddedS3Server start() {
        return builder().start();
    }

    /** {@code http://127.0.0.1:<port>}, no trailing slash. */
    public URI endpoint() {
        return endpoint;
    }

    /** The region clients sign with: {@value #REGION}. */
    public String region() {
        return REGION;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** The bucket created at start. */
    public String bucket() {
        return bucket;
    }

    /**
     * How a client reaches this server, as the standard AWS variables ({@code AWS_ENDPOINT_URL},
     * {@code AWS_REGION}, {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}), in that order:
     * what {@code deltaq serve} prints and what a store is opened with.
     */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ENDPOINT_URL", endpoint.toString());
        env.put("AWS_REGION", REGION);
        env.put("AWS_ACCESS_KEY_ID", accessKey);
        env.put("AWS_SECRET_ACCESS_KEY", secretKey);
        return Collections.unmodifiableMap(env);
    }

    /** The address {@code s3://<bucket>/<prefix>} of a prefix in this server's bucket. */
    public String address(String prefix) {
        String p = prefix;
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        return p.isEmpty() ? "s3://" + bucket : "s3://" + bucket + "/" + p;
    }

    /** The local TCP port the server listens on. */
    public int port() {
        return endpoint.getPort();
    }

    /**
     * Creates bucket {@code name} unless it exists already (a filesystem store keeps its buckets
     * across restarts). Bypasses the emulated latency.
     *
     * @throws IllegalArgumentException if {@code name} is not a valid S3 bucket name
     */
    public synchronized void createBucket(String name) {
        validateBucketName(name);
        if (closed.get()) {
            throw new IllegalStateException("the S3 server at " + endpoint + " is closed");
        }
        if (!store.containerExists(name)) {
            store.createContainer(name);
        }
    }

    /** Stops Jetty at once (in-flight requests fail) and releases its threads. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Jetty's stop fails on a thread with its interrupt flag set, and closing after an
        // interrupt is the usual way out (deltaq serve, test teardown): clear it, restore it after.
        boolean interrupted = Thread.interrupted();
        try {
            proxy.stop();
        } catch (Exception e) {
            throw new IllegalStateException("could not stop the S3 server at " + endpoint + ": " + e, e);
        } finally {
            store.close();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        String where = directory == null ? "memory store" : "filesystem store under " + directory;
        String delay = latency.isZero() ? "" : ", " + latency.toMillis() + " ms latency per storage operation";
        return "EmbeddedS3Server[" + endpoint + ", bucket " + bucket + ", " + where + delay + "]";
    }

    private static BlobStore openStore(Path directory) {
        if (directory == null) {
            return new TransientNio2BlobStore();
        }
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + directory + " as the S3 server's store directory: " + e, e);
        }
        return new FilesystemNio2BlobStore(directory.toAbsolutePath().toString());
    }

    /**
     * Wraps {@code store} in s3proxy's latency middleware: it sleeps before each storage operation,
     * so an S3 request takes at least {@code latency} (longer when one request makes several
     * operations, e.g. a bucket check and a write).
     */
    private static BlobStore withLatency(BlobStore store, Duration latency) {
        if (latency.isZero()) {
            return store;
        }
        Properties properties = new Properties();
        // s3proxy.latency-blobstore.<operation>.latency in milliseconds; "*" is every operation.
        properties.setProperty(S3ProxyConstants.PROPERTY_LATENCY + ".*.latency", Long.toString(latency.toMillis()));
        try {
            return Middlewares.wrap(store, properties, unused -> {
                throw new IllegalStateException("no second backend is configured");
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void validateBucketName(String name) {
        Objects.requireNonNull(name, "bucket name");
        if (!BUCKET_NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("invalid bucket name '" + name + "': S3 bucket names are 3 to 63"
                    + " lowercase letters, digits, '.' and '-', starting and ending with a letter or digit");
        }
    }

    private static String randomString(SecureRandom random, String alphabet, int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        return new String(chars);
    }

    private static void stopQuietly(S3Proxy server, Exception cause) {
        try {
            server.stop();
        } catch (Exception e) {
            cause.addSuppressed(e);
        }
    }

    private static void closeQuietly(BlobStore store, Exception cause) {
        try {
            store.close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /** Options of an {@link EmbeddedS3Server}; every one has a default. */
    public static final class Builder {
        private Path directory;
        private Duration latency = Duration.ZERO;
        private String bucket = DEFAULT_BUCKET;
        private String accessKey;
        private String secretKey;
        private int port;

        private Builder() {
        }

        /** Keeps objects in files under {@code dir} (created if missing) instead of in memory. */
        public Builder directory(Path dir) {
            this.directory = Objects.requireNonNull(dir, "directory");
            return this;
        }

        /**
         * Delays every storage operation by {@code perRequest} (whole milliseconds) to emulate the
         * round trip of a real S3; zero, the default, means no delay.
         */
        public Builder latency(Duration perRequest) {
            Objects.requireNonNull(perRequest, "latency");
            if (perRequest.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative, was " + perRequest);
            }
            if (perRequest.toNanos() % 1_000_000 != 0) {
                throw new IllegalArgumentException("latency must be whole milliseconds (s3proxy's resolution), was "
                        + perRequest);
            }
            this.latency = perRequest;
            return this;
        }

        /** The bucket created at start; default {@value EmbeddedS3Server#DEFAULT_BUCKET}. */
        public Builder bucket(String name) {
            validateBucketName(name);
            this.bucket = name;
            return this;
        }

        /** The only key pair the server accepts; default a random one from {@link SecureRandom}. */
        public Builder credentials(String accessKey, String secretKey) {
            this.accessKey = validateCredential("access key", accessKey);
            this.secretKey = validateCredential("secret key", secretKey);
            return this;
        }

        /** The TCP port on 127.0.0.1; default 0, a free port the kernel picks. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (any free port) to 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Starts the server, creates the bucket and returns once both are ready. */
        public EmbeddedS3Server start() {
            return new EmbeddedS3Server(this);
        }

        private static String validateCredential(String what, String value) {
            Objects.requireNonNull(value, what);
            if (!CREDENTIAL.matcher(value).matches()) {
                throw new IllegalArgumentException(what + " must be non-empty printable ASCII without spaces");
            }
            return value;
        }
    }
}
