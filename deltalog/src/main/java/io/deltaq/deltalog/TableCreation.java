package io.deltaq.deltalog;

import io.deltaq.deltalog.actions.Metadata;

/**
 * The result of {@link DeltaTable#createMessageTable()}.
 *
 * @param created whether this call created version 0 (false: the table existed, possibly created by
 *     a concurrent creator, with the message schema)
 * @param metadata the metadata of version 0 (when the log was cleaned up: of the latest version)
 */
public record TableCreation(boolean created, Metadata metadata) {
}
