/**
 * Hostile input against the real jar: seeded frames from many sockets, each answer checked
 * against docs/protocol.md while bystanders relay. The rule: a test that attacks the server
 * with malformed or abusive traffic at scale lives here; single malformed-frame cases stay in
 * {@code ProtocolSuite}.
 */
package network.chiral.signaling.it.robustness;
