package io.deltaq.deltalog.actions;

/**
 * An action deltaq does not model ({@code cdc}, {@code domainMetadata}, {@code checkpointMetadata},
 * {@code sidecar}, or one from a future protocol). The protocol says readers must tolerate them;
 * its JSON is kept so that the action can be written back unchanged.
 *
 * @param name the action's key, e.g. {@code "domainMetadata"}
 * @param json the action's value as compact JSON text
 */
public record UnknownAction(String name, String json) implements Action {

    public UnknownAction {
        Actions.required(name, "unknown action", "name");
        Actions.required(json, name, "value");
    }

    @Override
    public String actionName() {
        return name;
    }
}
