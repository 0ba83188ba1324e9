package io.deltaq.topic;

/** A topic could not be created, opened, grown or used; the message names the topic and what went wrong. */
public class TopicException extends RuntimeException {

    public TopicException(String message) {
        super(message);
    }

    public TopicException(String message, Throwable cause) {
        super(message, cause);
    }
}
