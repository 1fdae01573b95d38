package io.sluice.runtime.distributed;

import io.sluice.runtime.config.DistributedConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.herder.HerderException;
import io.sluice.runtime.herder.InternalRequestSignature;
import io.sluice.runtime.storage.SessionKey;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import javax.crypto.KeyGenerator;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import org.apache.kafka.common.config.ConfigException;

/**
 * The inter.worker.* settings at work: when the leader writes a new session key and how, how a worker
 * signs its requests to another, and which signatures a worker accepts (Apache's rules and answers).
 */
final class SessionKeys {
    private final String generationAlgorithm;
    private final Integer keySize;
    private final long ttlMs;
    private final String signatureAlgorithm;
    private final List<String> verificationAlgorithms;

    /** Checks the algorithms exist here, so a worker refuses to start rather than fail at its first request. */
    SessionKeys(WorkerConfig config) {
        this.generationAlgorithm = config.getString(DistributedConfig.INTER_WORKER_KEY_GENERATION_ALGORITHM);
        this.keySize = config.getInt(DistributedConfig.INTER_WORKER_KEY_SIZE);
        this.ttlMs = config.getInt(DistributedConfig.INTER_WORKER_KEY_TTL_MS);
        this.signatureAlgorithm = config.getString(DistributedConfig.INTER_WORKER_SIGNATURE_ALGORITHM);
        this.verificationAlgorithms = config.getList(DistributedConfig.INTER_WORKER_VERIFICATION_ALGORITHMS);
        generate(0);
        for (String algorithm : verificationAlgorithms) {
            try {
                Mac.getInstance(algorithm);
            } catch (GeneralSecurityException e) {
                throw new ConfigException(DistributedConfig.INTER_WORKER_VERIFICATION_ALGORITHMS, algorithm,
                        "not a MAC algorithm this JVM provides");
            }
        }
        if (!verificationAlgorithms.contains(signatureAlgorithm)) {
            throw new ConfigException(DistributedConfig.INTER_WORKER_SIGNATURE_ALGORITHM, signatureAlgorithm,
                    "must be one of " + DistributedConfig.INTER_WORKER_VERIFICATION_ALGORITHMS + " " + verificationAlgorithms);
        }
    }

    /** Whether the leader must write a new key: there is none, or the current one has lived its ttl. */
    boolean due(SessionKey current, long nowMs) {
        return current == null || nowMs >= current.creationTimestamp() + ttlMs;
    }

    SessionKey generate(long nowMs) {
        try {
            KeyGenerator generator = KeyGenerator.getInstance(generationAlgorithm);
            if (keySize != null) {
                generator.init(keySize);
            }
            SecretKey key = generator.generateKey();
            return new SessionKey(key.getEncoded(), key.getAlgorithm(), nowMs);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ConfigException(DistributedConfig.INTER_WORKER_KEY_GENERATION_ALGORITHM, generationAlgorithm,
                    "cannot generate keys (" + e.getMessage() + ")");
        }
    }

    /** The headers that sign body under key. */
    Map<String, String> signatureHeaders(SessionKey key, byte[] body) {
        return Map.of(InternalRequestSignature.SIGNATURE_HEADER,
                InternalRequestSignature.sign(key, signatureAlgorithm, body),
                InternalRequestSignature.ALGORITHM_HEADER, signatureAlgorithm);
    }

    /** Refuses a request from another worker that is unsigned (400), or not signed with the current key (403). */
    void verify(InternalRequestSignature signature, SessionKey key) {
        if (signature == null) {
            throw HerderException.badRequest("Internal request missing required signature");
        }
        if (!verificationAlgorithms.contains(signature.algorithm())) {
            throw HerderException.badRequest("This worker does not support the request signature algorithm "
                    + signature.algorithm() + "; it accepts " + verificationAlgorithms);
        }
        if (!signature.isValid(key)) {
            throw new HerderException.Forbidden("Internal request contained invalid signature");
        }
    }
}
