package io.deltaq.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.deltaq.s3io.LocalObjectStore;
import io.deltaq.s3io.ObjectStore;
import io.deltaq.s3io.ObjectStores;
import io.deltaq.s3io.S3Location;
import io.deltaq.s3io.S3ObjectStore;
import io.deltaq.s3io.S3StoreConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

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
     * Opens the store holding the table at {@code address}; the table is at the store's root.
     *
     * @param parser the command's options, for wording usage errors
     * @throws UsageException for an address or an S3 option that cannot work
     */
    static ObjectStore open(String address, ParsedOptions options, OptionParser parser, Map<String, String> env)
            throws UsageException {
        Optional<String> endpoint = options.string(ENDPOINT);
        Optional<String> region = options.string(REGION);
        if (address.isBlank()) {
            throw parser.error("TABLE is empty");
        }
        if (!ObjectStores.isS3(address)) {
            if (endpoint.isPresent() || region.isPresent()) {
                throw parser.error("--" + (endpoint.isPresent() ? ENDPOINT : REGION) + " applies to s3:// tables only, and '"
                        + address + "' is a local directory");
            }
            try {
                return new LocalObjectStore(ObjectStores.localPath(address));
            } catch (IllegalArgumentException e) {
                throw parser.error("TABLE: " + e.getMessage());
            }
        }
        S3Location location;
        try {
            location = S3Location.parse(address);
        } catch (IllegalArgumentException e) {
            throw parser.error("TABLE: " + e.getMessage());
        }
        S3StoreConfig.Builder config;
        try {
            config = S3StoreConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            throw parser.error("AWS_ENDPOINT_URL is not a URL: " + e.getMessage());
        }
        // The SDK's own chain reads these too, but only from the process environment; reading them
        // here gives the same result and lets a caller (a test) hand over another environment.
        String accessKey = env.get("AWS_ACCESS_KEY_ID");
        String secretKey = env.get("AWS_SECRET_ACCESS_KEY");
        if (accessKey != null && !accessKey.isBlank() && secretKey != null && !secretKey.isBlank()) {
            String token = env.get("AWS_SESSION_TOKEN");
            config.credentials(StaticCredentialsProvider.create(token == null || token.isBlank()
                    ? AwsBasicCredentials.create(accessKey.trim(), secretKey.trim())
                    : AwsSessionCredentials.create(accessKey.trim(), secretKey.trim(), token.trim())));
        }
        if (endpoint.isPresent()) {
            config.endpoint(endpointUri(endpoint.get(), parser));
        }
        if (region.isPresent()) {
            if (region.get().isBlank()) {
                throw parser.error("--region is empty");
            }
            config.region(region.get().trim());
        }
        return new S3ObjectStore(location, config.build());
    }

    private static URI endpointUri(String text, OptionParser parser) throws UsageException {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw parser.error("--endpoint is not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw parser.error("--endpoint needs http://host[:port] or https://host[:port], got '" + text + "'");
        }
        return uri;
    }
}
