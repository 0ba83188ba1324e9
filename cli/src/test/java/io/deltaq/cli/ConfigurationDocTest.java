package io.deltaq.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.deltaq.consumer.ConsumerConfig;
import io.deltaq.deltalog.TableLease;
import io.deltaq.deltalog.MessageLimits;
import io.deltaq.producer.ProducerConfig;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.S3StoreConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/configuration.md shows the configuration tables the code defines, word for word. */
class ConfigurationDocTest {

    @Test
    void theDocumentedTablesAreTheDefinedOnes() throws Exception {
        Path doc = Path.of("..", "docs", "configuration.md");
        String text = Files.readString(doc);
        assertTrue(text.contains(ProducerConfig.DEFINITION.toMarkdown().trim()),
                doc + " is out of date for the producer: paste ProducerConfig.DEFINITION.toMarkdown()");
        assertTrue(text.contains(ConsumerConfig.DEFINITION.toMarkdown().trim()),
                doc + " is out of date for the consumer: paste ConsumerConfig.DEFINITION.toMarkdown()");
        assertTrue(text.contains(MessageLimits.DEFINITION.toMarkdown().trim()),
                doc + " is out of date for the message size: paste MessageLimits.DEFINITION.toMarkdown()");
        assertTrue(text.contains(TableLease.DEFINITION.toMarkdown().trim()),
                doc + " is out of date for the maintenance lease: paste TableLease.DEFINITION.toMarkdown()");
        assertTrue(text.contains(io.deltaq.topic.TopicProducer.DEFINITION.toMarkdown().trim()),
                doc + " is out of date for the topic producer: paste TopicProducer.DEFINITION.toMarkdown()");
        assertTrue(text.contains(io.deltaq.topic.GroupConfig.DEFINITION.toMarkdown().trim()),
                doc + " is out of date for consumer groups: paste GroupConfig.DEFINITION.toMarkdown()");
        assertTrue(text.contains(ObjectStores.DEFINITION.toMarkdown().trim()),
                doc + " is out of date for the store: paste ObjectStores.DEFINITION.toMarkdown()");
        String storeRetry = S3StoreConfig.DEFAULT_RETRY.worstCaseBackoff().toMillis() + " ms of waiting in all";
        assertTrue(text.contains(storeRetry), doc + " misstates the store's worst-case retry wait: expected '" + storeRetry + "'");
    }
}
