package io.sluice.s3;

import java.net.URI;
import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.types.Password;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;

/** The connection keys both S3 connectors share (Confluent's names) and the S3 client built from them. */
public final class S3ConnectionConfig {

    public static final String BUCKET = "s3.bucket.name";
    public static final String REGION = "s3.region";
    public static final String STORE_URL = "store.url";
    public static final String ACCESS_KEY_ID = "aws.access.key.id";
    public static final String SECRET_ACCESS_KEY = "aws.secret.access.key";
    public static final String PATH_STYLE = "s3.path.style.access.enabled";
    public static final String CONNECT_TIMEOUT_MS = "s3.connect.timeout.ms";
    public static final String REQUEST_TIMEOUT_MS = "s3.request.timeout.ms";
    public static final String PART_RETRIES = "s3.part.retries";
    public static final String TOPICS_DIR = "topics.dir";
    public static final String ZERO_PAD_WIDTH = "filename.offset.zero.pad.width";

    private static final String GROUP = "S3";

    private S3ConnectionConfig() {
    }

    /** Adds the connection keys to def. */
    public static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(BUCKET, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                        "The S3 bucket the connector writes to or reads from. It must exist.",
                        GROUP, ++order, Width.LONG, "Bucket")
                .define(REGION, Type.STRING, "us-east-1", Importance.MEDIUM,
                        "The AWS region of the bucket (any value for most S3-compatible stores).",
                        GROUP, ++order, Width.SHORT, "Region")
                .define(STORE_URL, Type.STRING, "", Importance.MEDIUM,
                        "Endpoint override for S3-compatible stores, e.g. http://127.0.0.1:9000 (MinIO, s3proxy) or "
                                + "https://storage.googleapis.com (Google Cloud Storage with HMAC keys). Empty: AWS.",
                        GROUP, ++order, Width.LONG, "Store URL")
                .define(ACCESS_KEY_ID, Type.STRING, "", Importance.HIGH,
                        "Access key id. Empty: the default AWS credentials chain (environment, system properties, "
                                + "profile, container or instance role).",
                        GROUP, ++order, Width.MEDIUM, "Access key id")
                .define(SECRET_ACCESS_KEY, Type.PASSWORD, "", Importance.HIGH,
                        "Secret access key, used with aws.access.key.id.",
                        GROUP, ++order, Width.MEDIUM, "Secret access key")
                .define(PATH_STYLE, Type.BOOLEAN, true, Importance.LOW,
                        "Path-style requests (endpoint/bucket/key) instead of virtual-hosted style; most "
                                + "S3-compatible stores need it.",
                        GROUP, ++order, Width.SHORT, "Path style")
                .define(CONNECT_TIMEOUT_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "TCP connect timeout to the store.", GROUP, ++order, Width.SHORT, "Connect timeout")
                .define(REQUEST_TIMEOUT_MS, Type.LONG, 120_000L, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Upper bound of one S3 call including its retries; a store that does not answer fails the "
                                + "task after this long instead of hanging it. Also how long a download waits for "
                                + "the next bytes of an object's body.",
                        GROUP, ++order, Width.SHORT, "Request timeout")
                .define(PART_RETRIES, Type.INT, 3, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Retries of a failed S3 request before the task fails.",
                        GROUP, ++order, Width.SHORT, "Retries")
                .define(TOPICS_DIR, Type.STRING, "topics", Importance.HIGH,
                        "Top-level prefix of the objects: <topics.dir>/<topic>/<partition path>/<object>.",
                        GROUP, ++order, Width.MEDIUM, "Topics directory")
                .define(ZERO_PAD_WIDTH, Type.INT, 10, ConfigDef.Range.between(1, 19), Importance.LOW,
                        "Width the offsets in object names are zero-padded to, so names sort in offset order.",
                        GROUP, ++order, Width.SHORT, "Offset padding");
    }

    /** An S3 client for config; the caller closes it. */
    public static S3Client client(AbstractConfig config) {
        return client(config, Duration.ofMillis(config.getLong(REQUEST_TIMEOUT_MS)), config.getInt(PART_RETRIES));
    }

    /** An S3 client with explicit call timeout and retries, e.g. short ones for validation. */
    public static S3Client client(AbstractConfig config, Duration callTimeout, int retries) {
        Duration connectTimeout = Duration.ofMillis(config.getLong(CONNECT_TIMEOUT_MS));
        var builder = S3Client.builder()
                .region(Region.of(config.getString(REGION)))
                .credentialsProvider(credentials(config))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(config.getBoolean(PATH_STYLE))
                        .chunkedEncodingEnabled(false)
                        .build())
                // checksums only where S3 requires them: several S3-compatible stores (GCS among them) reject
                // the SDK's default flexible-checksum headers
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(connectTimeout)
                        .socketTimeout(callTimeout))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(callTimeout)
                        .retryStrategy(RetryMode.STANDARD)
                        .retryStrategy(b -> b.maxAttempts(retries + 1))
                        .build());
        String url = config.getString(STORE_URL);
        if (url != null && !url.isBlank()) {
            builder.endpointOverride(URI.create(url.trim()));
        }
        return builder.build();
    }

    private static AwsCredentialsProvider credentials(AbstractConfig config) {
        String id = config.getString(ACCESS_KEY_ID);
        Password secret = config.getPassword(SECRET_ACCESS_KEY);
        if (id == null || id.isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(id, secret == null ? "" : secret.value()));
    }
}
