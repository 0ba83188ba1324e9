package io.deltaq.deltalog;

/**
 * One run of a table's maintenance steps, by the holder of its {@link TableLease}. A
 * {@link MaintenanceRunner} calls it while its lease is held, on its pass thread, one call at a time.
 */
@FunctionalInterface
public interface MaintenancePass {

    /** A pass that does nothing: for a maintainer that only holds the lease. */
    MaintenancePass NONE = (maintainerInstance, leaseEpoch) -> null;

    /**
     * Runs the steps once.
     *
     * @param maintainerInstance the lease holder's instance id, recorded in what the pass commits
     * @param leaseEpoch the lease epoch held when the pass started, recorded in what the pass commits
     * @return what the pass did, logged by its {@code toString()}; null when it had nothing to do
     * @throws Exception any failure: logged and counted, and the next pass runs at the next interval
     */
    Object run(String maintainerInstance, long leaseEpoch) throws Exception;
}
