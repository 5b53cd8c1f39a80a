package network.chiral.signaling.load.bench;

public final class Benchmark {
    private Benchmark() {
    }

    public static int run(String[] args) {
        return 2;
    }
}
