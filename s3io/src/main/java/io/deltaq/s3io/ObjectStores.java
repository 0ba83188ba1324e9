package io.deltaq.s3io;

import io.deltaq.s3io.config.ConfigDef;
import io.deltaq.s3io.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The one way to open a store: {@link #open(String, Map, Map)} takes an address
 * ({@code s3://bucket/prefix}, {@code file:///dir} or a plain path), the environment the S3 settings
 * come from (the standard AWS variables), and overrides by the documented names of
 * {@link #DEFINITION}. Decorators are composed here, from configuration: a {@code fault.spec} wraps
 * the store in a {@link FaultInjectingStore}.
 *
 * <p>Request metrics are not a decorator: they count every attempt, retries included, which only the
 * store that makes the attempts can see ({@link ObjectStore#metrics()}).
 */
public final class ObjectStores {

    public static final String ENDPOINT = "store.endpoint";
    public static final String REGION = "store.region";
    public static final String CLIENT = "store.client";
    public static final String REQUEST_TIMEOUT_MS = "store.request.timeout.ms";
    public static final String REQUEST_TIMEOUT_PER_MIB_MS = "store.request.timeout.per.mib.ms";
    public static final String CONNECT_TIMEOUT_MS = "store.connect.timeout.ms";
    public static final String MAX_CONCURRENCY = "store.max.concurrency";
    /** The store's retry policy: {@code store.retry.max.attempts}, {@code store.retry.backoff.ms}, {@code store.retry.backoff.max.ms}. */
    public static final String RETRY = "store.retry";
    public static final String LOCAL_FSYNC = "store.local.fsync";
    public static final String LOCAL_IO_THREADS = "store.local.io.threads";
    public static final String FAULT_SPEC = "fault.spec";
    public static final String FAULT_SEED = "fault.seed";

    /** Every store setting by name, with its default, validation and meaning. */
    public static final ConfigDef DEFINITION = RetryPolicy.define(new ConfigDef()
            .define(ENDPOINT, ConfigDef.Type.STRING, null, ConfigDef.validator("http://host[:port] or https://host[:port]",
                            value -> endpointProblem(value.toString())),
                    "S3 endpoint of a non-AWS service (MinIO, R2, s3proxy); turns on path-style addressing. Default:"
                            + " $AWS_ENDPOINT_URL_S3 or $AWS_ENDPOINT_URL, else AWS. s3:// addresses only.")
            .define(REGION, ConfigDef.Type.STRING, null, ConfigDef.nonEmpty(),
                    "S3 region. Default: $AWS_REGION or $AWS_DEFAULT_REGION, else " + S3StoreConfig.FALLBACK_REGION
                            + ". s3:// addresses only.")
            .define(CLIENT, ConfigDef.Type.STRING, "crt-lean", ConfigDef.oneOf("crt-http", "crt", "crt-lean"),
                    "The S3 client: the SDK's async client over the CRT HTTP client (crt-http); the CRT S3 client"
                            + " (crt), whose hidden native retries make unknown outcomes more frequent; or requests on"
                            + " the CRT's HTTP connections signed by its native signer, without the SDK's request"
                            + " pipeline (crt-lean, docs/rfcs/0007-lean-s3-requests.md).")
            .define(REQUEST_TIMEOUT_MS, ConfigDef.Type.LONG, 10_000L, ConfigDef.between(1, 3_600_000),
                    "How long one S3 attempt without payload may take before it is abandoned and retried.")
            .define(REQUEST_TIMEOUT_PER_MIB_MS, ConfigDef.Type.LONG, AttemptDeadline.DEFAULT_PER_MIB.toMillis(),
                    ConfigDef.between(0, 3_600_000),
                    "Time added to an S3 attempt's deadline per MiB it uploads, so that large batches and checkpoints"
                            + " are not abandoned while storage is slow (1000: given up on below 1 MiB/s).")
            .define(CONNECT_TIMEOUT_MS, ConfigDef.Type.LONG, 3_000L, ConfigDef.between(1, 600_000),
                    "How long opening a connection to S3 may take.")
            .define(MAX_CONCURRENCY, ConfigDef.Type.INT, 64, ConfigDef.between(1, 10_000),
                    "S3 requests in flight at once.")
            .define(LOCAL_FSYNC, ConfigDef.Type.BOOLEAN, true,
                    "Local directories: force each write to disk before it completes, so 'created' means durable.")
            .define(LOCAL_IO_THREADS, ConfigDef.Type.INT, 4, ConfigDef.between(1, 1024),
                    "Local directories: threads that run blocking file I/O.")
            .define(FAULT_SPEC, ConfigDef.Type.STRING, "", ConfigDef.validator(
                            "empty, or OPERATIONS:FAULT:PROBABILITY rules, comma-separated", ObjectStores::faultSpecProblem),
                    "Testing only: inject storage faults, e.g. put-if-absent:lost-response:0.01,get:error=503:0.02,"
                            + "*:delay=20:0.05 (operations: *, put-if-absent, put, get, get-range, list, delete joined by +;"
                            + " faults: error=STATUS, lost-response, lost-request, reset, delay=MILLIS). Empty: no faults.")
            .define(FAULT_SEED, ConfigDef.Type.LONG, 1L,
                    "Testing only: the seed of fault.spec's random choices; the same seed repeats a run's faults."),
            RETRY, S3StoreConfig.DEFAULT_RETRY, "an S3 request (throttling, 5xx, timeouts, broken connections)");

    private ObjectStores() {
    }

    /** Opens {@code address} with the S3 settings of this process's environment and every default. */
    public static ObjectStore open(String address) {
        return open(address, System.getenv(), Map.of());
    }

    /**
     * Opens the store an address names.
     *
     * @param address {@code s3://bucket/prefix} (or {@code s3a://}), {@code file:///dir}, or a path
     * @param environment where S3 settings come from: {@code AWS_ENDPOINT_URL_S3}/{@code AWS_ENDPOINT_URL},
     *     {@code AWS_REGION}/{@code AWS_DEFAULT_REGION}, {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}
     *     /{@code AWS_SESSION_TOKEN} (credentials otherwise from the SDK's default chain)
     * @param overrides settings by the names of {@link #DEFINITION}; other names are refused
     * @throws ConfigException for an unknown name, an invalid value, or a setting that does not apply
     * @throws IllegalArgumentException for an address that names no store
     */
    public static ObjectStore open(String address, Map<String, String> environment, Map<String, ?> overrides) {
        Map<String, Object> config = DEFINITION.parse(overrides, "store configuration");
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("the table address is empty");
        }
        ObjectStore store = isS3(address) ? openS3(address.trim(), environment, config) : openLocal(address, config);
        String spec = (String) config.get(FAULT_SPEC);
        if (!spec.isEmpty()) {
            store = new FaultInjectingStore(store, (Long) config.get(FAULT_SEED), FaultInjectingStore.parseSpec(spec));
        }
        return store;
    }

    private static ObjectStore openS3(String address, Map<String, String> env, Map<String, Object> config) {
        S3Location location = S3Location.parse(address);
        S3StoreConfig.Builder s3;
        try {
            s3 = S3StoreConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("AWS_ENDPOINT_URL is not a URL: " + e.getMessage(), e);
        }
        // The SDK's chain reads these too, but only from the process environment; reading them here
        // gives the same result and lets a caller (a test, a command) hand over another environment.
        String accessKey = env.get("AWS_ACCESS_KEY_ID");
        String secretKey = env.get("AWS_SECRET_ACCESS_KEY");
        if (accessKey != null && !accessKey.isBlank() && secretKey != null && !secretKey.isBlank()) {
            String token = env.get("AWS_SESSION_TOKEN");
            s3.credentials(StaticCredentialsProvider.create(token == null || token.isBlank()
                    ? AwsBasicCredentials.create(accessKey.trim(), secretKey.trim())
                    : AwsSessionCredentials.create(accessKey.trim(), secretKey.trim(), token.trim())));
        }
        if (config.get(ENDPOINT) != null) {
            s3.endpoint(URI.create((String) config.get(ENDPOINT)));
        }
        if (config.get(REGION) != null) {
            s3.region((String) config.get(REGION));
        }
        s3.clientKind(switch ((String) config.get(CLIENT)) {
                    case "crt" -> S3ClientKind.CRT;
                    case "crt-lean" -> S3ClientKind.CRT_LEAN;
                    default -> S3ClientKind.CRT_HTTP;
                })
                .requestTimeout(Duration.ofMillis((Long) config.get(REQUEST_TIMEOUT_MS)))
                .requestTimeoutPerMiB(Duration.ofMillis((Long) config.get(REQUEST_TIMEOUT_PER_MIB_MS)))
                .connectTimeout(Duration.ofMillis((Long) config.get(CONNECT_TIMEOUT_MS)))
                .maxConcurrency((Integer) config.get(MAX_CONCURRENCY))
                .retryPolicy(RetryPolicy.from(config, RETRY));
        return new S3ObjectStore(location, s3.build());
    }

    private static ObjectStore openLocal(String address, Map<String, Object> config) {
        for (String s3Only : List.of(ENDPOINT, REGION)) {
            if (config.get(s3Only) != null) {
                throw new ConfigException("'" + s3Only + "' applies to s3:// addresses only, and '" + address
                        + "' is a local directory");
            }
        }
        return new LocalObjectStore(localPath(address), (Integer) config.get(LOCAL_IO_THREADS),
                (Boolean) config.get(LOCAL_FSYNC));
    }

    public static boolean isS3(String address) {
        String lower = address.trim().toLowerCase(Locale.ROOT);
        return lower.startsWith("s3://") || lower.startsWith("s3a://");
    }

    /** The directory of a {@code file:} URI or a plain path. */
    public static Path localPath(String address) {
        if (address.startsWith("file:")) {
            try {
                return Path.of(URI.create(address));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a usable file URI (expected file:///absolute/path): '" + address + "'", e);
            }
        }
        if (address.contains("://")) {
            throw new IllegalArgumentException("unsupported table address '" + address + "': use s3://bucket/prefix, file:///path or a path");
        }
        return Path.of(address);
    }

    private static String endpointProblem(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            return "not a URL: " + e.getMessage();
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null
                ? null : "needs http://host[:port] or https://host[:port], got '" + text + "'";
    }

    private static String faultSpecProblem(Object value) {
        try {
            FaultInjectingStore.parseSpec(value.toString());
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}
