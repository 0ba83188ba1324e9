package io.deltaq.jmh;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3server.EmbeddedS3Server;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3AsyncClientBuilder;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One client configuration under measurement, reduced to the three blocking round trips the floor
 * benchmark times. Every configuration sends the same requests (path-style, checksums only where S3
 * requires them, {@code If-None-Match: *} with a content length on the create) to the same server,
 * so what differs between them is the client stack alone.
 */
abstract class FloorClient implements AutoCloseable {

    /** The {@code client} parameter values of {@link S3FloorBenchmark}, in the order they are documented. */
    static final String[] NAMES = {"store-crt-lean", "store-crt-http", "store-crt", "sdk-crt-s3", "sdk-crt-http",
        "sdk-apache5"};

    /** Key prefix of every object the benchmark writes; the store is rooted here too. */
    static final String PREFIX = "floor";

    /** Creates {@code key}; true if this call created it, false if it existed. */
    abstract boolean putIfAbsent(String key, ByteBuffer data);

    /** The object's bytes, or null when the key does not exist. */
    abstract byte[] get(String key);

    @Override
    public abstract void close();

    static FloorClient open(String name, EmbeddedS3Server server) {
        return switch (name) {
            case "store-crt-lean", "store-crt-http", "store-crt" -> new Store(server, name.substring("store-".length()));
            case "sdk-crt-s3" -> new SdkAsync(server, crtS3Client(server));
            case "sdk-crt-http" -> new SdkAsync(server, crtHttpClient(server, false));
            case "sdk-apache5" -> new SdkApache5(server);
            // Not in the default set: sdk-crt-http completing its futures on the CRT event loop
            // instead of the SDK's executor, to price that thread hop.
            case "sdk-crt-http-direct" -> new SdkAsync(server, crtHttpClient(server, true));
            default -> throw new IllegalArgumentException(
                    "unknown client configuration '" + name + "'; expected one of " + String.join(", ", NAMES));
        };
    }

    private static AwsCredentialsProvider credentials(EmbeddedS3Server server) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(server.accessKey(), server.secretKey()));
    }

    private static String fullKey(String key) {
        return PREFIX + "/" + key;
    }

    /** The raw CRT S3 client as a caller would build it for an S3-compatible endpoint; retries at its default. */
    private static S3AsyncClient crtS3Client(EmbeddedS3Server server) {
        return S3AsyncClient.crtBuilder()
                .credentialsProvider(credentials(server))
                .region(Region.of(server.region()))
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** The SDK's standard async client over the CRT HTTP client, SDK retries at their default. */
    private static S3AsyncClient crtHttpClient(EmbeddedS3Server server, boolean completeOnEventLoop) {
        S3AsyncClientBuilder builder = S3AsyncClient.builder();
        if (completeOnEventLoop) {
            builder.asyncConfiguration(c -> c.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run));
        }
        return builder
                .httpClientBuilder(AwsCrtAsyncHttpClient.builder())
                .credentialsProvider(credentials(server))
                .region(Region.of(server.region()))
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** deltaq's S3 store rooted at {@code s3://bucket/floor}, otherwise at its defaults. */
    private static final class Store extends FloorClient {
        private final ObjectStore store;

        /** @param client a value of {@code store.client} */
        Store(EmbeddedS3Server server, String client) {
            this.store = ObjectStores.open(server.address(PREFIX), server.environment(), Map.of(ObjectStores.CLIENT, client));
        }

        @Override
        boolean putIfAbsent(String key, ByteBuffer data) {
            return store.putIfAbsent(key, data).join();
        }

        @Override
        byte[] get(String key) {
            Optional<byte[]> bytes = store.get(key).join();
            return bytes.orElse(null);
        }

        @Override
        public void close() {
            store.close();
        }
    }

    /**
     * A raw {@link S3AsyncClient}. Outcomes are folded into a value on the completing thread, as the
     * store does, so neither side pays for a {@code CompletionException} thrown out of {@code join}.
     */
    private static final class SdkAsync extends FloorClient {
        private final S3AsyncClient client;
        private final String bucket;

        SdkAsync(EmbeddedS3Server server, S3AsyncClient client) {
            this.client = client;
            this.bucket = server.bucket();
        }

        @Override
        boolean putIfAbsent(String key, ByteBuffer data) {
            long length = data.remaining();
            CompletableFuture<Boolean> created = client.putObject(
                            r -> r.bucket(bucket).key(fullKey(key)).ifNoneMatch("*").contentLength(length),
                            AsyncRequestBody.fromByteBufferUnsafe(data.duplicate()))
                    .handle((response, failure) -> {
                        if (failure == null) {
                            return true;
                        }
                        if (status(failure) == 412) {
                            return false;
                        }
                        throw new IllegalStateException("PUT " + key + " failed: " + failure, failure);
                    });
            return created.join();
        }

        @Override
        byte[] get(String key) {
            CompletableFuture<byte[]> bytes = client.getObject(r -> r.bucket(bucket).key(fullKey(key)),
                            AsyncResponseTransformer.<GetObjectResponse>toBytes())
                    .handle((response, failure) -> {
                        if (failure == null) {
                            return response.asByteArrayUnsafe();
                        }
                        if (status(failure) == 404) {
                            return null;
                        }
                        throw new IllegalStateException("GET " + key + " failed: " + failure, failure);
                    });
            return bytes.join();
        }

        @Override
        public void close() {
            client.close();
        }
    }

    /** A raw synchronous {@link S3Client} over Apache HttpClient 5, called on the benchmark thread. */
    private static final class SdkApache5 extends FloorClient {
        private final S3Client client;
        private final String bucket;

        SdkApache5(EmbeddedS3Server server) {
            this.client = S3Client.builder()
                    .httpClientBuilder(Apache5HttpClient.builder())
                    .credentialsProvider(credentials(server))
                    .region(Region.of(server.region()))
                    .endpointOverride(server.endpoint())
                    .forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                    .build();
            this.bucket = server.bucket();
        }

        @Override
        boolean putIfAbsent(String key, ByteBuffer data) {
            // A view of the bytes, not a copy: the async clients are given the buffer unsafely too.
            byte[] array = data.array();
            RequestBody body = RequestBody.fromContentProvider(
                    ContentStreamProvider.fromByteArrayUnsafe(array), array.length, "binary/octet-stream");
            try {
                client.putObject(r -> r.bucket(bucket).key(fullKey(key)).ifNoneMatch("*").contentLength((long) array.length), body);
                return true;
            } catch (S3Exception e) {
                if (e.statusCode() == 412) {
                    return false;
                }
                throw e;
            }
        }

        @Override
        byte[] get(String key) {
            try {
                return client.getObjectAsBytes(r -> r.bucket(bucket).key(fullKey(key))).asByteArrayUnsafe();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return null;
                }
                throw e;
            }
        }

        @Override
        public void close() {
            client.close();
        }
    }

    private static int status(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && !(t instanceof S3Exception)) {
            t = t.getCause();
        }
        return t instanceof S3Exception e ? e.statusCode() : 0;
    }
}
