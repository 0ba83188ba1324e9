package io.deltaq.s3io;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * How to reach an S3-compatible service. Unset values come from the standard AWS places:
 * {@link #fromEnvironment()} reads {@code AWS_ENDPOINT_URL_S3} / {@code AWS_ENDPOINT_URL} and
 * {@code AWS_REGION} / {@code AWS_DEFAULT_REGION}; credentials default to the SDK's provider chain
 * (environment {@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}, system properties,
 * profile files, container and instance roles).
 */
public final class S3StoreConfig {

    /** Region used when none is configured anywhere; MinIO-likes accept any. */
    public static final String FALLBACK_REGION = "us-east-1";

    /**
     * The store's own retries: 5 attempts, backoff capped at 25 ms and doubling up to 2 s, so at most
     * 25 + 50 + 100 + 200 = 375 ms of waiting ({@link RetryPolicy#worstCaseBackoff()}) on top of the
     * attempts themselves, each bounded by the request timeout.
     */
    public static final RetryPolicy DEFAULT_RETRY = RetryPolicy.of(5, 25, 2_000);

    private final URI endpoint;
    private final String region;
    private final boolean pathStyle;
    private final AwsCredentialsProvider credentials;
    private final S3ClientKind clientKind;
    private final Duration requestTimeout;
    private final Duration requestTimeoutPerMiB;
    private final Duration connectTimeout;
    private final RetryPolicy retryPolicy;
    private final int maxConcurrency;

    private S3StoreConfig(Builder b) {
        this.endpoint = b.endpoint;
        this.region = b.region != null ? b.region : FALLBACK_REGION;
        this.pathStyle = b.pathStyle != null ? b.pathStyle : b.endpoint != null;
        this.credentials = b.credentials;
        this.clientKind = b.clientKind;
        this.requestTimeout = b.requestTimeout;
        this.requestTimeoutPerMiB = b.requestTimeoutPerMiB;
        this.connectTimeout = b.connectTimeout;
        this.retryPolicy = b.retryPolicy;
        this.maxConcurrency = b.maxConcurrency;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder seeded from this process's environment variables. */
    public static Builder fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** A builder seeded from {@code env}, which uses the names of the AWS CLI and SDKs. */
    public static Builder fromEnvironment(Map<String, String> env) {
        Builder b = builder();
        String endpoint = firstSet(env, "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL");
        if (endpoint != null) {
            b.endpoint(URI.create(endpoint));
        }
        b.region(firstSet(env, "AWS_REGION", "AWS_DEFAULT_REGION"));
        return b;
    }

    private static String firstSet(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        return null;
    }

    /** The endpoint override, or null for AWS's own. */
    public URI endpoint() {
        return endpoint;
    }

    public String region() {
        return region;
    }

    public boolean pathStyle() {
        return pathStyle;
    }

    /** Explicit credentials, or null for the SDK's default provider chain. */
    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    public S3ClientKind clientKind() {
        return clientKind;
    }

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** The deadline of one attempt: {@link #requestTimeout()} plus time for its payload. */
    public AttemptDeadline attemptDeadline() {
        return new AttemptDeadline(requestTimeout, requestTimeoutPerMiB);
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    public RetryPolicy retryPolicy() {
        return retryPolicy;
    }

    public int maxConcurrency() {
        return maxConcurrency;
    }

    /** Settings for an {@link S3ObjectStore}; every one has a default. */
    public static final class Builder {
        private URI endpoint;
        private String region;
        private Boolean pathStyle;
        private AwsCredentialsProvider credentials;
        private S3ClientKind clientKind = S3ClientKind.CRT_LEAN;
        private Duration requestTimeout = Duration.ofSeconds(10);
        private Duration requestTimeoutPerMiB = AttemptDeadline.DEFAULT_PER_MIB;
        private Duration connectTimeout = Duration.ofSeconds(3);
        private RetryPolicy retryPolicy = DEFAULT_RETRY;
        private int maxConcurrency = 64;

        private Builder() {
        }

        /** A non-AWS service such as MinIO, or a local server. Default: AWS. */
        public Builder endpoint(URI endpoint) {
            this.endpoint = endpoint;
            return this;
        }

        /** Default: {@value #FALLBACK_REGION} unless the environment names one. */
        public Builder region(String region) {
            this.region = region;
            return this;
        }

        /** Path-style URLs ({@code endpoint/bucket/key}). Default: on when an endpoint is set. */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        public Builder credentials(AwsCredentialsProvider credentials) {
            this.credentials = credentials;
            return this;
        }

        public Builder credentials(String accessKeyId, String secretAccessKey) {
            return credentials(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey)));
        }

        /** Default: {@link S3ClientKind#CRT_HTTP}; see there for why. */
        public Builder clientKind(S3ClientKind clientKind) {
            this.clientKind = Objects.requireNonNull(clientKind, "clientKind");
            return this;
        }

        /**
         * How long one attempt with no payload may take before it is abandoned and retried (an
         * attempt that sends data gets {@link #requestTimeoutPerMiB} more per MiB). Default 10 s:
         * far above a healthy round trip, short enough that a lost response does not stall a commit
         * for long.
         */
        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = positive(requestTimeout, "requestTimeout");
            return this;
        }

        /**
         * Time added to an attempt's deadline per MiB it sends. Default 1 s (an upload is given up
         * on only below 1 MiB/s).
         */
        public Builder requestTimeoutPerMiB(Duration perMiB) {
            if (perMiB.isNegative()) {
                throw new IllegalArgumentException("requestTimeoutPerMiB must not be negative, was " + perMiB);
            }
            this.requestTimeoutPerMiB = perMiB;
            return this;
        }

        /** How long opening a connection may take. Default 3 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** Default: {@link #DEFAULT_RETRY}. */
        public Builder retryPolicy(RetryPolicy retryPolicy) {
            this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
            return this;
        }

        /** Requests in flight at once. Default 64. */
        public Builder maxConcurrency(int maxConcurrency) {
            if (maxConcurrency < 1) {
                throw new IllegalArgumentException("maxConcurrency must be at least 1, was " + maxConcurrency);
            }
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        public S3StoreConfig build() {
            return new S3StoreConfig(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
