/**
 * What browsers get from the server, driven in a real headless Chromium: the self-test page at
 * the root URL on every deployment form (the jar, behind nginx with TLS, the WAR in Tomcat) and
 * the failures it must name (a refused origin, a proxy that drops the upgrade, an unreachable
 * TURN server, a missing token), and the JavaScript client module's events. The rule: a test
 * that runs the server's own web files in a browser lives here; {@code BrowserSetupIT}, which
 * measures a browser's traffic against the rate limits, stays with the limits in
 * {@link network.chiral.signaling.it.security}.
 */
package network.chiral.signaling.it.browser;
