package dev.chassis.core.admin;

/**
 * Answers one admin request. Called on the admin server's worker threads; implementations must be
 * thread-safe.
 *
 * <pre>{@code
 * AdminHandler hello = request -> AdminResponse.json(200, Map.of("hello", "world"));
 * }</pre>
 */
@FunctionalInterface
public interface AdminHandler {
    /**
     * Answers a request.
     *
     * @param request the request, with its path parameters bound
     * @return the response
     * @throws Exception any failure; the server answers 500 with a JSON error body
     */
    AdminResponse handle(AdminRequest request) throws Exception;
}
