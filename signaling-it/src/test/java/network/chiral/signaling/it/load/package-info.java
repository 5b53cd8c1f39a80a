/**
 * The load tool ({@code signaling-load.jar}, in src/main) and the benchmark, run briefly over
 * real sockets to keep them working; they assert that every phase ran, never how fast. The
 * rule: a test of the load or benchmark tooling lives here.
 */
package network.chiral.signaling.it.load;
