package network.chiral.signaling.server.http;

import java.lang.reflect.Proxy;
import java.security.Principal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

/**
 * The request an admitted WebSocket upgrade hands to the container, which lets go of the HTTP
 * exchange once the handshake is over ({@link #end}).
 *
 * <p>Jetty's Jakarta session keeps the request it upgraded for as long as the socket lives, and
 * through it the HTTP connection's parser, headers and servlet state: about 4 KB for every idle
 * socket. The HTTP exchange is over once the handshake is (Jetty's own view, jetty#11294), so
 * after {@link #end} this wrapper answers only what a session can still ask of it (the path, the
 * query and the principal, all read at the handshake) and anything else fails loudly rather than
 * read a recycled request. Tomcat copies what it needs at the handshake and is unaffected.
 */
final class UpgradingRequest extends HttpServletRequestWrapper {
    private static final HttpServletRequest ENDED = (HttpServletRequest) Proxy.newProxyInstance(
            UpgradingRequest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
            (proxy, method, args) -> switch (method.getName()) {
                case "toString" -> "HTTP request ended by its WebSocket upgrade";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new IllegalStateException(
                        "the HTTP request ended with its WebSocket upgrade; " + method.getName() + " is not kept");
            });

    private final String requestUri;
    private final String contextPath;
    private final String servletPath;
    private final String pathInfo;
    private final String queryString;
    private final Principal principal;

    /** @param principal the user principal the handshake sees; {@code null} for the request's own */
    UpgradingRequest(HttpServletRequest request, Principal principal) {
        super(request);
        this.requestUri = request.getRequestURI();
        this.contextPath = request.getContextPath();
        this.servletPath = request.getServletPath();
        this.pathInfo = request.getPathInfo();
        this.queryString = request.getQueryString();
        this.principal = principal != null ? principal : request.getUserPrincipal();
    }

    /** Lets go of the HTTP request: the handshake is answered and the chain has returned. */
    void end() {
        setRequest(ENDED);
    }

    @Override
    public String getRequestURI() {
        return requestUri;
    }

    @Override
    public String getContextPath() {
        return contextPath;
    }

    @Override
    public String getServletPath() {
        return servletPath;
    }

    @Override
    public String getPathInfo() {
        return pathInfo;
    }

    @Override
    public String getQueryString() {
        return queryString;
    }

    @Override
    public Principal getUserPrincipal() {
        return principal;
    }
}
