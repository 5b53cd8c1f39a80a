package network.chiral.signaling.api;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How this module's JMH benchmarks run, so that their numbers compare: the average time of one
 * operation, in nanoseconds unless a benchmark says otherwise, over five measurements of two
 * seconds after three warm-ups, in one fork. JMH reads these from the superclass. The benchmarks
 * are run by hand (see docs/benchmarks.md), never by the build.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public abstract class ByHandBenchmark {
}
