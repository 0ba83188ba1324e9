package io.deltaq.s3server;

import java.nio.charset.StandardCharsets;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Synchronous AWS SDK clients for an {@link EmbeddedS3Server}, without retries so every status is the first one. */
final class S3TestClients {

    static final int CREATED = 200;
    static final int PRECONDITION_FAILED = 412;

    private S3TestClients() {
    }

    static S3Client client(EmbeddedS3Server server) {
        return client(server, server.accessKey(), server.secretKey());
    }

    static S3Client client(EmbeddedS3Server server, String accessKey, String secretKey) {
        return S3Client.builder()
                .endpointOverride(server.endpoint())
                .region(Region.of(server.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** A PUT with {@code If-None-Match: *}; returns the HTTP status (200 created, 412 key taken). */
    static int putIfAbsent(S3Client client, String bucket, String key, String body) {
        try {
            return client.putObject(
                    PutObjectRequest.builder().bucket(bucket).key(key).ifNoneMatch("*").build(),
                    RequestBody.fromString(body, StandardCharsets.UTF_8)).sdkHttpResponse().statusCode();
        } catch (S3Exception e) {
            return e.statusCode();
        }
    }

    static void put(S3Client client, String bucket, String key, String body) {
        client.putObject(PutObjectRequest.builder().bucket(bucket).key(key).build(),
                RequestBody.fromString(body, StandardCharsets.UTF_8));
    }

    static String get(S3Client client, String bucket, String key) {
        return client.getObjectAsBytes(GetObjectRequest.builder().bucket(bucket).key(key).build())
                .asString(StandardCharsets.UTF_8);
    }
}
