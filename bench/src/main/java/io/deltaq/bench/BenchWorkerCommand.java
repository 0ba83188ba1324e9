package io.deltaq.bench;

import io.deltaq.bench.run.RemoteWorkers;
import io.deltaq.cli.Command;
import io.deltaq.cli.CommandIo;
import io.deltaq.cli.OptionParser;
import io.deltaq.cli.ParsedOptions;
import io.deltaq.cli.UsageException;

/**
 * {@code deltaq bench-worker --coordinator HOST:PORT}: a worker of a bench that runs on another
 * machine. Public with the implicit public constructor: {@link io.deltaq.cli.DeltaqMain} finds it
 * through {@code META-INF/services}.
 */
public final class BenchWorkerCommand implements Command {

    @Override
    public String name() {
        return "bench-worker";
    }

    @Override
    public String summary() {
        return "run producers or group members for a bench coordinator on another machine";
    }

    @Override
    public String description() {
        return """
                Connects to a coordinator started with bench --jvm-per-client --remote-workers K, runs the producer
                or group member it is given for one run, and connects again for the next, until the sweep is over
                (exit 0) or the coordinator cannot be reached for a minute (exit 1 if it never was). The clients
                reach the topic with the connection settings the coordinator sends: give the coordinator a target
                every machine reaches (--endpoint and --bucket).
                  bin/bench-worker --coordinator bench-host:7480""";
    }

    @Override
    public OptionParser options() {
        return new OptionParser("deltaq bench-worker")
                .value("coordinator", "HOST:PORT", "where the coordinator listens (its --listen)");
    }

    @Override
    public int run(ParsedOptions options, CommandIo io) throws Exception {
        String address = options.string("coordinator").orElseThrow(() -> new UsageException(
                "deltaq bench-worker needs --coordinator HOST:PORT"));
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = colon <= 0 ? -1 : Integer.parseInt(address.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65_535) {
            throw new UsageException("--coordinator needs HOST:PORT, such as bench-host:7480, got '" + address + "'");
        }
        return RemoteWorkers.serve(address.substring(0, colon), port, io.err());
    }
}
