/**
 * Delta log actions as immutable records: {@code commitInfo}, {@code protocol}, {@code metaData},
 * {@code add}, {@code remove}, {@code txn}, and {@link io.deltaq.deltalog.actions.UnknownAction} for
 * everything else. Reading and writing them is {@link io.deltaq.deltalog.ActionJson} (commit files)
 * and the checkpoint format.
 */
package io.deltaq.deltalog.actions;
