/**
 * What an operator watches and does: {@code /metrics}, JSON logs, draining on SIGTERM, and the
 * alert rules, dashboard and operations guide checked against a live server. The rule: a test
 * about observing or stopping a running server lives here.
 */
package network.chiral.signaling.it.operations;
