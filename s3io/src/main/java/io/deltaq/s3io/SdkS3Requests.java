package io.deltaq.s3io;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongConsumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * S3 requests through the AWS SDK's {@code S3AsyncClient}: over the CRT HTTP client
 * ({@link S3ClientKind#CRT_HTTP}) or as the CRT S3 client ({@link S3ClientKind#CRT}). The SDK's own
 * retries are off. Checksums are computed and validated only where S3 requires them, which spares
 * the CRT client a HEAD before every GET.
 */
final class SdkS3Requests implements S3Requests {

    private static final long MULTIPART_THRESHOLD_BYTES = 64L * 1024 * 1024;

    private final S3AsyncClient client;
    private final String bucket;

    SdkS3Requests(S3StoreConfig config, String bucket, AwsCredentialsProvider credentials) {
        this.client = config.clientKind() == S3ClientKind.CRT ? crtClient(config, credentials) : crtHttpClient(config, credentials);
        this.bucket = bucket;
    }

    private static S3AsyncClient crtClient(S3StoreConfig config, AwsCredentialsProvider credentials) {
        return S3AsyncClient.crtBuilder()
                .credentialsProvider(credentials)
                .region(Region.of(config.region()))
                .endpointOverride(config.endpoint())
                .forcePathStyle(config.pathStyle())
                .maxConcurrency(config.maxConcurrency())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .retryConfiguration(r -> r.numRetries(0))
                // Single PUTs up to 64 MiB: a queue's files are far smaller, and one request beats
                // a multipart upload's three round trips for latency.
                .thresholdInBytes(MULTIPART_THRESHOLD_BYTES)
                .httpConfiguration(h -> h.connectionTimeout(config.connectTimeout()))
                .build();
    }

    private static S3AsyncClient crtHttpClient(S3StoreConfig config, AwsCredentialsProvider credentials) {
        return S3AsyncClient.builder()
                .httpClientBuilder(AwsCrtAsyncHttpClient.builder()
                        .maxConcurrency(config.maxConcurrency())
                        .connectionTimeout(config.connectTimeout()))
                .credentialsProvider(credentials)
                .region(Region.of(config.region()))
                .endpointOverride(config.endpoint())
                .forcePathStyle(config.pathStyle())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(DefaultRetryStrategy.doNotRetry()))
                .build();
    }

    @Override
    public CompletableFuture<Void> put(String key, ByteBuffer body, boolean ifAbsent) {
        long length = body.remaining();
        return derived(client.putObject(r -> {
            r.bucket(bucket).key(key).contentLength(length);
            if (ifAbsent) {
                r.ifNoneMatch("*");
            }
        }, AsyncRequestBody.fromByteBufferUnsafe(body)), response -> null);
    }

    @Override
    public CompletableFuture<byte[]> get(String key, String range, int maxBytes, String request, LongConsumer onLength) {
        return client.getObject(r -> {
            r.bucket(bucket).key(key);
            if (range != null) {
                r.range(range);
            }
        }, new SizedBytesTransformer(maxBytes, request, onLength));
    }

    @Override
    public CompletableFuture<ListPage> list(String prefix, String startAfter, int maxKeys) {
        return derived(client.listObjectsV2(r -> {
            r.bucket(bucket).prefix(prefix).maxKeys(maxKeys);
            if (startAfter != null) {
                r.startAfter(startAfter);
            }
        }), response -> {
            List<ObjectInfo> objects = new ArrayList<>(response.contents().size());
            for (S3Object object : response.contents()) {
                objects.add(new ObjectInfo(object.key(), object.size()));
            }
            return new ListPage(objects, Boolean.TRUE.equals(response.isTruncated()));
        });
    }

    @Override
    public CompletableFuture<Void> delete(String key) {
        return derived(client.deleteObject(r -> r.bucket(bucket).key(key)), response -> null);
    }

    /**
     * {@code sent}'s response mapped, failing {@code sent} in turn when the result is failed first:
     * the store ends a late attempt by failing the future it holds, and the SDK aborts a request
     * whose own future fails.
     */
    private static <R, T> CompletableFuture<T> derived(CompletableFuture<R> sent, Function<R, T> map) {
        CompletableFuture<T> result = sent.thenApply(map);
        result.whenComplete((value, failure) -> {
            if (failure != null) {
                sent.completeExceptionally(failure);
            }
        });
        return result;
    }

    @Override
    public void close() {
        client.close();
    }
}
