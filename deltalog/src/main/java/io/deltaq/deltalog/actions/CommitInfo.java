package io.deltaq.deltalog.actions;

import java.util.Map;

/**
 * The {@code commitInfo} action: provenance of one commit. Any JSON is allowed here; the fields
 * below are the ones deltaq reads or writes, the rest is skipped.
 *
 * @param timestamp milliseconds since the epoch, or null
 * @param inCommitTimestamp null when absent
 * @param operation e.g. {@code WRITE}, or null
 * @param operationParameters parameter name to value (nested JSON values kept as JSON text), or null
 * @param isBlindAppend null when absent
 * @param engineInfo null when absent
 * @param txnId null when absent
 */
public record CommitInfo(
        Long timestamp, Long inCommitTimestamp, String operation, Map<String, String> operationParameters,
        Boolean isBlindAppend, String engineInfo, String txnId) implements Action {

    public static final String NAME = "commitInfo";

    public CommitInfo {
        operationParameters = Actions.copyMap(operationParameters);
    }

    @Override
    public String actionName() {
        return NAME;
    }
}
