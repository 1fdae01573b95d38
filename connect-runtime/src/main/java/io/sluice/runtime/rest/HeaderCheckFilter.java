package io.sluice.runtime.rest;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;

/** Refuses an unparsable Content-Type with a JSON 415 before Jersey, which would answer a bare 400, sees it. */
final class HeaderCheckFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String contentType = ((HttpServletRequest) request).getHeader("Content-Type");
        if (contentType != null && !contentType.isBlank()) {
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
}
