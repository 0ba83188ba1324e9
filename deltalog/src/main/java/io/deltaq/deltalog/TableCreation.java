package io.deltaq.deltalog;

/**
 * The result of {@link DeltaTable#createMessageTable()}.
 *
 * @param created whether this call created version 0 (false: the table existed, possibly created by
 *     a concurrent creator, and has the message schema)
 * @param snapshot the table's snapshot after creation: version 0 when created, else the latest
 */
public record TableCreation(boolean created, Snapshot snapshot) {
}
