package io.deltaq.topic;

/** The topic module's exceptions, worded in one place. */
final class TopicErrors {

    private TopicErrors() {
    }

    static TopicException corruptManifest(String file, String problem) {
        return new TopicException("topic manifest " + file + " is not readable: " + problem);
    }

    static TopicException partitionOutOfRange(String topic, int partition, int partitions) {
        return new TopicException("topic " + topic + " has partitions 0 to " + (partitions - 1) + "; there is no partition "
                + partition);
    }
}
