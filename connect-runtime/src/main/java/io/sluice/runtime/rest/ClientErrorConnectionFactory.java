package io.sluice.runtime.rest;

import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.internal.HttpConnection;

/**
 * HTTP/1.1 connections whose parser reports a malformed request as the client's mistake: Jetty answers an
 * unknown HTTP version (HTTP/0.9, HTTP/9.9) with 505, but a client's bad bytes never earn a 5xx here.
 */
final class ClientErrorConnectionFactory extends HttpConnectionFactory {

    ClientErrorConnectionFactory(HttpConfiguration config) {
        super(config);
    }

    @Override
    public Connection newConnection(Connector connector, EndPoint endPoint) {
        HttpConnection connection = new HttpConnection(getHttpConfiguration(), connector, endPoint) {
            @Override
            protected RequestHandler newRequestHandler() {
                return new RequestHandler() {
                    @Override
                    public void badMessage(HttpException failure) {
                        super.badMessage(failure.getCode() >= 500
                                ? new BadMessageException(400, "Malformed request: " + failure.getReason())
                                : failure);
                    }
                };
            }
        };
        connection.setUseInputDirectByteBuffers(isUseInputDirectByteBuffers());
        connection.setUseOutputDirectByteBuffers(isUseOutputDirectByteBuffers());
        return configure(connection, connector, endPoint);
    }
}
