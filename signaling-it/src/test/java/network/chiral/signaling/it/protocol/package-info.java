/**
 * The protocol, case by case, on every deployment form. {@code ProtocolSuite} holds the cases;
 * each subclass supplies one running server: in this JVM, the executable jar, the WAR in Tomcat
 * 10, Tomcat 11 and Jetty 12, the jar behind nginx, the jar serving TLS itself, and clusters of
 * two and three nodes.
 *
 * <p>The rule: every class that extends {@code ProtocolSuite} lives here, with the few cases it
 * adds for its own form (certificate renewal, the address logged behind nginx). Tests of a
 * deployment form that do not run the suite live in {@link network.chiral.signaling.it.deployment}
 * or the package of their subject.
 */
package network.chiral.signaling.it.protocol;
