package io.deltaq.cli;

/** The command line is wrong; the message names the command and what is wrong. Exit status 2. */
public final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message);
    }
}
