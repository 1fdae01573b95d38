package io.sluice.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.s3.testing.S3TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

/** validate() reports a store that cannot be used as errors on the key at fault, quickly. */
class S3SinkConnectorValidationTest {

    private static Map<String, String> config(String bucket) {
        Map<String, String> config = new HashMap<>(S3TestServer.connectorSettings(bucket));
        config.put("connector.class", S3SinkConnector.class.getName());
        config.put("topics", "t");
        return config;
    }

    private static List<String> errors(Map<String, String> config, String key) {
        return new S3SinkConnector().validate(config).configValues().stream()
                .filter(v -> v.name().equals(key)).findFirst().map(ConfigValue::errorMessages).orElseThrow();
    }

    @Test
    void aReachableBucketWithGoodCredentialsValidatesClean() {
        new S3SinkConnector().validate(config(S3TestServer.newBucket())).configValues()
                .forEach(v -> assertEquals(List.of(), v.errorMessages(), v.name()));
    }

    @Test
    void aMissingBucketIsAnErrorOnTheBucketName() {
        List<String> errors = errors(config("no-such-bucket-here"), "s3.bucket.name");
        assertTrue(errors.get(0).contains("does not exist"), errors.toString());
    }

    @Test
    void badCredentialsAreAnErrorOnTheAccessKey() {
        Map<String, String> config = config(S3TestServer.newBucket());
        config.put("aws.secret.access.key", "wrong");
        List<String> errors = errors(config, "aws.access.key.id");
        assertTrue(errors.get(0).contains("denied"), errors.toString());
    }

    @Test
    void anUnreachableEndpointIsAnErrorOnTheStoreUrlWithinSeconds() {
        Map<String, String> config = config("bucket");
        config.put("store.url", "http://127.0.0.1:" + closedPort());
        config.put("s3.connect.timeout.ms", "1000");
        long start = System.nanoTime();
        List<String> errors = errors(config, "store.url");
        assertEquals(1, errors.size(), new S3SinkConnector().validate(config).configValues().stream()
                .filter(v -> !v.errorMessages().isEmpty()).map(v -> v.name() + v.errorMessages()).toList().toString());
        assertTrue(errors.get(0).contains("Cannot reach"), errors.toString());
        assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 15, "bounded wait");
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aTimePartitionerWithoutPathFormatIsAnErrorOnThePartitioner() {
        Map<String, String> config = config(S3TestServer.newBucket());
        config.put("partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner");
        List<String> errors = errors(config, "partitioner.class");
        assertTrue(errors.get(0).contains("path.format"), errors.toString());
    }
}
