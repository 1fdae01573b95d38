package io.sluice.runtime.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Errors Jetty answers itself (malformed requests, oversized headers, ambiguous URIs) in Apache's JSON
 * error shape too, never as an HTML page and never with a stack trace.
 */
public final class JsonErrorHandler extends org.eclipse.jetty.server.handler.ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    public JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback, String contentType,
                                                 List<Charset> charsets, int code, String message, Throwable cause) {
        return writeJson(response, callback, code, message);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(HttpHeader.CONTENT_TYPE, "application/json");
        return ByteBuffer.wrap(body(status, reason));
    }

    @Override
    public boolean errorPageForMethod(String method) {
        return true; // a PUT, PATCH or DELETE gets its JSON error body too
    }

    /** The same, for errors raised inside the servlet context (sendError, ambiguous URIs). */
    public static final class ForServlets extends org.eclipse.jetty.ee10.servlet.ErrorHandler {
        public ForServlets() {
            setShowStacks(false);
            setShowCauses(false);
        }

        @Override
        protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
                                                     String contentType, List<Charset> charsets, int code, String message,
                                                     Throwable cause) {
            return writeJson(response, callback, code, message);
        }

        @Override
        public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
            fields.put(HttpHeader.CONTENT_TYPE, "application/json");
            return ByteBuffer.wrap(body(status, reason));
        }

        @Override
        public boolean errorPageForMethod(String method) {
            return true;
        }
    }

    private static boolean writeJson(Response response, Callback callback, int code, String message) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body(code, message)), callback);
        return true;
    }

    static byte[] body(int code, String message) {
        String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        if (code == HttpStatus.PAYLOAD_TOO_LARGE_413) {
            // Jetty's own words are "Request body is too large: 17825931>17825792"
            text = "Request body is too large: a request may carry at most " + RestServer.MAX_REQUEST_BYTES
                    + " bytes, a connector configuration at most 16 MiB";
        }
        try {
            return JSON.writeValueAsBytes(new ErrorMessage(code, "HTTP " + code + " " + text));
        } catch (JsonProcessingException e) {
            return ("{\"error_code\":" + code + ",\"message\":\"HTTP " + code + "\"}").getBytes(StandardCharsets.UTF_8);
        }
    }
}
