package io.deltaq.cli;

import java.util.LinkedHashMap;
import java.util.Map;

import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.S3StoreConfig;
import io.deltaq.s3io.config.ConfigException;

/**
 * The TABLE argument of the commands that open a table: a directory path, {@code file:///path} or
 * {@code s3://bucket/prefix}. S3 settings come from the standard AWS environment variables, the
 * ones {@code deltaq serve} prints ({@code AWS_ENDPOINT_URL}, {@code AWS_REGION},
 * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}; credentials also from the rest of the
 * SDK's default chain), and {@code --endpoint}/{@code --region} override the first two.
 */
final class TableAddress {

    static final String ENDPOINT = "endpoint";
    static final String REGION = "region";

    /** For the description of a command: how TABLE is written and where S3 settings come from. */
    static final String HELP = """
            TABLE is a directory (a path or file:///path) or s3://bucket/prefix. For S3 the settings come from
            AWS_ENDPOINT_URL, AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (what 'deltaq serve'
            prints; credentials also from the AWS SDK's other usual places); --endpoint and --region override.""";

    private TableAddress() {
    }

    /** Declares {@code --endpoint} and {@code --region} on {@code parser}. */
    static OptionParser declare(OptionParser parser) {
        return parser
                .value(ENDPOINT, "URL", "S3 endpoint, e.g. http://127.0.0.1:9000 (default: $AWS_ENDPOINT_URL, else AWS)")
                .value(REGION, "NAME", "S3 region (default: $AWS_REGION, else " + S3StoreConfig.FALLBACK_REGION + ")");
    }

    /**
     * Opens the store holding the table at {@code address}, through {@link ObjectStores#open}; the
     * table is at the store's root. {@code --endpoint} and {@code --region} override the environment.
     *
     * @param parser the command's options, for wording usage errors
     * @throws UsageException for an address or an S3 option that cannot work
     */
    static ObjectStore open(String address, ParsedOptions options, OptionParser parser, Map<String, String> env)
            throws UsageException {
        if (address.isBlank()) {
            throw parser.error("TABLE is empty");
        }
        Map<String, Object> overrides = new LinkedHashMap<>();
        options.string(ENDPOINT).ifPresent(endpoint -> overrides.put(ObjectStores.ENDPOINT, endpoint));
        options.string(REGION).ifPresent(region -> overrides.put(ObjectStores.REGION, region));
        if (!ObjectStores.isS3(address) && !overrides.isEmpty()) {
            throw parser.error("--" + (options.has(ENDPOINT) ? ENDPOINT : REGION) + " applies to s3:// tables only, and '"
                    + address + "' is a local directory");
        }
        try {
            return ObjectStores.open(address, env, overrides);
        } catch (ConfigException e) {
            String option = ObjectStores.ENDPOINT.equals(e.key()) ? ENDPOINT : ObjectStores.REGION.equals(e.key()) ? REGION : null;
            throw parser.error(option != null && e.problem() != null ? "--" + option + " " + e.problem() : e.getMessage());
        } catch (IllegalArgumentException e) {
            throw parser.error("TABLE: " + e.getMessage());
        }
    }
}
