package network.chiral.signaling.server.http;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Every plain HTTP path no other servlet maps is 404, in every container: mapped to {@code /},
 * this replaces a container's default servlet (Jetty's would list the WAR's directory).
 * WebSocket upgrades are taken by the container's upgrade filter before they get here.
 */
public final class NotFoundServlet extends HttpServlet {
    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
}
