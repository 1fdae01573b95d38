package io.sluice.runtime.herder;

import io.sluice.runtime.storage.SessionKey;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The signature a worker puts on its requests to another worker (Apache's X-Connect-Authorization
 * header: the HMAC of the request body under the cluster's session key), checked by the receiver.
 */
public record InternalRequestSignature(byte[] body, String algorithm, byte[] signature) {
    public static final String SIGNATURE_HEADER = "X-Connect-Authorization";
    public static final String ALGORITHM_HEADER = "X-Connect-Request-Signature-Algorithm";

    /** The signature a request carries in its headers; null when it carries none. */
    public static InternalRequestSignature fromHeaders(byte[] body, String signature, String algorithm) {
        if (signature == null) {
            return null;
        }
        if (algorithm == null) {
            throw HerderException.badRequest("Internal request signature lacks its algorithm (" + ALGORITHM_HEADER + ")");
        }
        try {
            return new InternalRequestSignature(body, algorithm, Base64.getDecoder().decode(signature));
        } catch (IllegalArgumentException e) {
            throw HerderException.badRequest("Internal request signature is not base64");
        }
    }

    /** The base64 signature of body under key with the given MAC algorithm. */
    public static String sign(SessionKey key, String algorithm, byte[] body) {
        return Base64.getEncoder().encodeToString(mac(key, algorithm, body));
    }

    /** Whether this signature is the body's under key; compared in constant time. */
    public boolean isValid(SessionKey key) {
        return key != null && MessageDigest.isEqual(mac(key, algorithm, body), signature);
    }

    private static byte[] mac(SessionKey key, String algorithm, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(key.key(), key.algorithm()));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new ConnectException("Cannot compute a " + algorithm + " request signature: " + e.getMessage(), e);
        }
    }
}
