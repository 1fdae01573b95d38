package io.sluice.runtime.herder;

import org.apache.kafka.connect.errors.ConnectException;

/** A request the herder refuses, with the HTTP status the REST API answers with. */
public class HerderException extends ConnectException {
    private final int status;

    public HerderException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static HerderException notFound(String connector) {
        return new HerderException(404, "Connector " + connector + " not found");
    }

    public static HerderException taskNotFound(String connector, int task) {
        return new HerderException(404, "Task " + connector + "-" + task + " not found");
    }

    public static HerderException alreadyExists(String connector) {
        return new HerderException(409, "Connector " + connector + " already exists");
    }

    public static HerderException badRequest(String message) {
        return new HerderException(400, message);
    }
}
