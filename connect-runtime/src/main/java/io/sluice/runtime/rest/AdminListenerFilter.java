package io.sluice.runtime.rest;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.eclipse.jetty.server.ServerConnector;

/** With admin.listeners set, /admin paths answer only on the admin listeners, and only /admin paths do. */
final class AdminListenerFilter implements Filter {
    private final List<ServerConnector> adminConnectors;

    AdminListenerFilter(List<ServerConnector> adminConnectors) {
        this.adminConnectors = adminConnectors;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String path = http.getRequestURI();
        boolean adminPath = path.equals("/admin") || path.startsWith("/admin/");
        int port = http.getLocalPort();
        boolean adminListener = adminConnectors.stream().anyMatch(c -> c.getLocalPort() == port);
        if (adminPath != adminListener) {
            HttpServletResponse out = (HttpServletResponse) response;
            out.setStatus(404);
            out.setContentType("application/json");
            out.getOutputStream().write(JsonErrorHandler.body(404, "Not Found"));
            return;
        }
        chain.doFilter(request, response);
    }
}
