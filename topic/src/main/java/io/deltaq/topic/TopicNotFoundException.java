package io.deltaq.topic;

/** There is neither a topic nor a plain table at the address. */
public final class TopicNotFoundException extends TopicException {

    public TopicNotFoundException(String message) {
        super(message);
    }
}
