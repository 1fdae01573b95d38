package io.sluice.s3;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Checks, within a few seconds, that the bucket exists and the credentials may use it. */
public final class BucketCheck {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private BucketCheck() {
    }

    /** The config key at fault and what is wrong, or empty when the bucket answers. */
    public static Optional<Map.Entry<String, String>> problem(AbstractConfig config) {
        String bucket = config.getString(S3ConnectionConfig.BUCKET);
        try (S3Client s3 = S3ConnectionConfig.client(config, TIMEOUT, 0)) {
            s3.headBucket(b -> b.bucket(bucket));
            return Optional.empty();
        } catch (S3Exception e) {
            int status = e.statusCode();
            if (status == 404) {
                return Optional.of(Map.entry(S3ConnectionConfig.BUCKET,
                        "Bucket " + bucket + " does not exist at " + endpoint(config) + "; create it first"));
            }
            if (status == 403 || status == 401) {
                return Optional.of(Map.entry(S3ConnectionConfig.ACCESS_KEY_ID, "Access to bucket " + bucket
                        + " denied (HTTP " + status + "): check aws.access.key.id and aws.secret.access.key"));
            }
            return Optional.of(Map.entry(S3ConnectionConfig.BUCKET,
                    "Bucket " + bucket + " at " + endpoint(config) + " answered HTTP " + status + ": " + message(e)));
        } catch (SdkClientException e) {
            String key = config.getString(S3ConnectionConfig.STORE_URL).isBlank()
                    ? S3ConnectionConfig.REGION : S3ConnectionConfig.STORE_URL;
            // a refusal comes at once: "within 10 s" read as a timeout to tryout19
            String reason = message(e).contains("Connection refused")
                    ? ": the connection was refused (is the store running there?)"
                    : " within " + TIMEOUT.toSeconds() + " s: " + message(e);
            return Optional.of(Map.entry(key, "Cannot reach " + endpoint(config) + reason));
        } catch (SdkException | IllegalArgumentException e) {
            return Optional.of(Map.entry(S3ConnectionConfig.STORE_URL, "Cannot use the store: " + message(e)));
        }
    }

    private static String endpoint(AbstractConfig config) {
        String url = config.getString(S3ConnectionConfig.STORE_URL);
        return url.isBlank() ? "AWS S3 (" + config.getString(S3ConnectionConfig.REGION) + ")" : url;
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
