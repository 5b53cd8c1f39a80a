/**
 * Cluster mode beyond the protocol suite: ids and routes across nodes, a node that crashes or
 * freezes, Redis going away, Redis over TLS, a WAR node joining a cluster, and the figures a
 * cluster is sized from. The rule: a test that needs Redis and more than one node lives here,
 * unless it extends {@code ProtocolSuite}.
 */
package network.chiral.signaling.it.cluster;
