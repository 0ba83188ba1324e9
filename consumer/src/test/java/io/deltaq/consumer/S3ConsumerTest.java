package io.deltaq.consumer;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.S3Location;
import io.deltaq.s3io.S3ObjectStore;
import io.deltaq.s3io.S3StoreConfig;
import io.deltaq.s3server.EmbeddedS3Server;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The consumer on S3: the in-process s3proxy on loopback, each test under its own prefix. */
class S3ConsumerTest extends ConsumerContractTest {

    private static EmbeddedS3Server server;

    @BeforeAll
    static void startServer() {
        server = EmbeddedS3Server.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Override
    protected ObjectStore openStore() {
        return new S3ObjectStore(new S3Location(server.bucket(), "consumer/" + UUID.randomUUID()),
                S3StoreConfig.builder()
                        .endpoint(server.endpoint())
                        .region(server.region())
                        .credentials(server.accessKey(), server.secretKey())
                        .build());
    }
}
