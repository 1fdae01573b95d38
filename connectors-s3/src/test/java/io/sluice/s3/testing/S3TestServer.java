package io.sluice.s3.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The one S3-compatible server (s3proxy, in memory) of a test JVM, with a client and bucket helpers. */
public final class S3TestServer {

    public static final String ACCESS_KEY = "sluice-test-key";
    public static final String SECRET_KEY = "sluice-test-secret";
    private static final Pattern IN_FLIGHT =
            Pattern.compile("-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    private static S3Proxy proxy;
    private static S3Client client;

    private S3TestServer() {
    }

    /** The endpoint, starting the server on first use. */
    public static synchronized String endpoint() {
        if (proxy == null) {
            proxy = startProxy();
            Runtime.getRuntime().addShutdownHook(new Thread(S3TestServer::shutdown, "sluice-test-s3-shutdown"));
        }
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** Starts another in-memory server with the same credentials, e.g. to stop it under a running connector. */
    public static S3Proxy startProxy() {
        return start(BlobStores.create("transient", new Properties()), 0);
    }

    /**
     * Starts a server with the same credentials on port, keeping its objects in directory: stopped and started again
     * on the same port and directory, it is the same store coming back.
     */
    public static S3Proxy startProxy(int port, Path directory) {
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", directory.toString());
        return start(BlobStores.create("filesystem", props), port);
    }

    private static S3Proxy start(org.gaul.s3proxy.blobstore.BlobStore store, int port) {
        try {
            S3Proxy started = S3Proxy.builder()
                    .blobStore(store)
                    .endpoint(URI.create("http://127.0.0.1:" + port))
                    .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                    .build();
            started.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(started.getState()) && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            return started;
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start s3proxy", e);
        }
    }

    /** A client of the server at endpoint. */
    public static S3Client client(String endpoint) {
        return S3Client.builder().endpointOverride(URI.create(endpoint)).region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    public static synchronized S3Client client() {
        if (client == null) {
            client = client(endpoint());
        }
        return client;
    }

    /** Creates a bucket no other test uses. */
    public static String newBucket() {
        String bucket = "b-" + UUID.randomUUID().toString().substring(0, 12);
        client().createBucket(b -> b.bucket(bucket));
        return bucket;
    }

    /** Connector settings to reach bucket on this server. */
    public static Map<String, String> connectorSettings(String bucket) {
        Map<String, String> settings = new HashMap<>();
        settings.put("s3.bucket.name", bucket);
        settings.put("store.url", endpoint());
        settings.put("aws.access.key.id", ACCESS_KEY);
        settings.put("aws.secret.access.key", SECRET_KEY);
        settings.put("s3.path.style.access.enabled", "true");
        return settings;
    }

    /** Every key in bucket, in name order, without s3proxy's files of writes in progress (see {@link #isInFlight}). */
    public static List<String> keys(String bucket) {
        return client().listObjectsV2Paginator(b -> b.bucket(bucket)).contents().stream().map(S3Object::key)
                .filter(key -> !isInFlight(key)).sorted().toList();
    }

    /**
     * Whether key is s3proxy's temporary file of a PUT or multipart completion still being written: its stores write
     * KEY-UUID and then rename it to KEY, and list both meanwhile (S3 never lists a write before it completes). Read,
     * it is gone after the rename (ci-52: NoSuchKey); counted, it stood for the object about to be (ci-54).
     */
    public static boolean isInFlight(String key) {
        return IN_FLIGHT.matcher(key).find();
    }

    /** An object's bytes, gunzipped when its name ends in .gz. */
    public static byte[] read(String bucket, String key) {
        try (InputStream raw = client().getObject(b -> b.bucket(bucket).key(key));
             InputStream in = key.endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void put(String bucket, String key, byte[] bytes) {
        client().putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    private static synchronized void shutdown() {
        try {
            if (client != null) {
                client.close();
            }
            if (proxy != null) {
                proxy.stop();
            }
        } catch (Exception e) {
            // the JVM is exiting
        }
    }
}
