/**
 * How the server is shipped and run, apart from the protocol: the executable jar's flags,
 * configuration errors and SIGTERM, the WAR's settings and undeploy, and the Docker and systemd
 * files. The rule: a test about a deployment form itself lives here; the protocol suite on each
 * form lives in {@link network.chiral.signaling.it.protocol}.
 */
package network.chiral.signaling.it.deployment;
