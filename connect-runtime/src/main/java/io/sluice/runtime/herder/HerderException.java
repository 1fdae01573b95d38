package io.sluice.runtime.herder;

import org.apache.kafka.connect.errors.ConnectException;

/**
 * A request the control plane refuses, by kind of refusal: the herder says what went wrong in its own terms
 * and the REST layer alone decides how each kind is answered over HTTP.
 */
public abstract class HerderException extends ConnectException {

    protected HerderException(String message) {
        super(message);
    }

    /** The connector, task, plugin or other named thing asked for does not exist. */
    public static class NotFound extends HerderException {
        public NotFound(String message) {
            super(message);
        }
    }

    /** What a request would create exists already. */
    public static final class AlreadyExists extends HerderException {
        public AlreadyExists(String message) {
            super(message);
        }
    }

    /** The request clashes with the cluster's current state (a rebalance, another owner); it may work later. */
    public static class Conflict extends HerderException {
        public Conflict(String message) {
            super(message);
        }
    }

    /** The request itself is wrong: a bad value, a missing field, an operation this worker does not offer. */
    public static final class BadRequest extends HerderException {
        public BadRequest(String message) {
            super(message);
        }
    }

    /** The request is well formed but not allowed here (a disabled feature, a protected topic, a bad signature). */
    public static final class Forbidden extends HerderException {
        public Forbidden(String message) {
            super(message);
        }
    }

    /** The request carries more than the control plane can store. */
    public static final class TooLarge extends HerderException {
        public TooLarge(String message) {
            super(message);
        }
    }

    /** The worker cannot serve the request now (stopping, not yet joined); a retry may succeed. */
    public static final class Unavailable extends HerderException {
        public Unavailable(String message) {
            super(message);
        }
    }

    /** The control plane could not carry the request out: a timeout, a plugin's or the Kafka cluster's failure. */
    public static final class Failed extends HerderException {
        public Failed(String message) {
            super(message);
        }
    }

    public static HerderException notFound(String connector) {
        return new NotFound("Connector " + connector + " not found");
    }

    public static HerderException taskNotFound(String connector, int task) {
        return new NotFound("Task " + connector + "-" + task + " not found");
    }

    public static HerderException alreadyExists(String connector) {
        return new AlreadyExists("Connector " + connector + " already exists");
    }

    public static HerderException badRequest(String message) {
        return new BadRequest(message);
    }
}
