package io.deltaq.deltalog.actions;

/**
 * One line of a Delta commit file or one row of a checkpoint: an immutable record of a change to
 * the table. Actions this library does not model are kept as {@link UnknownAction}.
 */
public sealed interface Action
        permits AddFile, RemoveFile, Metadata, Protocol, SetTransaction, CommitInfo, UnknownAction {

    /** The action's key in the log, e.g. {@code "add"} or {@code "metaData"}. */
    String actionName();
}
