package io.deltaq.s3io;

import io.deltaq.s3server.EmbeddedS3Server;
import java.util.Map;
import java.util.UUID;

class S3ConditionalWritesProbeTest extends ConditionalWritesProbeTest {

    @Override
    protected ObjectStore openStore() {
        EmbeddedS3Server server = SharedS3Server.get();
        return ObjectStores.open(server.address("probe/" + UUID.randomUUID()), server.environment(), Map.of());
    }
}
