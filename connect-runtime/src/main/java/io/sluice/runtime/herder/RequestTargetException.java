package io.sluice.runtime.herder;

import java.net.URI;

/**
 * A request this worker must not handle itself: it belongs to the worker at targetUrl (the group leader
 * for changes). The REST layer forwards it there; where it cannot, the answer is a 409.
 */
public final class RequestTargetException extends HerderException.Conflict {
    private final URI targetUrl;

    public RequestTargetException(URI targetUrl, String message) {
        super(message);
        this.targetUrl = targetUrl;
    }

    public URI targetUrl() {
        return targetUrl;
    }
}
