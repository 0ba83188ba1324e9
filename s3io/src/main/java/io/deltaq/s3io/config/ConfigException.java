package io.deltaq.s3io.config;

/** A configuration name or value that cannot be used; the message names which and why. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;
    private final String problem;

    public ConfigException(String message) {
        this(message, null, null, null);
    }

    public ConfigException(String message, Throwable cause) {
        this(message, null, null, cause);
    }

    /**
     * @param key the configuration name at fault, or null
     * @param problem what is wrong with its value, without the name (e.g. "must be at least 1"), or null
     */
    public ConfigException(String message, String key, String problem, Throwable cause) {
        super(message, cause);
        this.key = key;
        this.problem = problem;
    }

    /** The configuration name at fault, or null when the problem is not one name's. */
    public String key() {
        return key;
    }

    /** What is wrong with the value of {@link #key()}, in words that can follow any name for it; or null. */
    public String problem() {
        return problem;
    }
}
