/**
 * Integration tests of the signaling server over real sockets, one package per subject.
 *
 * <p>The rule: a test lives in the package of what it is about, whichever deployment form it
 * runs against. The one exception is {@link network.chiral.signaling.it.protocol}, which holds
 * {@code ProtocolSuite} and every class that extends it, one per deployment form.
 *
 * <ul>
 *   <li>{@link network.chiral.signaling.it.fixture}: what the tests run against and with (servers,
 *       clients, certificates, tokens, frame builders); no tests.
 *   <li>{@link network.chiral.signaling.it.protocol}: the protocol suite on every deployment form,
 *       id takeover and peer-list updates.
 *   <li>{@link network.chiral.signaling.it.cluster}: cluster mode: several nodes and Redis.
 *   <li>{@link network.chiral.signaling.it.security}: authentication, admission, rate limits,
 *       trusted proxies, TURN credentials, credentials kept out of logs.
 *   <li>{@link network.chiral.signaling.it.deployment}: how the server is shipped and run: the
 *       jar's lifecycle, the WAR's settings and undeploy, Docker and systemd files.
 *   <li>{@link network.chiral.signaling.it.operations}: metrics, logs, draining, monitoring files.
 *   <li>{@link network.chiral.signaling.it.robustness}: hostile input and slow readers.
 *   <li>{@link network.chiral.signaling.it.browser}: the server's web files in a real browser: the
 *       self-test page on every form and the JavaScript client module.
 *   <li>{@link network.chiral.signaling.it.load}: the load tool and the benchmark.
 * </ul>
 *
 * <p>Classes named {@code *IT} run in Failsafe ({@code mvn verify}); unit tests of the load tool
 * ({@code *Test}, in {@code network.chiral.signaling.load}) run in Surefire.
 */
package network.chiral.signaling.it;
