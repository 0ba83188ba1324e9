package io.deltaq.deltalog.actions;

/**
 * The {@code txn} action: an application's progress marker, committed atomically with its data.
 * deltaq producers write {@code appId} = writer id and {@code version} = batch sequence, which makes
 * a retried batch recognisable.
 *
 * @param lastUpdated milliseconds since the epoch, or null
 */
public record SetTransaction(String appId, long version, Long lastUpdated) implements Action {

    public static final String NAME = "txn";

    public SetTransaction {
        Actions.required(appId, NAME, "appId");
    }

    @Override
    public String actionName() {
        return NAME;
    }
}
