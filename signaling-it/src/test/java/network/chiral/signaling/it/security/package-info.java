/**
 * Who may connect and how much they may do: authentication (HMAC secret, API keys, public keys,
 * JWKS, a token in {@code register}), admission (origins, connection caps), rate limits, trusted
 * proxies, TURN credentials in the {@code peers} reply, credentials kept out of the log, and the
 * same controls in the WAR. The rule: a test about a security control lives here, whichever
 * deployment form it runs against.
 */
package network.chiral.signaling.it.security;
