/**
 * The protocol, case by case, on every deployment form. {@code ProtocolSuite} holds the cases;
 * each subclass supplies one running server: in this JVM, the executable jar, the WAR in Tomcat
 * 10, Tomcat 11 and Jetty 12, the jar behind nginx, the jar serving TLS itself, and clusters of
 * two and three nodes.
 *
 * <p>The rule: every class that extends {@code ProtocolSuite} lives here, with the few cases it
 * adds for its own form (certificate renewal, the address logged behind nginx). Tests of a
 * deployment form that do not run the suite live in {@link network.chiral.signaling.it.deployment}
 * or the package of their subject. Protocol behaviour that needs a set-up of its own lives here
 * too: {@code IdTakeoverIT} (a half-open connection through a TCP proxy) and
 * {@code PeerListUpdatesIT} (pushed peer lists, which the suite runs without).
 */
package network.chiral.signaling.it.protocol;
