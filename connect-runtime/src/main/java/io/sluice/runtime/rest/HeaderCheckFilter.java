package io.sluice.runtime.rest;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.Collections;
import java.util.Enumeration;

/**
 * Refuses an unparsable Content-Type with a JSON 415 before Jersey, which would answer a bare 400, sees it; an empty
 * Content-Type header (sent as "Content-Type:") counts as none, so the request gets the answer it would get without.
 */
final class HeaderCheckFilter implements Filter {
    private static final String CONTENT_TYPE = "Content-Type";

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) request;
        String contentType = http.getHeader(CONTENT_TYPE);
        if (contentType != null && contentType.isBlank()) {
            chain.doFilter(new WithoutContentType(http), response);
            return;
        }
        if (contentType != null) {
            try {
                MediaType.valueOf(contentType);
            } catch (IllegalArgumentException e) {
                HttpServletResponse out = (HttpServletResponse) response;
                out.setStatus(415);
                out.setContentType("application/json");
                out.getOutputStream().write(JsonErrorHandler.body(415, "Unsupported Media Type; send application/json"));
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** The request as if it had no Content-Type header. */
    private static final class WithoutContentType extends HttpServletRequestWrapper {
        WithoutContentType(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getContentType() {
            return null;
        }

        @Override
        public String getHeader(String name) {
            return CONTENT_TYPE.equalsIgnoreCase(name) ? null : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return CONTENT_TYPE.equalsIgnoreCase(name) ? Collections.emptyEnumeration() : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(Collections.list(super.getHeaderNames()).stream()
                    .filter(n -> !CONTENT_TYPE.equalsIgnoreCase(n)).toList());
        }
    }
}
